import { z } from 'zod';
import { pollIdSchema, residentIdSchema } from './ids';

const countsSchema = z.record(z.string(), z.int().min(0));

/**
 * The fields of one shard's partial count as TallyShard stores it. `lastResidentId` is the last
 * ballot counted, so a continued chunk resumes after it and a repeated or interrupted call never
 * counts a ballot twice. Fields, not a schema: the chaincode reads its own records strictly, the
 * verifier leniently (a field a later chaincode adds must not make old ledgers unreadable).
 */
export const shardTallyFields = {
  pollId: pollIdSchema,
  shard: z.int().min(0),
  counts: countsSchema,
  totalBallots: z.int().min(0),
  lastResidentId: residentIdSchema.nullable(),
  done: z.boolean(),
};

/** The fields of the final tally FinalizeTally stores at a poll's `tally` key. */
export const tallyFields = {
  pollId: pollIdSchema,
  complete: z.literal(true),
  shardsDone: z.int().min(0),
  shardCount: z.int().min(1),
  totalBallots: z.int().min(0),
  counts: countsSchema,
  finalizedAt: z.iso.datetime(),
  txId: z.string().min(1),
};

/**
 * What GetTally and FinalizeTally answer (docs/chaincode-interface.md): the chaincode builds
 * it, the gateway reads it, so both name the same fields.
 */
export interface TallySummary {
  readonly pollId: string;
  readonly complete: boolean;
  readonly shardsDone: number;
  readonly shardCount: number;
  /** Shards still to tally, in order: a resumed tally goes straight to them. */
  readonly pendingShards: readonly number[];
  readonly totalBallots: number;
  readonly counts: Record<string, number>;
}
