import {
  ballotChoicesSchema,
  boundedText,
  isoInstantSchema,
  optionIdSchema,
  pollDraftFields,
  pollDraftSchema,
} from '@veche/common';
import { z } from 'zod';

/*
 * PollDraft, ballot choices, code-point lengths and instants come from @veche/common, which the
 * chaincode parses with too: the gateway must accept exactly what the ledger accepts, because the
 * chaincode has other clients. This file adds the OpenAPI names and the gateway's own shapes.
 */

export const OptionId = optionIdSchema;
export const MspId = z.string().min(1).max(256);
export const ResidentId = z.string().regex(/^[0-9a-f]{64}$/);

export const PollDraft = pollDraftSchema.meta({ id: 'PollDraft' });
export type PollDraft = z.infer<typeof PollDraft>;

export const PollStatus = z.enum(['draft', 'open', 'closed']);

export const Poll = z
  .object({
    ...pollDraftFields,
    pollId: z.string(),
    status: PollStatus,
    department: MspId,
    createdAt: isoInstantSchema,
    txId: z.string(),
  })
  .meta({ id: 'Poll' });
export type Poll = z.infer<typeof Poll>;

export const PollList = z.object({ items: z.array(Poll), nextCursor: z.string().optional() });
export type PollList = z.infer<typeof PollList>;

export const BallotBody = z
  .strictObject({ choices: ballotChoicesSchema })
  .meta({ id: 'BallotBody' });
export type BallotBody = z.infer<typeof BallotBody>;

export const Receipt = z
  .object({
    pollId: z.string(),
    residentId: ResidentId,
    ballotId: z.string(),
    choices: z.array(OptionId),
    txId: z.string(),
    blockNumber: z.number().int().nonnegative(),
    recordedAt: isoInstantSchema,
  })
  .meta({ id: 'Receipt' });
export type Receipt = z.infer<typeof Receipt>;

export const ReceiptList = z.object({ items: z.array(Receipt) });

export const ReceiptCheck = z
  .object({
    txId: z.string(),
    valid: z.boolean(),
    validationCode: z.string(),
    blockNumber: z.number().int().nonnegative(),
    pollId: z.string(),
    residentId: ResidentId,
    choices: z.array(OptionId),
    recordedAt: isoInstantSchema,
    superseded: z.boolean(),
  })
  .meta({ id: 'ReceiptCheck' });
export type ReceiptCheck = z.infer<typeof ReceiptCheck>;

export const Registration = z.object({
  residentId: ResidentId,
  district: z.string(),
  registeredAt: isoInstantSchema,
});
export type Registration = z.infer<typeof Registration>;

export const ResidentRecord = z.object({
  residentId: ResidentId,
  district: z.string().nullable(),
  registeredAt: isoInstantSchema,
  personalDataStored: z.boolean(),
});
export type ResidentRecord = z.infer<typeof ResidentRecord>;

export const Purged = z.object({ purged: z.literal(true) });

export const Results = z
  .object({
    pollId: z.string(),
    status: z.enum(['live', 'final']),
    totalBallots: z.number().int().nonnegative(),
    counts: z.record(z.string(), z.number().int().nonnegative()),
  })
  .meta({ id: 'Results' });
export type Results = z.infer<typeof Results>;

export const AuditEvent = z
  .object({
    txId: z.string(),
    blockNumber: z.number().int().nonnegative(),
    timestamp: isoInstantSchema,
    validationCode: z.string(),
    mspId: z.string(),
    endorsers: z.array(z.string()),
    action: z.string(),
    actor: z.enum(['resident', 'official', 'system']),
    actorId: z.string().optional(),
    pollId: z.string().optional(),
    residentId: z.string().optional(),
  })
  .meta({ id: 'AuditEvent' });
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditEventList = z.object({
  items: z.array(AuditEvent),
  nextCursor: z.string().optional(),
});
export type AuditEventList = z.infer<typeof AuditEventList>;

export const PollHistory = z.object({
  items: z.array(
    z.object({ txId: z.string(), timestamp: isoInstantSchema, status: PollStatus, poll: Poll }),
  ),
});
export type PollHistory = z.infer<typeof PollHistory>;

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    txId: z.string().optional(),
  })
  .meta({ id: 'Problem' });

export const Health = z.object({ status: z.literal('ok') });
export const Readiness = z.object({
  status: z.enum(['ready', 'unavailable']),
  checks: z.object({
    redis: z.enum(['up', 'down']),
    ledger: z.enum(['up', 'down']),
    /** Present when orderer health endpoints are configured: a BFT quorum of them answers. */
    'ledger-quorum': z.enum(['up', 'down']).optional(),
  }),
  down: z.array(z.enum(['redis', 'ledger', 'ledger-quorum'])).optional(),
});
export type Readiness = z.infer<typeof Readiness>;
export const PublicConfig = z.object({ issuer: z.string() });
export const LedgerInfo = z
  .object({
    channel: z.string(),
    height: z.number().int().nonnegative(),
    currentBlockHash: z.string().regex(/^[0-9a-f]*$/),
  })
  .meta({ id: 'LedgerInfo' });

/** Path IDs name resources by lookup only; the cap keeps absurd keys away from the ledger. */
export const PathId = z.string().min(1).max(256);
export const PollIdParams = z.strictObject({ pollId: PathId });
export const TxIdParams = z.strictObject({ txId: PathId });
/** Checked by the service, not here: a malformed block number is a block that is not there (404). */
export const BlockNumberParams = z.strictObject({
  blockNumber: PathId.describe('a non-negative integer in decimal, without leading zeros'),
});

const limit = (max: number, fallback: number): z.ZodDefault<z.ZodCoercedNumber> =>
  z.coerce.number().int().min(1).max(max).default(fallback);

export const PollListQuery = z.strictObject({
  status: PollStatus.optional(),
  limit: limit(100, 20),
  cursor: z.string().max(1024).optional(),
});
export type PollListQuery = z.infer<typeof PollListQuery>;

export const AuditEventsQuery = z.strictObject({
  pollId: PathId.optional(),
  since: isoInstantSchema.optional(),
  until: isoInstantSchema.optional(),
  limit: limit(1000, 100),
  cursor: z.string().max(1024).optional(),
});
export type AuditEventsQuery = z.infer<typeof AuditEventsQuery>;

export const EmptyQuery = z.strictObject({});
export const LoginQuery = z.strictObject({
  returnTo: z
    .string()
    .optional()
    .describe('same-origin path to return to after sign-in; anything else means /'),
});
/** What an IdP may put on the redirect (RFC 6749 section 4.1.2, RFC 9207 `iss`). */
export const CallbackQuery = z.looseObject({
  code: z.string().optional(),
  state: z.string().optional(),
  iss: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});
export const EmptyParams = z.strictObject({});

export const IdempotencyKey = boundedText(1, 128);
