import { z } from 'zod';

/**
 * Lengths count Unicode code points (`[...s].length`), as the chaincode does, so an emoji is
 * one character on both sides. JSON Schema's minLength/maxLength count code points too, so the
 * OpenAPI document states the same limit.
 */
export function text(min: number, max: number): z.ZodString {
  return z
    .string()
    .check(
      z.refine(
        (value: string) => {
          // Code points, not grapheme clusters: the unit API.md and the chaincode agree on.
          // eslint-disable-next-line @typescript-eslint/no-misused-spread
          const length = [...value].length;
          return length >= min && length <= max;
        },
        { message: `must be ${min} to ${max} characters` },
      ),
    )
    .meta({ minLength: min, maxLength: max });
}

const isoTime = z.iso.datetime({ offset: true }).meta({ format: 'date-time' });

export const OptionId = z.string().regex(/^[a-z0-9-]{1,32}$/, 'must match ^[a-z0-9-]{1,32}$');
export const MspId = z.string().min(1).max(256);
export const ResidentId = z.string().regex(/^[0-9a-f]{64}$/);

export const PollOption = z.strictObject({ id: OptionId, label: text(1, 200) });

export const Eligibility = z.strictObject({
  districts: z.array(text(1, 200)).min(1).max(100).optional(),
  minAge: z.number().int().min(0).max(150).optional(),
});

const pollDraftFields = {
  title: text(1, 200),
  description: text(0, 10000),
  options: z.array(PollOption).min(2).max(50),
  maxChoices: z.number().int().min(1).max(50),
  opensAt: isoTime,
  closesAt: isoTime,
  eligibility: Eligibility.optional(),
  allowRevote: z.boolean().optional(),
  resultsVisibility: z.enum(['live', 'after-close']).optional(),
};

type DraftShape = z.infer<z.ZodObject<typeof pollDraftFields>>;

/** The rules that relate fields to each other, with the path of the field that is wrong. */
function checkDraft(draft: DraftShape, ctx: z.core.$RefinementCtx<DraftShape>): void {
  const seen = new Set<string>();
  draft.options.forEach((option, index) => {
    if (seen.has(option.id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['options', index, 'id'],
        message: 'duplicate option id',
      });
    }
    seen.add(option.id);
  });
  if (draft.maxChoices > draft.options.length) {
    ctx.addIssue({
      code: 'custom',
      path: ['maxChoices'],
      message: 'must not exceed the number of options',
    });
  }
  if (Date.parse(draft.closesAt) <= Date.parse(draft.opensAt)) {
    ctx.addIssue({ code: 'custom', path: ['closesAt'], message: 'must be after opensAt' });
  }
}

export const PollDraft = z
  .strictObject(pollDraftFields)
  .superRefine(checkDraft)
  .meta({ id: 'PollDraft' });
export type PollDraft = z.infer<typeof PollDraft>;

export const PollStatus = z.enum(['draft', 'open', 'closed']);

export const Poll = z
  .object({
    ...pollDraftFields,
    pollId: z.string(),
    status: PollStatus,
    department: MspId,
    createdAt: isoTime,
    txId: z.string(),
  })
  .meta({ id: 'Poll' });
export type Poll = z.infer<typeof Poll>;

export const PollList = z.object({ items: z.array(Poll), nextCursor: z.string().optional() });
export type PollList = z.infer<typeof PollList>;

export const BallotBody = z
  .strictObject({
    choices: z
      .array(OptionId)
      .min(1)
      .max(50)
      .check(
        z.superRefine((choices: string[], ctx) => {
          const seen = new Set<string>();
          choices.forEach((choice, index) => {
            if (seen.has(choice))
              ctx.addIssue({ code: 'custom', path: [index], message: 'duplicate choice' });
            seen.add(choice);
          });
        }),
      ),
  })
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
    recordedAt: isoTime,
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
    recordedAt: isoTime,
    superseded: z.boolean(),
  })
  .meta({ id: 'ReceiptCheck' });
export type ReceiptCheck = z.infer<typeof ReceiptCheck>;

export const Registration = z.object({
  residentId: ResidentId,
  district: z.string(),
  registeredAt: isoTime,
});
export type Registration = z.infer<typeof Registration>;

export const ResidentRecord = z.object({
  residentId: ResidentId,
  district: z.string().nullable(),
  registeredAt: isoTime,
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
    timestamp: isoTime,
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
    z.object({ txId: z.string(), timestamp: isoTime, status: PollStatus, poll: Poll }),
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
  checks: z.object({ redis: z.enum(['up', 'down']), ledger: z.enum(['up', 'down']) }),
  down: z.array(z.enum(['redis', 'ledger'])).optional(),
});
export type Readiness = z.infer<typeof Readiness>;
export const PublicConfig = z.object({ issuer: z.string() });

/** Path IDs name resources by lookup only; the cap keeps absurd keys away from the ledger. */
export const PathId = z.string().min(1).max(256);
export const PollIdParams = z.strictObject({ pollId: PathId });
export const TxIdParams = z.strictObject({ txId: PathId });

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
  since: isoTime.optional(),
  until: isoTime.optional(),
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

export const IdempotencyKey = text(1, 128);
