import type { Attempt } from './load.js';
import type { LedgerBallot } from './ledgerBallots.js';

// What must hold after every fault, computed from the recorded answers alone; the test compares
// it with the ledger, the receipts and the results.

export interface AcceptedBallot {
  readonly key: string;
  readonly txId: string;
  readonly residentId: string;
  readonly choices: readonly string[];
  readonly receipt: Record<string, unknown>;
  readonly answeredAt: number;
}

/**
 * One entry per Idempotency-Key answered 201, with the problems found: a key answered 201 with
 * two transaction IDs (a ballot doubled by a retry), or one transaction ID given to two keys.
 */
export function acceptedBallots(attempts: readonly Attempt[]): {
  ballots: AcceptedBallot[];
  problems: string[];
} {
  const byKey = new Map<string, AcceptedBallot>();
  const problems: string[] = [];
  for (const attempt of attempts) {
    if (attempt.status !== 201 || attempt.receipt === undefined) continue;
    const txId = String(attempt.receipt.txId);
    const known = byKey.get(attempt.key);
    if (known !== undefined) {
      if (known.txId !== txId)
        problems.push(`key ${attempt.key} answered 201 with ${known.txId} and ${txId}`);
      continue;
    }
    byKey.set(attempt.key, {
      key: attempt.key,
      txId,
      residentId: attempt.residentId,
      choices: attempt.choices,
      receipt: attempt.receipt,
      answeredAt: attempt.answeredAt,
    });
  }
  const ballots = [...byKey.values()];
  if (new Set(ballots.map((b) => b.txId)).size !== ballots.length) {
    problems.push('one transaction ID answered for two Idempotency-Keys');
  }
  return { ballots, problems };
}

/** Each resident's latest accepted ballot: a resident sends its next ballot only after a 201. */
export function latestByResident(ballots: readonly AcceptedBallot[]): Map<string, AcceptedBallot> {
  const latest = new Map<string, AcceptedBallot>();
  for (const ballot of [...ballots].sort((a, b) => a.answeredAt - b.answeredAt)) {
    latest.set(ballot.residentId, ballot);
  }
  return latest;
}

/** The counts the results must show: every option, each resident's latest ballot once. */
export function expectedCounts(
  options: readonly string[],
  latest: ReadonlyMap<string, AcceptedBallot>,
): { totalBallots: number; counts: Record<string, number> } {
  const counts = Object.fromEntries(options.map((option) => [option, 0]));
  for (const ballot of latest.values()) {
    for (const choice of ballot.choices) counts[choice] = (counts[choice] ?? 0) + 1;
  }
  return { totalBallots: latest.size, counts };
}

/** The same counts from the ledger: the latest VALID BallotCast of each resident, in ledger order. */
export function ledgerCounts(
  options: readonly string[],
  ballots: readonly LedgerBallot[],
): { totalBallots: number; counts: Record<string, number> } {
  const latest = new Map<string, readonly string[]>();
  for (const ballot of ballots) {
    if (ballot.validationCode === 'VALID' && ballot.choices !== undefined) {
      latest.set(ballot.residentId, ballot.choices);
    }
  }
  const counts = Object.fromEntries(options.map((option) => [option, 0]));
  for (const choices of latest.values()) {
    for (const choice of choices) counts[choice] = (counts[choice] ?? 0) + 1;
  }
  return { totalBallots: latest.size, counts };
}
