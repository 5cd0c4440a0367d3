import { ballotChoicesFor } from '@veche/common';
import { z } from 'zod';
import { fail } from '../errors';
import { ballotIdOf, pollIdSchema, residentIdSchema } from './ids';
import { parseWith } from './parse';
import type { Poll } from './poll';

/** The shape of the choices argument; whether the choices fit the poll is checked later. */
export const choicesArgSchema = z.array(z.string().max(256)).max(1000);

export const ballotSchema = z.strictObject({
  pollId: pollIdSchema,
  residentId: residentIdSchema,
  ballotId: z.string().regex(/^[0-9a-f]{64}$/),
  choices: z.array(z.string()).min(1),
  txId: z.string().min(1),
  revision: z.int().min(1),
  recordedAt: z.iso.datetime(),
});
export type Ballot = z.output<typeof ballotSchema>;

/**
 * Non-empty, no repeats, only the poll's options, at most maxChoices: the gateway's rules too.
 * Checked here rather than when the argument is parsed, because API.md answers POLL_NOT_OPEN
 * before it looks at the choices.
 */
export function assertValidChoices(poll: Poll, choices: readonly string[]): void {
  parseWith(ballotChoicesFor(poll), choices, 'choices');
}

export interface CastOutcome {
  readonly ballot: Ballot;
  /** Present on a re-vote, so that live counts kept from events can move the resident's votes. */
  readonly previousChoices?: readonly string[];
}

export interface BallotTransaction {
  readonly txId: string;
  readonly txTime: Date;
}

/**
 * The resident's ballot after this transaction. The caller has already checked the poll window
 * and eligibility; the earlier ballot comes last, as API.md orders the checks.
 */
export function castBallot(
  poll: Poll,
  residentId: string,
  choices: readonly string[],
  previous: Ballot | null,
  tx: BallotTransaction,
): CastOutcome {
  assertValidChoices(poll, choices);
  if (previous !== null && !poll.allowRevote) {
    fail('ALREADY_VOTED', 'the resident has already voted in this poll');
  }
  const ballot: Ballot = {
    pollId: poll.pollId,
    residentId,
    ballotId: ballotIdOf(poll.pollId, residentId),
    choices: [...choices],
    txId: tx.txId,
    revision: previous === null ? 1 : previous.revision + 1,
    recordedAt: tx.txTime.toISOString(),
  };
  return previous === null ? { ballot } : { ballot, previousChoices: previous.choices };
}
