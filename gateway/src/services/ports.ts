/** Live counts of `live`-visibility polls, kept beside the ledger for cheap reads. */
export interface LiveCounts {
  /** Records a committed ballot, replacing the caller's previous choices if any. */
  record(
    pollId: string,
    choices: readonly string[],
    previous: readonly string[] | undefined,
  ): Promise<void>;
  read(pollId: string): Promise<{ total: number; counts: Record<string, number> }>;
}

export interface Locks {
  withLock<T>(name: string, work: () => Promise<T>): Promise<T>;
}
