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

/** The browser sessions of residents, so that purging a resident's data also signs them out. */
export interface ResidentSessions {
  /**
   * Ends every session of the resident. Never throws: a failure is logged by the adapter, and
   * the sessions then end at their TTL anyway.
   */
  endAll(residentId: string): Promise<void>;
}
