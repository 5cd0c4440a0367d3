import type { AuditEventList } from '../validation/schemas.js';
import type { AuditBlock, CountedBallot } from './ledger.js';

/** Live counts of `live`-visibility polls, kept beside the ledger for cheap reads. */
export interface LiveCounts {
  /**
   * Counts a committed ballot once: a ballot whose revision is not newer than the one already
   * counted for that resident changes nothing, so the request path and the block listener can
   * both apply it, in any order, and a replay of the ledger rebuilds the same counts.
   */
  apply(ballot: CountedBallot): Promise<void>;
  /** Counts by option ID, in a Map: an option may be called `constructor`. */
  read(pollId: string): Promise<{ total: number; counts: ReadonlyMap<string, number> }>;
}

/**
 * Polls whose close has begun and whose final tally is not yet recorded, so that a gateway that
 * died mid-tally finishes it at its next start without scanning every closed poll.
 */
export interface PendingTallies {
  add(pollId: string, department: string): Promise<void>;
  remove(pollId: string): Promise<void>;
  list(): Promise<{ pollId: string; department: string }[]>;
}

export interface Locks {
  withLock<T>(name: string, work: () => Promise<T>): Promise<T>;
}

/**
 * Locks held for as long as the work runs, however long (a poll's tally), across gateway
 * processes; a holder that dies frees its lock within the adapter's TTL.
 */
export interface HeldLocks {
  /** Runs `work` holding the lock, or answers `{ ran: false }` at once when another holds it. */
  tryWithLock<T>(
    name: string,
    work: () => Promise<T>,
  ): Promise<{ readonly ran: true; readonly value: T } | { readonly ran: false }>;
}

/** The browser sessions of residents, so that purging a resident's data also signs them out. */
export interface ResidentSessions {
  /**
   * Ends every session of the resident. Never throws: a failure is logged by the adapter, and
   * the sessions then end at their TTL anyway.
   */
  endAll(residentId: string): Promise<void>;
}

export interface AuditQuery {
  readonly pollId?: string;
  /** Inclusive, by the transaction's timestamp. */
  readonly since?: string;
  /** Exclusive, by the transaction's timestamp, so consecutive windows do not overlap. */
  readonly until?: string;
  readonly limit: number;
  readonly cursor?: string;
}

/** The audit trail, indexed from the ledger's blocks for the endpoint's filters. */
export interface AuditIndex {
  /** Stores the block's records once each and advances the checkpoint to it, atomically. */
  addBlock(block: AuditBlock): Promise<void>;
  /** The last block fully indexed; undefined before the first. */
  checkpoint(): Promise<number | undefined>;
  /** A page in ledger order; throws ApiProblem (invalid-request for a bad cursor, unavailable). */
  query(query: AuditQuery): Promise<AuditEventList>;
}
