import type { PollStatus } from '../domain/poll';

/**
 * A composite key before the stub joins it: object type and attributes. Keeping the layout here,
 * as data, lets it be tested without a stub and read in one place.
 */
export interface KeySpec {
  readonly objectType: string;
  readonly attributes: readonly string[];
}

export const OBJECT_TYPES = {
  config: 'config',
  poll: 'poll',
  pollByTime: 'pollByTime',
  pollByStatus: 'pollByStatus',
  resident: 'resident',
  ballot: 'ballot',
  residentBallot: 'residentBallot',
  shardTally: 'shardTally',
  tally: 'tally',
} as const;

/** Private data collection holding residents' personal details (DESIGN.md section 3). */
export const PERSONAL_DATA_COLLECTION = 'residentPersonalData';

/** Larger than any millisecond timestamp before the year 2286, and 13 digits wide. */
const TIME_CEILING = 9_999_999_999_999;

/** Zero-padded so that key order is numeric order; MAX_SHARD_COUNT fits in four digits. */
export function shardAttribute(shard: number): string {
  return String(shard).padStart(4, '0');
}

/** Newer polls get smaller values, so an ascending range read lists them newest first. */
export function newestFirstAttribute(createdAt: string): string {
  return String(TIME_CEILING - Date.parse(createdAt)).padStart(13, '0');
}

export const keys = {
  config: (): KeySpec => ({ objectType: OBJECT_TYPES.config, attributes: ['organisation'] }),
  poll: (pollId: string): KeySpec => ({ objectType: OBJECT_TYPES.poll, attributes: [pollId] }),
  pollByTime: (createdAt: string, pollId: string): KeySpec => ({
    objectType: OBJECT_TYPES.pollByTime,
    attributes: [newestFirstAttribute(createdAt), pollId],
  }),
  pollByStatus: (status: PollStatus, createdAt: string, pollId: string): KeySpec => ({
    objectType: OBJECT_TYPES.pollByStatus,
    attributes: [status, newestFirstAttribute(createdAt), pollId],
  }),
  resident: (residentId: string): KeySpec => ({
    objectType: OBJECT_TYPES.resident,
    attributes: [residentId],
  }),
  /** The shard sits before the resident, so one shard is one contiguous range. */
  ballot: (pollId: string, shard: number, residentId: string): KeySpec => ({
    objectType: OBJECT_TYPES.ballot,
    attributes: [pollId, shardAttribute(shard), residentId],
  }),
  ballotShard: (pollId: string, shard: number): KeySpec => ({
    objectType: OBJECT_TYPES.ballot,
    attributes: [pollId, shardAttribute(shard)],
  }),
  residentBallot: (residentId: string, pollId: string): KeySpec => ({
    objectType: OBJECT_TYPES.residentBallot,
    attributes: [residentId, pollId],
  }),
  residentBallots: (residentId: string): KeySpec => ({
    objectType: OBJECT_TYPES.residentBallot,
    attributes: [residentId],
  }),
  shardTally: (pollId: string, shard: number): KeySpec => ({
    objectType: OBJECT_TYPES.shardTally,
    attributes: [pollId, shardAttribute(shard)],
  }),
  tally: (pollId: string): KeySpec => ({ objectType: OBJECT_TYPES.tally, attributes: [pollId] }),
} as const;
