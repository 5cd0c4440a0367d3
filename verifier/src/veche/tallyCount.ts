/** A poll's result: how many counted ballots, and how many chose each option. */
export interface OptionCounts {
  readonly totalBallots: number;
  readonly counts: Readonly<Record<string, number>>;
}

/**
 * Counts one ballot per entry, every option present from zero, as the chaincode's tally and
 * API.md's results do. A choice outside the options is counted under its own name, so that a
 * comparison shows it rather than hiding it.
 */
export function countBallots(
  options: readonly { readonly id: string }[],
  ballots: Iterable<readonly string[]>,
): OptionCounts {
  const counts: Record<string, number> = Object.fromEntries(options.map(({ id }) => [id, 0]));
  let totalBallots = 0;
  for (const choices of ballots) {
    totalBallots += 1;
    for (const choice of choices) {
      counts[choice] = (counts[choice] ?? 0) + 1;
    }
  }
  return { totalBallots, counts };
}

/**
 * Where two results differ, one line each ("totalBallots 3 ≠ 4", "yes 2 ≠ 3"); empty when they
 * agree. An option missing on one side counts as 0 there.
 */
export function countDifferences(expected: OptionCounts, actual: OptionCounts): string[] {
  const differences: string[] = [];
  if (expected.totalBallots !== actual.totalBallots) {
    differences.push(
      `totalBallots ${String(expected.totalBallots)} ≠ ${String(actual.totalBallots)}`,
    );
  }
  const options = [
    ...new Set([...Object.keys(expected.counts), ...Object.keys(actual.counts)]),
  ].sort();
  for (const option of options) {
    const want = expected.counts[option] ?? 0;
    const got = actual.counts[option] ?? 0;
    if (want !== got) {
      differences.push(`${option} ${String(want)} ≠ ${String(got)}`);
    }
  }
  return differences;
}
