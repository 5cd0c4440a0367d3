import fc from 'fast-check';
import { shardOf } from '../../../../chaincode/src/domain/shard';
import {
  emptyShardTally,
  finalizeTally,
  MAX_CHUNK_SIZE,
  summarizeTally,
  tallyChunk,
  tallySchema,
  type ShardEntry,
  type ShardRange,
  type ShardTally,
} from '../../../../chaincode/src/domain/tally';
import { makePoll } from '../pollFixture';

const OPTIONS = ['north', 'south', 'east'];
const closed = makePoll({}, { status: 'closed', shardCount: 32 });
const FINAL_TX = { txId: 'f'.repeat(64), txTime: new Date('2026-04-02T00:00:00Z') };

function id(n: number): string {
  return n.toString(16).padStart(64, '0');
}

function entry(residentId: string, choices: string[]): ShardEntry {
  return { residentId, choices: () => choices };
}

/**
 * A shard's ballots as the peer serves a non-paginated range: in key order from after the given
 * resident, and, like Fabric past `ledger.state.totalQueryLimit`, ending without an error after
 * `queryLimit` entries. `starts` records where each range began.
 */
function rangeOf(
  entries: readonly ShardEntry[],
  queryLimit = Infinity,
): ShardRange & { starts: (string | null)[] } {
  const starts: (string | null)[] = [];
  return {
    starts,
    *entriesAfter(after: string | null): Generator<ShardEntry> {
      starts.push(after);
      let returned = 0;
      for (const e of entries) {
        if ((after === null || e.residentId > after) && returned < queryLimit) {
          returned += 1;
          yield e;
        }
      }
    },
  };
}

describe('tallyChunk', () => {
  const entries = rangeOf([
    entry(id(1), ['north']),
    entry(id(2), ['south', 'east']),
    entry(id(3), ['north']),
  ]);

  it('counts a whole shard in one chunk when it fits', async () => {
    const { tally, counted } = await tallyChunk(emptyShardTally(closed, 0), entries, 10);
    expect(counted).toBe(3);
    expect(tally).toMatchObject({
      counts: { north: 2, south: 1, east: 1 },
      totalBallots: 3,
      lastResidentId: id(3),
      done: true,
    });
  });

  it('stops after chunkSize ballots and resumes after the last one counted', async () => {
    const first = await tallyChunk(emptyShardTally(closed, 0), entries, 2);
    expect(first.counted).toBe(2);
    expect(first.tally).toMatchObject({ lastResidentId: id(2), done: false, totalBallots: 2 });
    const second = await tallyChunk(first.tally, entries, 2);
    expect(second.counted).toBe(1);
    expect(second.tally).toMatchObject({ counts: { north: 2, south: 1, east: 1 }, done: true });
  });

  it('finishes a shard in the same call when its last chunk is exactly full', async () => {
    const first = await tallyChunk(emptyShardTally(closed, 0), entries, 3);
    expect(first.tally.done).toBe(true);
    const exact = await tallyChunk(
      emptyShardTally(closed, 0),
      rangeOf([entry(id(1), ['north']), entry(id(2), ['south'])]),
      2,
    );
    expect(exact.tally.done).toBe(true);
  });

  it('does nothing on a shard that is already done', async () => {
    const { tally } = await tallyChunk(emptyShardTally(closed, 0), entries, 10);
    const again = await tallyChunk(tally, entries, 10);
    expect(again).toEqual({ tally, counted: 0 });
  });

  it('reads only the keys after the stored position, and at most one past a full chunk', async () => {
    let read = 0;
    let parsed = 0;
    const many = Array.from({ length: 100 }, (_, i) => ({
      residentId: id(i + 1),
      choices: () => {
        parsed += 1;
        return ['north'];
      },
    }));
    const range: ShardRange = {
      *entriesAfter(after) {
        for (const e of many.filter((m) => after === null || m.residentId > after)) {
          read += 1;
          yield e;
        }
      },
    };
    const first = await tallyChunk(emptyShardTally(closed, 0), range, 10);
    expect([read, parsed]).toEqual([11, 10]);
    read = 0;
    parsed = 0;
    const second = await tallyChunk(first.tally, range, 10);
    expect(second.tally.lastResidentId).toBe(id(20));
    expect([read, parsed]).toEqual([11, 10]);
  });

  it('never marks a shard done when the peer’s query limit cut its range', async () => {
    const all = Array.from({ length: 7 }, (_, i) => entry(id(i + 1), ['north']));
    const limited = rangeOf(all, 3);
    let progress = emptyShardTally(closed, 0);
    const chunks: { counted: number; done: boolean }[] = [];
    while (!progress.done) {
      const { tally, counted } = await tallyChunk(progress, limited, 5);
      chunks.push({ counted, done: tally.done });
      progress = tally;
    }
    expect(chunks).toEqual([
      { counted: 3, done: false },
      { counted: 3, done: false },
      { counted: 1, done: true },
    ]);
    expect(progress).toMatchObject({ totalBallots: 7, counts: { north: 7 } });
  });

  it('starts each range after the last ballot counted, never at the shard’s first key', async () => {
    const range = rangeOf(Array.from({ length: 5 }, (_, i) => entry(id(i + 1), ['north'])));
    const first = await tallyChunk(emptyShardTally(closed, 0), range, 2);
    await tallyChunk(first.tally, range, 2);
    expect(range.starts).toEqual([null, id(2)]);
  });

  it.each([0, -1, 1.5, MAX_CHUNK_SIZE + 1])('rejects chunk size %s', async (size) => {
    await expect(tallyChunk(emptyShardTally(closed, 0), entries, size)).rejects.toThrow(
      /^INVALID_ARGUMENT: /,
    );
  });
});

