import type { PollResult } from './replay.js';
import type { OptionCounts } from './tallyCount.js';

function countsText({ totalBallots, counts }: OptionCounts): string {
  const options = Object.entries(counts)
    .map(([option, n]) => `${option} ${String(n)}`)
    .join(', ');
  return `${String(totalBallots)} ballot(s)${options === '' ? '' : `: ${options}`}`;
}

/** One line per poll: its status, the recount, and how it compares with the ledger's tally. */
export function formatPollResults(results: readonly PollResult[]): string {
  if (results.length === 0) return 'Veche: no polls on the ledger';
  const lines = [`Veche: ${String(results.length)} poll(s) recounted from the blocks`];
  for (const result of results) {
    const recount = countsText(result.recomputed);
    const tally = result.ledgerTally;
    if (tally !== undefined) {
      lines.push(
        `  poll ${result.pollId} ${result.status}: recount ${recount}; final tally (block ${String(tally.at.blockNumber)}, tx ${tally.at.txId}) ${result.tallyMatches === true ? 'matches' : `DIFFERS: ${countsText(tally.tally)}`}`,
      );
    } else if (result.status === 'closed') {
      lines.push(
        `  poll ${result.pollId} closed, final tally not yet on the ledger: recount ${recount}`,
      );
    } else if (result.status === 'open') {
      lines.push(`  poll ${result.pollId} open, live recount ${recount}`);
    } else {
      lines.push(`  poll ${result.pollId} draft`);
    }
  }
  return lines.join('\n');
}
