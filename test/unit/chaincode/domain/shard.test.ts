import fc from 'fast-check';
import {
  BALLOTS_PER_SHARD,
  MAX_ELECTORATE,
  MAX_SHARD_COUNT,
  MIN_SHARD_COUNT,
  shardCountFor,
  shardOf,
} from '../../../../chaincode/src/domain/shard';
import { MAX_CHUNK_SIZE } from '../../../../chaincode/src/domain/tally';

const residentId = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((bytes) => Buffer.from(bytes).toString('hex'));

describe('shardOf', () => {
  it('takes the first four bytes of the resident ID modulo the shard count', () => {
    expect(shardOf(`00000041${'0'.repeat(56)}`, 64)).toBe(1);
    expect(shardOf(`ffffffff${'f'.repeat(56)}`, 64)).toBe(0xffffffff % 64);
  });

  it('is deterministic and always within range', () => {
    fc.assert(
      fc.property(residentId, fc.integer({ min: 32, max: 4096 }), (id, count) => {
        const shard = shardOf(id, count);
        expect(shard).toBe(shardOf(id, count));
        expect(Number.isInteger(shard) && shard >= 0 && shard < count).toBe(true);
      }),
    );
  });

  it('rejects malformed input', () => {
    expect(() => shardOf('xyz', 64)).toThrow(RangeError);
    expect(() => shardOf('a'.repeat(64), 0)).toThrow(RangeError);
  });
});

describe('shardCountFor', () => {
  it('gives a million expected residents 64 shards and a small town the minimum of 32', () => {
    expect(shardCountFor(1_000_000)).toBe(64);
    expect(shardCountFor(1)).toBe(MIN_SHARD_COUNT);
    expect(shardCountFor(2_000_000)).toBe(128);
  });

  it('keeps an even shard of the expected electorate within one chunk, up to the largest electorate', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_ELECTORATE }), (electorate) => {
        const shards = shardCountFor(electorate);
        expect(shards).toBeGreaterThanOrEqual(MIN_SHARD_COUNT);
        expect(shards).toBeLessThanOrEqual(MAX_SHARD_COUNT);
        expect(Math.ceil(electorate / shards)).toBeLessThanOrEqual(BALLOTS_PER_SHARD);
        expect(BALLOTS_PER_SHARD * 3).toBeLessThanOrEqual(MAX_CHUNK_SIZE);
      }),
    );
  });

  it.each([0, -1, 1.5])('refuses an electorate of %s', (electorate) => {
    expect(() => shardCountFor(electorate)).toThrow(RangeError);
  });
});
