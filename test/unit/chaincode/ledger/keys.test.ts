import {
  keys,
  newestFirstAttribute,
  OBJECT_TYPES,
  shardAttribute,
} from '../../../../chaincode/src/ledger/keys';

const POLL = '0123456789abcdef0123456789abcdef';
const RESIDENT = 'f'.repeat(64);

describe('keys', () => {
  it('puts the shard between poll and resident in a ballot key', () => {
    expect(keys.ballot(POLL, 7, RESIDENT)).toEqual({
      objectType: OBJECT_TYPES.ballot,
      attributes: [POLL, '0007', RESIDENT],
    });
    expect(keys.ballotShard(POLL, 7).attributes).toEqual(
      keys.ballot(POLL, 7, RESIDENT).attributes.slice(0, 2),
    );
  });

  it('gives every record its own object type', () => {
    const types = [
      keys.config(),
      keys.poll(POLL),
      keys.pollByTime('2026-01-01T00:00:00.000Z', POLL),
      keys.pollByStatus('open', '2026-01-01T00:00:00.000Z', POLL),
      keys.resident(RESIDENT),
      keys.ballot(POLL, 0, RESIDENT),
      keys.residentBallot(RESIDENT, POLL),
      keys.shardTally(POLL, 0),
      keys.tally(POLL),
    ].map((spec) => spec.objectType);
    expect(new Set(types).size).toBe(types.length);
  });
});

describe('shardAttribute', () => {
  it('pads so that key order is numeric order', () => {
    const shards = [0, 5, 10, 63, 4095].map(shardAttribute);
    expect([...shards].sort()).toEqual(shards);
  });
});

describe('newestFirstAttribute', () => {
  it('orders newer polls first in ascending key order, at a fixed width', () => {
    const older = newestFirstAttribute('2026-01-01T00:00:00.000Z');
    const newer = newestFirstAttribute('2026-01-01T00:00:00.001Z');
    expect(newer < older).toBe(true);
    expect(older).toHaveLength(13);
    expect(newestFirstAttribute('1970-01-01T00:00:00.000Z')).toBe('9999999999999');
  });
});
