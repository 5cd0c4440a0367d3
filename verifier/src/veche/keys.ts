/**
 * The Veche chaincode's public keys as the verifier reads them from write sets. Fabric joins a
 * composite key as U+0000, the object type, then each attribute followed by U+0000
 * (fabric-shim's createCompositeKey); the layout of each object type is the chaincode's
 * chaincode/src/ledger/keys.ts, restated here because the verifier must not run chaincode code.
 */
export type VecheKey =
  | { readonly kind: 'poll'; readonly pollId: string }
  | {
      readonly kind: 'ballot';
      readonly pollId: string;
      readonly shard: number;
      readonly residentId: string;
    }
  | { readonly kind: 'tally'; readonly pollId: string }
  | { readonly kind: 'shardTally'; readonly pollId: string; readonly shard: number }
  /** A poll, ballot or tally key whose attributes do not have the chaincode's layout. */
  | { readonly kind: 'malformed'; readonly objectType: string }
  | { readonly kind: 'other'; readonly objectType: string };

const SEPARATOR = '\u0000';
const REPLAYED_TYPES: ReadonlySet<string> = new Set(['poll', 'ballot', 'tally', 'shardTally']);

/** The object type and attributes of a composite key, or null for a simple key. */
export function splitCompositeKey(
  key: string,
): { objectType: string; attributes: string[] } | null {
  if (!key.startsWith(SEPARATOR) || !key.endsWith(SEPARATOR) || key.length < 2) {
    return null;
  }
  const [objectType, ...attributes] = key.slice(1, -1).split(SEPARATOR);
  return objectType === undefined || objectType === '' ? null : { objectType, attributes };
}

/** What a written key names; keys the replay does not need are 'other'. */
export function parseVecheKey(key: string): VecheKey {
  const split = splitCompositeKey(key);
  if (split === null) {
    return { kind: 'other', objectType: '' };
  }
  const { objectType, attributes } = split;
  const [first, second, third] = attributes;
  if (objectType === 'poll' && attributes.length === 1 && first !== undefined) {
    return { kind: 'poll', pollId: first };
  }
  if (objectType === 'tally' && attributes.length === 1 && first !== undefined) {
    return { kind: 'tally', pollId: first };
  }
  if (
    objectType === 'shardTally' &&
    attributes.length === 2 &&
    first !== undefined &&
    second !== undefined &&
    /^[0-9]{4}$/.test(second)
  ) {
    return { kind: 'shardTally', pollId: first, shard: Number(second) };
  }
  if (
    objectType === 'ballot' &&
    attributes.length === 3 &&
    first !== undefined &&
    second !== undefined &&
    /^[0-9]{4}$/.test(second) &&
    third !== undefined
  ) {
    return { kind: 'ballot', pollId: first, shard: Number(second), residentId: third };
  }
  return REPLAYED_TYPES.has(objectType)
    ? { kind: 'malformed', objectType }
    : { kind: 'other', objectType };
}
