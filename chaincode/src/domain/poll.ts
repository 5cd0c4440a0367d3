import { z } from 'zod';
import { fail } from '../errors';
import { pollIdFromTxId, pollIdSchema } from './ids';
import { DEFAULT_SHARD_COUNT, MAX_SHARD_COUNT, MIN_SHARD_COUNT } from './shard';
import { boundedText } from './text';

export const POLL_STATUSES = ['draft', 'open', 'closed'] as const;
export type PollStatus = (typeof POLL_STATUSES)[number];
export const pollStatusSchema = z.enum(POLL_STATUSES);

/** ISO 8601 with an explicit offset, normalised to UTC so that comparisons and storage agree. */
const instantSchema = z.iso
  .datetime({ offset: true })
  .transform((text) => new Date(text).toISOString());

const optionSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,32}$/, 'must match /^[a-z0-9-]{1,32}$/'),
  label: boundedText(1, 200),
});

const eligibilitySchema = z.strictObject({
  districts: z.array(boundedText(1, 200)).min(1).max(100).optional(),
  minAge: z.int().min(0).max(150).optional(),
});

const draftShape = {
  title: boundedText(1, 200),
  description: boundedText(0, 10000),
  options: z
    .array(optionSchema)
    .min(2)
    .max(50)
    .refine((options) => new Set(options.map((o) => o.id)).size === options.length, {
      message: 'option ids must be unique',
    }),
  maxChoices: z.int().min(1),
  opensAt: instantSchema,
  closesAt: instantSchema,
  eligibility: eligibilitySchema.optional(),
  allowRevote: z.boolean().default(false),
  resultsVisibility: z.enum(['live', 'after-close']).default('after-close'),
};

interface DraftRules {
  readonly options: readonly unknown[];
  readonly maxChoices: number;
  readonly opensAt: string;
  readonly closesAt: string;
}

function checkDraftRules(draft: DraftRules, ctx: z.RefinementCtx): void {
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

/** PollDraft of API.md, with its limits; lengths are counted in code points. */
export const pollDraftSchema = z.strictObject(draftShape).superRefine(checkDraftRules);
export type PollDraft = z.output<typeof pollDraftSchema>;

export const pollSchema = z
  .strictObject({
    ...draftShape,
    pollId: pollIdSchema,
    status: pollStatusSchema,
    department: z.string().min(1),
    createdAt: instantSchema,
    txId: z.string().min(1),
    shardCount: z.int().min(MIN_SHARD_COUNT).max(MAX_SHARD_COUNT),
  })
  .superRefine(checkDraftRules);
export type Poll = z.output<typeof pollSchema>;

export interface PollCreation {
  readonly txId: string;
  readonly txTime: Date;
  readonly department: string;
  readonly shardCount?: number;
}

export function createPoll(draft: PollDraft, creation: PollCreation): Poll {
  return {
    ...draft,
    pollId: pollIdFromTxId(creation.txId),
    status: 'draft',
    department: creation.department,
    createdAt: creation.txTime.toISOString(),
    txId: creation.txId,
    shardCount: creation.shardCount ?? DEFAULT_SHARD_COUNT,
  };
}

export type PollAction = 'open' | 'close';

const TRANSITIONS: Readonly<Record<PollAction, { from: PollStatus; to: PollStatus }>> = {
  open: { from: 'draft', to: 'open' },
  close: { from: 'open', to: 'closed' },
};

/** draft → open → closed, nothing else; closing only flips the status, tallying comes after. */
export function transitionPoll(poll: Poll, action: PollAction): Poll {
  const { from, to } = TRANSITIONS[action];
  if (poll.status !== from) {
    fail('INVALID_STATE', `cannot ${action} a poll that is ${poll.status}`);
  }
  return { ...poll, status: to };
}

/** Ballots are accepted while the poll is open and opensAt ≤ transaction time < closesAt. */
export function isAcceptingBallots(poll: Poll, txTime: Date): boolean {
  const t = txTime.getTime();
  return poll.status === 'open' && Date.parse(poll.opensAt) <= t && t < Date.parse(poll.closesAt);
}

export function assertAcceptingBallots(poll: Poll, txTime: Date): void {
  if (!isAcceptingBallots(poll, txTime)) {
    fail(
      'POLL_NOT_OPEN',
      poll.status === 'open'
        ? 'the poll is outside its voting window'
        : `the poll is ${poll.status}`,
    );
  }
}

export function hasEligibilityRules(poll: Poll): boolean {
  return poll.eligibility?.districts !== undefined || poll.eligibility?.minAge !== undefined;
}
