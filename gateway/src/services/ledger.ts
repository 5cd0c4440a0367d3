import type { PersonalData, TallySummary } from '@veche/common';
import type { AuditEvent, Poll, PollDraft, PollHistory, PollList } from '../validation/schemas.js';

export interface LedgerBallot {
  readonly pollId: string;
  readonly residentId: string;
  readonly ballotId: string;
  readonly choices: string[];
  readonly txId: string;
  readonly revision: number;
  readonly recordedAt: string;
}

/** The chaincode's tally summary, as docs/chaincode-interface.md names it. */
export type LedgerTally = TallySummary;

/** A committed transaction as the regulator's peer reports it. */
export interface LedgerTransaction {
  readonly txId: string;
  readonly validationCode: string;
  readonly blockNumber: number;
  readonly timestamp: string;
  readonly mspId: string;
  readonly endorsers: string[];
  /** The chaincode function called, e.g. `ballots:CastBallot`. */
  readonly function: string;
  readonly args: string[];
  /** The chaincode event, whose payload never holds personal details. */
  readonly event?: { readonly name: string; readonly payload: Record<string, unknown> };
}

export interface Committed<T> {
  readonly value: T;
  readonly txId: string;
  readonly blockNumber: number;
}

/** A write endorsed by the peers and about to be handed to the orderers. */
export interface PreparedWrite {
  readonly txId: string;
  /**
   * The endorsed transaction, serialized. Handed to the orderers again it is the same
   * transaction, with the same txId, so it commits VALID at most once however often it is sent.
   */
  readonly transaction: Uint8Array;
}

export interface WriteOptions {
  /**
   * Called after a successful endorsement, just before submit, e.g. to record the transaction
   * for replays: from then on the write may be on the ledger. Submit waits for it, and a throw
   * stops the write before anything reached the orderers.
   */
  readonly onPrepared?: (prepared: PreparedWrite) => Promise<void>;
}

/** A transaction of the veche chaincode at its index within its block: its ledger position. */
export interface AuditRecord {
  readonly txIndex: number;
  readonly event: AuditEvent;
  /** Set for a VALID ballot: what the live counts need, kept apart from the audit trail. */
  readonly ballot?: CountedBallot;
}

/** A committed ballot as the live counts see it: its revision orders re-votes. */
export interface CountedBallot {
  readonly pollId: string;
  readonly residentId: string;
  readonly revision: number;
  readonly choices: readonly string[];
}

/** A committed block reduced to its veche transactions, valid or not; often none. */
export interface AuditBlock {
  readonly blockNumber: number;
  readonly records: readonly AuditRecord[];
}

/** Blocks in ledger order until closed or the connection fails (the iteration then throws). */
export interface AuditBlockStream extends AsyncIterable<AuditBlock> {
  close(): void;
}

/** The channel's chain as one peer reports it. */
export interface ChainInfo {
  readonly channel: string;
  /** The number of blocks; the newest is `height - 1`. */
  readonly height: number;
  /** Lowercase hex of the newest block's header hash. */
  readonly currentBlockHash: string;
}

/**
 * The gateway's view of the veche chaincode (docs/chaincode-interface.md). Officials' writes
 * name their department, whose identity signs. Writes resolve only after a VALID commit; every
 * failure is a LedgerError.
 */
export interface Ledger {
  /** Resolves when the gateway's peer and the regulator's peer answer. */
  ping(): Promise<void>;
  /**
   * The channel's chain height on the gateway organisation's and the regulator's peers, by MSP
   * ID; a peer that does not answer is left out.
   */
  peerHeights(): Promise<Readonly<Record<string, number>>>;

  createPoll(
    department: string,
    draft: PollDraft,
    officialId: string,
    options?: WriteOptions,
  ): Promise<Committed<Poll>>;
  openPoll(department: string, pollId: string, officialId: string): Promise<Committed<Poll>>;
  closePoll(department: string, pollId: string, officialId: string): Promise<Committed<Poll>>;
  getPoll(pollId: string): Promise<Poll>;
  listPolls(status: string, limit: number, cursor: string): Promise<PollList>;
  getPollHistory(pollId: string): Promise<PollHistory>;

  /** The details travel only as transient data to the departments. */
  registerResident(
    residentId: string,
    personalData: PersonalData,
  ): Promise<Committed<{ residentId: string; registeredAt: string; created: boolean }>>;
  getResident(
    residentId: string,
  ): Promise<{ residentId: string; registeredAt: string; personalDataStored: boolean }>;
  getResidentDistrict(residentId: string): Promise<{ district: string | null }>;
  purgeResident(residentId: string): Promise<Committed<{ residentId: string; purged: true }>>;

  castBallot(
    pollId: string,
    residentId: string,
    choices: string[],
    options?: WriteOptions,
  ): Promise<Committed<LedgerBallot>>;
  getBallot(pollId: string, residentId: string): Promise<LedgerBallot>;
  listResidentBallots(residentId: string): Promise<{ items: LedgerBallot[] }>;

  tallyShard(
    department: string,
    pollId: string,
    shard: number,
    chunkSize: number,
  ): Promise<Committed<{ pollId: string; shard: number; counted: number; done: boolean }>>;
  finalizeTally(department: string, pollId: string): Promise<Committed<LedgerTally>>;
  getTally(pollId: string): Promise<LedgerTally>;

  /**
   * Reads a veche transaction and its block from the regulator's peer; undefined if unknown or
   * not a call of the veche chaincode.
   */
  getTransaction(txId: string): Promise<LedgerTransaction | undefined>;
  /**
   * Hands a PreparedWrite's transaction to the orderers once more and waits for its commit
   * status, for a replay whose first request died before it knew the outcome. Throws a
   * commit-pending LedgerError while the outcome is still unknown.
   */
  resubmit(transaction: Uint8Array): Promise<void>;
  /** The chain on the regulator's peer. */
  chainInfo(): Promise<ChainInfo>;
  /**
   * Block `blockNumber` on the regulator's peer, the protobuf common.Block bytes as Fabric stores
   * them; undefined at or beyond the height.
   */
  getBlock(blockNumber: number): Promise<Uint8Array | undefined>;
  /** Follows the blocks committed on the regulator's peer, from `startBlock` on. */
  auditBlocks(startBlock: number): Promise<AuditBlockStream>;

  close(): Promise<void>;
}
