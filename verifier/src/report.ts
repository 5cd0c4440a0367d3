// The human report; --json prints the VerifyResult itself.
import type { VerifyResult } from './pipeline.js';

export function humanReport(result: VerifyResult, seconds: number): string {
  const lines = [
    `source: ${result.source}`,
    `blocks verified: ${result.blocksVerified} of height ${result.height} in ${seconds.toFixed(2)} s`,
    `transactions: ${result.transactions} (${result.validTransactions} re-derived VALID)`,
    `config blocks: ${result.configBlocks.join(', ') || 'none'}`,
    `block 0 header hash: ${result.genesisHash ?? 'n/a'} (${result.anchorChecked ? 'matches --anchor' : 'not pinned: pass --anchor <hex> to check it against a published value'})`,
  ];
  if (result.findings.length === 0) {
    lines.push('result: every check holds');
  } else {
    lines.push(`result: ${result.findings.length} finding(s)`);
    for (const finding of result.findings)
      lines.push(
        `  block ${finding.blockNumber}${finding.txId ? ` tx ${finding.txId}` : ''} [${finding.check}] ${finding.message}`,
      );
  }
  return lines.join('\n');
}
