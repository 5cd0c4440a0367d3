import fc from 'fast-check';
import { shardOf } from '../../../../chaincode/src/domain/shard';

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
