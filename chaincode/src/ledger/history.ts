/**
 * A key's history as fabric-shim 2.5.8 yields it from getHistoryForKey (lib/iterators.js):
 * `timestamp` is the protobuf Timestamp's toObject(), so `seconds` is a plain number at run time
 * although the .d.ts says Long. Fabric 2.x and later yield newest first, and the timestamp is the
 * submitting client's clock, so neither is a safe order: callers order versions by their content.
 */
export interface KeyModificationLike {
  readonly txId: string;
  readonly value: Uint8Array;
  readonly isDelete: boolean;
  readonly timestamp: { readonly seconds: unknown; readonly nanos: unknown };
}

export interface HistoryVersion<T> {
  readonly txId: string;
  /** The writing transaction's timestamp (the client's clock), as an ISO instant. */
  readonly timestamp: string;
  readonly value: T;
}

function toNumber(value: unknown): number {
  if (typeof value === 'object' && value !== null && 'toNumber' in value) {
    // A Long, as getTxTimestamp() gives seconds.
    const convert = value.toNumber;
    if (typeof convert === 'function') {
      return Number((convert as () => unknown).call(value));
    }
  }
  // Numbers, bigints, decimal strings, and objects with valueOf or a decimal toString.
  return Number(value);
}

/** A protobuf Timestamp (seconds as number, Long, bigint or string) as an ISO instant. */
export function timestampToIso(timestamp: { seconds: unknown; nanos: unknown }): string {
  const seconds = toNumber(timestamp.seconds);
  const nanos = timestamp.nanos === undefined ? 0 : toNumber(timestamp.nanos);
  if (!Number.isFinite(seconds) || !Number.isFinite(nanos)) {
    throw new RangeError('history entry has no valid timestamp');
  }
  return new Date(seconds * 1000 + Math.floor(nanos / 1_000_000)).toISOString();
}

/**
 * Every version of a key that was a write, not a delete (a purge or delete leaves an entry with
 * an empty value), parsed with `parse`, in the order the iterable yields them. `for await`
 * closes the shim's iterator on every exit path, including a throw from `parse`.
 */
export async function readHistory<T>(
  entries: AsyncIterable<KeyModificationLike>,
  parse: (value: Uint8Array) => T,
): Promise<HistoryVersion<T>[]> {
  const versions: HistoryVersion<T>[] = [];
  for await (const entry of entries) {
    if (entry.isDelete) {
      continue;
    }
    versions.push({
      txId: entry.txId,
      timestamp: timestampToIso(entry.timestamp),
      value: parse(entry.value),
    });
  }
  return versions;
}
