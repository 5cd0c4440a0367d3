import { isoInstantSchema, pollIdSchema, residentIdSchema, txIdSchema } from '@veche/common';
import { z } from 'zod';

/*
 * The chaincode's answers as docs/chaincode-interface.md gives them, parsed at the adapter's
 * edge. z.object drops fields not named here, so nothing the chaincode adds reaches a response
 * unless a schema names it.
 */

const count = z.number().int().nonnegative();

export const ledgerBallot = z.object({
  pollId: pollIdSchema,
  residentId: residentIdSchema,
  ballotId: z.string().min(1),
  choices: z.array(z.string()),
  txId: txIdSchema,
  revision: z.number().int().positive(),
  recordedAt: isoInstantSchema,
});

export const registered = z.object({
  residentId: residentIdSchema,
  registeredAt: isoInstantSchema,
  created: z.boolean(),
});

export const residentRecord = z.object({
  residentId: residentIdSchema,
  registeredAt: isoInstantSchema,
  personalDataStored: z.boolean(),
});

export const residentDistrict = z.object({ district: z.string().nullable() });

export const purged = z.object({ residentId: residentIdSchema, purged: z.literal(true) });

export const shardTallied = z.object({
  pollId: pollIdSchema,
  shard: count,
  counted: count,
  done: z.boolean(),
});

export const tallySummary = z.object({
  pollId: pollIdSchema,
  complete: z.boolean(),
  shardsDone: count,
  shardCount: count,
  // FinalizeTally's answer leaves it out: a final tally has none pending.
  pendingShards: z.array(count).default([]),
  totalBallots: count,
  counts: z.record(z.string(), count),
});
