import { ballotChoicesFor } from '@veche/common';
import type { z } from 'zod';
import type { Poll } from '../validation/schemas.js';

/** What a cast needs from its poll besides the poll's status, which the chaincode checks. */
export interface BallotRules {
  /** The choices this poll accepts (its options, at most maxChoices), for a 400 with pointers. */
  readonly choices: z.ZodArray<z.ZodString>;
  /** Whether a committed ballot goes into the live counts before its 201. */
  readonly live: boolean;
}

export interface BallotRulesCache {
  rulesOf(pollId: string): Promise<BallotRules>;
}

/**
 * A poll's options, maxChoices and resultsVisibility are fixed by CreatePoll (the chaincode has
 * no transaction that changes them), so they are read from the ledger once per poll, not once
 * per ballot: that evaluate was a whole extra endorsement round trip in every cast
 * (docs/performance.md). The status changes, so it is never taken from here: the chaincode
 * answers POLL_NOT_OPEN itself. A failed read keeps nothing; at most `capacity` polls are kept,
 * the oldest read dropped first.
 */
export function createBallotRulesCache(
  getPoll: (pollId: string) => Promise<Poll>,
  capacity = 10_000,
): BallotRulesCache {
  const rules = new Map<string, BallotRules>();
  return {
    async rulesOf(pollId): Promise<BallotRules> {
      const kept = rules.get(pollId);
      if (kept !== undefined) return kept;
      const poll = await getPoll(pollId);
      const read: BallotRules = {
        choices: ballotChoicesFor(poll),
        live: poll.resultsVisibility === 'live',
      };
      if (rules.size >= capacity) {
        const oldest = rules.keys().next();
        if (oldest.done !== true) rules.delete(oldest.value);
      }
      rules.set(pollId, read);
      return read;
    },
  };
}
