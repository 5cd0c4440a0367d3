/** Large enough that one shard of a million-ballot poll stays far below 50,000 keys. */
export const DEFAULT_SHARD_COUNT = 64;
export const MIN_SHARD_COUNT = 32;
export const MAX_SHARD_COUNT = 4096;

/**
 * The shard a resident's ballot lives in. Resident IDs are HMAC outputs, so their leading bytes
 * are uniform and the shards fill evenly; the rule is fixed because moving a ballot between
 * shards would let it be counted twice.
 */
export function shardOf(residentId: string, shardCount: number): number {
  if (!/^[0-9a-f]{8}/.test(residentId)) {
    throw new RangeError('residentId must start with 8 hex digits');
  }
  if (!Number.isInteger(shardCount) || shardCount < 1) {
    throw new RangeError('shardCount must be a positive integer');
  }
  return Number.parseInt(residentId.slice(0, 8), 16) % shardCount;
}
