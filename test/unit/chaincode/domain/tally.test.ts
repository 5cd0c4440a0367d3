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

describe('tallyChunk', () => {
  const entries = [
    entry(id(1), ['north']),
    entry(id(2), ['south', 'east']),
    entry(id(3), ['north']),
  ];

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
    const exact = await tallyChunk(emptyShardTally(closed, 0), entries.slice(0, 2), 2);
    expect(exact.tally.done).toBe(true);
  });

  it('does nothing on a shard that is already done', async () => {
    const { tally } = await tallyChunk(emptyShardTally(closed, 0), entries, 10);
    const again = await tallyChunk(tally, entries, 10);
    expect(again).toEqual({ tally, counted: 0 });
  });

  it('reads at most one entry past a full chunk and parses none it skips', async () => {
    let read = 0;
    let parsed = 0;
    function* many(): Generator<ShardEntry> {
      for (let n = 1; n <= 100; n += 1) {
        read += 1;
        yield {
          residentId: id(n),
          choices: () => {
            parsed += 1;
            return ['north'];
          },
        };
      }
    }
    const first = await tallyChunk(emptyShardTally(closed, 0), many(), 10);
    expect([read, parsed]).toEqual([11, 10]);
    read = 0;
    parsed = 0;
    await tallyChunk(first.tally, many(), 10);
    expect(parsed).toBe(10);
    expect(read).toBe(21);
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

  it('equals an independent count of each resident’s latest ballot, however the shards are chunked', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(residentIdArb, { minLength: 1, maxLength: 40 }),
        fc.array(vote, { maxLength: 150 }),
        fc.integer({ min: 32, max: 40 }),
        fc.array(step, { minLength: 1, maxLength: 20 }),
        async (residents, votes, shardCount, schedule) => {
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
              const { tally } = await tallyChunk(progress, inShard, chunkSize);
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
