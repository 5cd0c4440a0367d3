import {
  checkPollDraft,
  pollDraftFields,
  pollIdSchema,
  residentIdSchema,
  shardTallyFields,
  tallyFields,
  txIdSchema,
} from '@veche/common';
import { z } from 'zod';

// The values the chaincode writes, parsed from the bytes of a write set. The PollDraft fields and
// the ID forms come from @veche/common, the one definition the chaincode and the gateway use.
// Objects are not strict: a field a later chaincode adds must not make old ledgers unreadable,
// and the replay needs only what it checks.

export const POLL_STATUSES = ['draft', 'open', 'closed'] as const;
export type PollStatus = (typeof POLL_STATUSES)[number];

export const pollRecordSchema = z
  .object({
    ...pollDraftFields,
    allowRevote: z.boolean().default(false),
    pollId: pollIdSchema,
    status: z.enum(POLL_STATUSES),
    department: z.string().min(1),
    createdAt: z.string(),
    txId: z.string().min(1),
    shardCount: z.int().min(1),
  })
  .superRefine(checkPollDraft);
export type PollRecord = z.output<typeof pollRecordSchema>;

export const ballotRecordSchema = z.object({
  pollId: pollIdSchema,
  residentId: residentIdSchema,
  ballotId: z.string().regex(/^[0-9a-f]{64}$/),
  choices: z.array(z.string()),
  txId: txIdSchema,
  revision: z.int().min(1),
  recordedAt: z.string(),
});
export type BallotRecord = z.output<typeof ballotRecordSchema>;

/** One shard's progress TallyShard writes: counted in key order up to lastResidentId. */
export const shardTallyRecordSchema = z.object(shardTallyFields);
export type ShardTallyRecord = z.output<typeof shardTallyRecordSchema>;

/** The final tally FinalizeTally writes at the `tally` key (complete is always true there). */
export const tallyRecordSchema = z.object(tallyFields);
export type TallyRecord = z.output<typeof tallyRecordSchema>;

export type ParseOutcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/** JSON bytes through a schema; the reason names the first problem, never the value itself. */
export function parseRecord<T extends z.ZodType>(
  bytes: Uint8Array,
  schema: T,
): ParseOutcome<z.output<T>> {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    return {
      ok: false,
      reason:
        issue === undefined
          ? 'does not fit its schema'
          : `${issue.path.join('.') || '(value)'}: ${issue.message}`,
    };
  }
  return { ok: true, value: result.data };
}