describe('finalizeTally', () => {
  it('reports TALLY_PENDING while a shard is missing or unfinished', () => {
    const shards: (ShardTally | null)[] = Array.from({ length: 32 }, (_, s) => ({
      ...emptyShardTally(closed, s),
      done: true,
    }));
    shards[5] = null;
    expect(() => finalizeTally(closed, shards, FINAL_TX)).toThrow(
      'TALLY_PENDING: 31 of 32 shards are tallied',
    );
    shards[5] = emptyShardTally(closed, 5);
    expect(() => finalizeTally(closed, shards, FINAL_TX)).toThrow(/^TALLY_PENDING: /);
  });

  it('refuses a poll that is not closed', () => {
    expect(() => finalizeTally(makePoll({}, { status: 'open' }), [], FINAL_TX)).toThrow(
      /^INVALID_STATE: /,
    );
  });

  it('lists every option, with 0 where nobody chose it', () => {
    const shards = Array.from({ length: 32 }, (_, s) => ({
      ...emptyShardTally(closed, s),
      done: true,
    }));
    const tally = finalizeTally(closed, shards, FINAL_TX);
    expect(tally.counts).toEqual({ north: 0, south: 0, east: 0 });
    expect(tallySchema.parse(tally)).toEqual(tally);
  });
});

describe('summarizeTally', () => {
  it('lists the shards still to tally, also when others finished out of order', () => {
    const shards: (ShardTally | null)[] = Array.from({ length: 32 }, () => null);
    shards[0] = { ...emptyShardTally(closed, 0), done: true };
    shards[1] = emptyShardTally(closed, 1);
    shards[3] = { ...emptyShardTally(closed, 3), done: true };
    const summary = summarizeTally(closed, shards);
    expect(summary.shardsDone).toBe(2);
    expect(summary.pendingShards).toEqual(
      Array.from({ length: 32 }, (_, s) => s).filter((s) => s !== 0 && s !== 3),
    );
  });

  it('lists none once every shard is done, and the final tally stores no such list', () => {
    const shards = Array.from({ length: 32 }, (_, s) => ({
      ...emptyShardTally(closed, s),
      done: true,
    }));
    expect(summarizeTally(closed, shards).pendingShards).toEqual([]);
    expect(finalizeTally(closed, shards, FINAL_TX)).not.toHaveProperty('pendingShards');
  });
});

describe('chunked tally (property)', () => {
  const residentIdArb = fc
    .uint8Array({ minLength: 32, maxLength: 32 })
    .map((bytes) => Buffer.from(bytes).toString('hex'));
  const vote = fc.record({
    who: fc.nat(),
    choices: fc
      .subarray(OPTIONS, { minLength: 1 })
      .chain((c) => fc.shuffledSubarray(c, { minLength: c.length })),
  });
  const step = fc.record({ chunkSize: fc.integer({ min: 1, max: 7 }), persisted: fc.boolean() });
  // The peer's totalQueryLimit, small enough to cut ranges often.
  const queryLimit = fc.oneof(fc.constant(Infinity), fc.integer({ min: 1, max: 6 }));

  it('equals an independent count of each resident’s latest ballot, however the shards are chunked and the ranges cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(residentIdArb, { minLength: 1, maxLength: 40 }),
        fc.array(vote, { maxLength: 150 }),
        fc.integer({ min: 32, max: 40 }),
        fc.array(step, { minLength: 1, maxLength: 20 }),
        queryLimit,
        async (residents, votes, shardCount, schedule, limit) => {
          const poll = { ...closed, shardCount };
          const latest = new Map<string, string[]>();
          for (const v of votes) {
            const who = residents[v.who % residents.length]!;
            latest.set(who, v.choices);
          }

          const expected = Object.fromEntries(OPTIONS.map((o) => [o, 0]));
          for (const choices of latest.values()) {
            for (const c of choices) {
              expected[c] = (expected[c] ?? 0) + 1;
            }
          }

          const shards: ShardTally[] = [];
          for (let s = 0; s < shardCount; s += 1) {
            const inShard = [...latest.entries()]
              .filter(([who]) => shardOf(who, shardCount) === s)
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([who, choices]) => entry(who, choices));
            const range = rangeOf(inShard, limit);
            let progress = emptyShardTally(poll, s);
            let i = s;
            // Each persisted call counts at least one ballot or finishes, so this bounds the calls;
            // a resume bug that recounts would otherwise loop for ever.
            const maxCalls = 2 * (schedule.length + inShard.length + 1);
            // Interrupted calls (not persisted) and calls after completion must change nothing.
            while (!progress.done || i < s + schedule.length) {
              if (i - s > maxCalls) {
                throw new Error(`shard ${s} was not done after ${maxCalls} calls`);
              }
              const { chunkSize, persisted } = schedule[i % schedule.length]!;
              const { tally } = await tallyChunk(progress, range, chunkSize);
              if (persisted || i >= s + schedule.length) {
                progress = tally;
              }
              i += 1;
            }
            shards.push(progress);
          }

          const final = finalizeTally(poll, shards, FINAL_TX);
          expect(final.counts).toEqual(expected);
          expect(final.totalBallots).toBe(latest.size);
          expect(summarizeTally(poll, shards)).toMatchObject({
            shardsDone: shardCount,
            counts: expected,
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
