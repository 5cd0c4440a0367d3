import { createBallotRulesCache } from '../../../gateway/src/services/ballotRules.js';
import type { Poll } from '../../../gateway/src/validation/schemas.js';

function poll(pollId: string, resultsVisibility: Poll['resultsVisibility']): Poll {
  return {
    pollId,
    status: 'open',
    options: [
      { id: 'north', label: 'North' },
      { id: 'south', label: 'South' },
    ],
    maxChoices: 1,
    resultsVisibility,
  } as Poll;
}

/** A poll reader that counts its reads and fails for IDs in `failing`. */
function reader(failing: Set<string> = new Set()): {
  getPoll: (pollId: string) => Promise<Poll>;
  reads: string[];
} {
  const reads: string[] = [];
  return {
    reads,
    getPoll: (pollId) => {
      reads.push(pollId);
      return failing.has(pollId)
        ? Promise.reject(new Error('peer down'))
        : Promise.resolve(poll(pollId, pollId === 'live-poll' ? 'live' : 'after-close'));
    },
  };
}

describe('the ballot rules of a poll', () => {
  it('reads a poll from the ledger once for many ballots', async () => {
    const { getPoll, reads } = reader();
    const cache = createBallotRulesCache(getPoll);
    for (let i = 0; i < 5; i++) await cache.rulesOf('p1');
    expect(reads).toEqual(['p1']);
  });

  it("checks choices against the poll's options and maxChoices", async () => {
    const cache = createBallotRulesCache(reader().getPoll);
    const { choices } = await cache.rulesOf('p1');
    expect(choices.safeParse(['north']).success).toBe(true);
    expect(choices.safeParse(['west']).success).toBe(false);
    expect(choices.safeParse(['north', 'south']).success).toBe(false);
  });

  it('tells a live poll from one whose results wait for the close', async () => {
    const cache = createBallotRulesCache(reader().getPoll);
    expect((await cache.rulesOf('live-poll')).live).toBe(true);
    expect((await cache.rulesOf('p1')).live).toBe(false);
  });

  it('keeps nothing when the read fails, so the next ballot asks again', async () => {
    const failing = new Set(['p1']);
    const { getPoll, reads } = reader(failing);
    const cache = createBallotRulesCache(getPoll);
    await expect(cache.rulesOf('p1')).rejects.toThrow('peer down');
    failing.clear();
    await cache.rulesOf('p1');
    expect(reads).toEqual(['p1', 'p1']);
  });

  it('drops the oldest poll beyond its capacity', async () => {
    const { getPoll, reads } = reader();
    const cache = createBallotRulesCache(getPoll, 2);
    await cache.rulesOf('p1');
    await cache.rulesOf('p2');
    await cache.rulesOf('p3');
    await cache.rulesOf('p2');
    await cache.rulesOf('p1');
    expect(reads).toEqual(['p1', 'p2', 'p3', 'p1']);
  });
});
