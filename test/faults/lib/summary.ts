// The figures of the fault suite, one row per fault, printed once all faults ran.

export interface PhaseReport {
  readonly fault: string;
  /** Ballot requests answered (or cut off) from the start of the load to its end. */
  readonly requests: number;
  readonly accepted: number;
  readonly unavailable: number;
  /** Requests that got no HTTP answer (the gateway was killed or not yet listening). */
  readonly unanswered: number;
  readonly other: number;
  /** Distinct ballots accepted (Idempotency-Keys answered 201). */
  readonly ballots: number;
  /** Noted transactions that replays handed to the orderers again and saw committed. */
  readonly resubmitted: number;
  /** The longest time without a 201, from the fault to the end of the load. */
  readonly longestStallMs: number;
  /** From the repair (or, for the gateway, the kill) to the first 201 of a ballot sent after it. */
  readonly recoveryMs: number;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(1);

export function summaryTable(reports: readonly PhaseReport[]): string {
  const header = [
    'fault',
    'requests',
    '201',
    '503',
    'no answer',
    'other',
    'ballots',
    'resubmitted',
    'longest stall s',
    'recovery s',
  ];
  const rows = reports.map((r) => [
    r.fault,
    String(r.requests),
    String(r.accepted),
    String(r.unavailable),
    String(r.unanswered),
    String(r.other),
    String(r.ballots),
    String(r.resubmitted),
    seconds(r.longestStallMs),
    seconds(r.recoveryMs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

export function printSummary(reports: readonly PhaseReport[]): void {
  process.stdout.write(
    `\nFault suite: ${reports.length} fault(s) survived under load\n${summaryTable(reports)}\n\n`,
  );
}
