import { checkPollDraft, isoInstantSchema, pollDraftFields } from '@veche/common';
import { z } from 'zod';
import { fail } from '../errors';
import { pollIdFromTxId, pollIdSchema } from './ids';
import { DEFAULT_SHARD_COUNT, MAX_SHARD_COUNT, MIN_SHARD_COUNT } from './shard';

export const POLL_STATUSES = ['draft', 'open', 'closed'] as const;
export type PollStatus = (typeof POLL_STATUSES)[number];
export const pollStatusSchema = z.enum(POLL_STATUSES);

/** The shared PollDraft fields, with API.md's defaults filled in so that stored polls are whole. */
const draftShape = {
  ...pollDraftFields,
  allowRevote: pollDraftFields.allowRevote.unwrap().default(false),
  resultsVisibility: pollDraftFields.resultsVisibility.unwrap().default('after-close'),
};

/** PollDraft of API.md, with its limits; lengths are counted in code points. */
export const pollDraftSchema = z.strictObject(draftShape).superRefine(checkPollDraft);
export type PollDraft = z.output<typeof pollDraftSchema>;

export const pollSchema = z
  .strictObject({
    ...draftShape,
    pollId: pollIdSchema,
    status: pollStatusSchema,
    department: z.string().min(1),
    createdAt: isoInstantSchema,
    txId: z.string().min(1),
    shardCount: z.int().min(MIN_SHARD_COUNT).max(MAX_SHARD_COUNT),
  })
  .superRefine(checkPollDraft);
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
