// The world state the verifier replays from block 0: every public key's value and version,
// and the versions of private keys by hash. It is what MVCC, range re-execution and the
// _lifecycle definitions are read from; nothing here comes from a peer's state database.

export interface Version {
  blockNumber: number;
  txNumber: number;
}

export interface Entry {
  version: Version;
  /** undefined for a delete (in a block's updates). */
  value: Uint8Array | undefined;
}

/** Go compares keys as UTF-8 bytes; comparing code points gives the same order. */
export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(i) ?? 0;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

function lowerBound(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareKeys(keys[mid] ?? '', key) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

export const sameVersion = (a: Version | undefined, b: Version | undefined): boolean =>
  a === undefined || b === undefined
    ? a === b
    : a.blockNumber === b.blockNumber && a.txNumber === b.txNumber;

export const hashedKey = (namespace: string, collection: string, keyHash: Uint8Array): string =>
  `${namespace}\u0000${collection}\u0000${Buffer.from(keyHash).toString('hex')}`;

/** The effective writes of one block's valid transactions (the last write of each key wins). */
export class BlockUpdates {
  readonly public = new Map<string, Map<string, Entry>>();
  /** hashedKey -> version and value hash (undefined for a delete). */
  readonly hashed = new Map<string, Entry>();

  put(namespace: string, key: string, entry: Entry): void {
    let keys = this.public.get(namespace);
    if (keys === undefined) this.public.set(namespace, (keys = new Map<string, Entry>()));
    keys.set(key, entry);
  }

  get(namespace: string, key: string): Entry | undefined {
    return this.public.get(namespace)?.get(key);
  }
}

export class WorldState {
  private readonly values = new Map<string, Map<string, Entry>>();
  private readonly sorted = new Map<string, string[]>();
  private readonly hashed = new Map<string, Version>();

  get(namespace: string, key: string): Entry | undefined {
    return this.values.get(namespace)?.get(key);
  }

  hashedVersion(key: string): Version | undefined {
    return this.hashed.get(key);
  }

  /**
   * The keys and versions a range query sees over the committed state overlaid with the
   * block's earlier updates; an empty end key means no upper bound.
   */
  range(
    namespace: string,
    startKey: string,
    endKey: string,
    includeEnd: boolean,
    updates: BlockUpdates,
  ): Array<{ key: string; version: Version }> {
    const inRange = (key: string) => {
      if (compareKeys(key, startKey) < 0) return false;
      if (endKey === '') return true;
      const c = compareKeys(key, endKey);
      return c < 0 || (includeEnd && c === 0);
    };
    const merged = new Map<string, Entry>();
    const keys = this.sorted.get(namespace) ?? [];
    const values = this.values.get(namespace);
    for (let i = lowerBound(keys, startKey); i < keys.length; i++) {
      const key = keys[i] ?? '';
      const entry = values?.get(key);
      if (!inRange(key)) break;
      if (entry !== undefined) merged.set(key, entry);
    }
    for (const [key, entry] of updates.public.get(namespace) ?? []) {
      if (inRange(key)) merged.set(key, entry);
    }
    return [...merged.entries()]
      .filter(([, entry]) => entry.value !== undefined)
      .sort(([a], [b]) => compareKeys(a, b))
      .map(([key, entry]) => ({ key, version: entry.version }));
  }

  apply(updates: BlockUpdates): void {
    for (const [namespace, writes] of updates.public) {
      let values = this.values.get(namespace);
      let keys = this.sorted.get(namespace);
      if (values === undefined || keys === undefined) {
        this.values.set(namespace, (values = new Map<string, Entry>()));
        this.sorted.set(namespace, (keys = []));
      }
      for (const [key, entry] of writes) {
        const exists = values.has(key);
        if (entry.value === undefined) {
          if (exists) {
            values.delete(key);
            keys.splice(lowerBound(keys, key), 1);
          }
        } else {
          if (!exists) keys.splice(lowerBound(keys, key), 0, key);
          values.set(key, entry);
        }
      }
    }
    for (const [key, entry] of updates.hashed) {
      if (entry.value === undefined) this.hashed.delete(key);
      else this.hashed.set(key, entry.version);
    }
  }
}
