/** Large enough that one shard of a million-ballot poll stays far below 50,000 keys. */
export const DEFAULT_SHARD_COUNT = 64;
export const MIN_SHARD_COUNT = 32;
export const MAX_SHARD_COUNT = 4096;
/**
 * The ballots a shard is sized for: a third of one 50,000-key chunk, so even an uneven shard of
 * a full electorate is tallied in one transaction, and a million voters get 64 shards.
 */
export const BALLOTS_PER_SHARD = 15625;
/** The largest electorate the shard count can follow. */
export const MAX_ELECTORATE = MAX_SHARD_COUNT * BALLOTS_PER_SHARD;

/** The shard count of a new poll, from the electorate the city expects (its on-ledger config). */
export function shardCountFor(expectedElectorate: number): number {
  if (!Number.isInteger(expectedElectorate) || expectedElectorate < 1) {
    throw new RangeError('expectedElectorate must be a positive integer');
  }
  return Math.min(
    MAX_SHARD_COUNT,
    Math.max(MIN_SHARD_COUNT, Math.ceil(expectedElectorate / BALLOTS_PER_SHARD)),
  );
}

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
