// MVCC and phantom-read validation (core/ledger/kvledger/txmgmt/validation): each read of a
// still-valid transaction must see the committed version and no earlier write of the same
// block; each range query must return the same keys and versions when re-run.
import { ledger } from '@hyperledger/fabric-protos';
import { sha256 } from '../fabric/der.js';
import { Code, type EndorserTx, type RangeQuery } from '../fabric/transaction.js';
import {
  BlockUpdates,
  hashedKey,
  sameVersion,
  type Version,
  type WorldState,
} from '../fabric/worldState.js';
import type { Verdict } from './creator.js';

function serializeReads(reads: ReadonlyArray<{ key: string; version: Version }>): Uint8Array {
  const message = new ledger.rwset.kvrwset.QueryReads();
  message.setKvReadsList(
    reads.map(({ key, version }) => {
      const read = new ledger.rwset.kvrwset.KVRead();
      read.setKey(key);
      const v = new ledger.rwset.kvrwset.Version();
      v.setBlockNum(version.blockNumber);
      v.setTxNum(version.txNumber);
      read.setVersion(v);
      return read;
    }),
  );
  return message.serializeBinary();
}

/** rwsetutil.RangeQueryResultsHelper's Merkle summary of a range's results. */
export function merkleSummary(
  results: ReadonlyArray<{ key: string; version: Version }>,
  maxDegree: number,
): { maxLevel: number; hashes: Buffer[] } | undefined {
  const tree = new Map<number, Buffer[]>();
  let maxLevel = 1;
  let pending: Array<{ key: string; version: Version }> = [];
  const update = (hash: Buffer) => {
    tree.set(1, [...(tree.get(1) ?? []), hash]);
    for (let level = 1; ; level++) {
      const hashes = tree.get(level) ?? [];
      if (hashes.length <= maxDegree) return;
      tree.delete(level);
      tree.set(level + 1, [...(tree.get(level + 1) ?? []), sha256(...hashes)]);
      if (level + 1 > maxLevel) maxLevel = level + 1;
    }
  };
  for (const result of results) {
    pending.push(result);
    if (pending.length > maxDegree) {
      update(sha256(serializeReads(pending)));
      pending = [];
    }
  }
  if (maxLevel === 1 && (tree.get(1) ?? []).length === 0) return undefined;
  if (pending.length > 0) update(sha256(serializeReads(pending)));
  for (let level = 1; level < maxLevel; level++) {
    const hashes = tree.get(level) ?? [];
    if (hashes.length === 0) continue;
    const combined = hashes.length === 1 ? hashes[0] : sha256(...hashes);
    if (combined === undefined) continue;
    tree.delete(level);
    tree.set(level + 1, [...(tree.get(level + 1) ?? []), combined]);
  }
  const final = tree.get(maxLevel) ?? [];
  if (final.length > maxDegree) {
    maxLevel++;
    return { maxLevel, hashes: [sha256(...final)] };
  }
  return { maxLevel, hashes: final };
}

function rangeHolds(
  query: RangeQuery,
  results: ReadonlyArray<{ key: string; version: Version }>,
): boolean {
  const merkle = query.merkle;
  if (merkle !== undefined) {
    const summary = merkleSummary(results, merkle.maxDegree);
    return (
      summary !== undefined &&
      summary.maxLevel === merkle.maxLevel &&
      summary.hashes.length === merkle.hashes.length &&
      summary.hashes.every((hash, i) => hash.equals(merkle.hashes[i] ?? new Uint8Array()))
    );
  }
  const raw = query.raw ?? [];
  return (
    raw.length === results.length &&
    raw.every((read, i) => {
      const result = results[i];
      return (
        result !== undefined && read.key === result.key && sameVersion(read.version, result.version)
      );
    })
  );
}

/** Validates one transaction's reads against the state and this block's earlier updates. */
export function checkMvcc(
  tx: EndorserTx,
  state: WorldState,
  updates: BlockUpdates,
): Verdict | undefined {
  for (const ns of tx.namespaces) {
    for (const read of ns.reads) {
      if (updates.get(ns.namespace, read.key) !== undefined)
        return {
          code: Code.MVCC_READ_CONFLICT,
          reason: `${read.key} was written earlier in the block`,
        };
      if (!sameVersion(state.get(ns.namespace, read.key)?.version, read.version))
        return {
          code: Code.MVCC_READ_CONFLICT,
          reason: `read of ${ns.namespace}/${read.key} is stale`,
        };
    }
    for (const query of ns.ranges) {
      const results = state.range(
        ns.namespace,
        query.startKey,
        query.endKey,
        !query.exhausted,
        updates,
      );
      if (!rangeHolds(query, results))
        return {
          code: Code.PHANTOM_READ_CONFLICT,
          reason: `range from ${JSON.stringify(query.startKey)} changed`,
        };
    }
    for (const collection of ns.collections) {
      for (const read of collection.reads) {
        const key = hashedKey(ns.namespace, collection.collection, read.keyHash);
        if (updates.hashed.has(key) || !sameVersion(state.hashedVersion(key), read.version))
          return {
            code: Code.MVCC_READ_CONFLICT,
            reason: `private read in ${collection.collection} is stale`,
          };
      }
    }
  }
  return undefined;
}

/** Adds a valid transaction's writes to the block's updates with version (block, tx). */
export function applyWrites(tx: EndorserTx, version: Version, updates: BlockUpdates): void {
  for (const ns of tx.namespaces) {
    for (const write of ns.writes) {
      // An empty value is a delete too (statedb treats nil and empty alike).
      const isDelete = write.isDelete || write.value.length === 0;
      updates.put(ns.namespace, write.key, { version, value: isDelete ? undefined : write.value });
    }
    for (const collection of ns.collections) {
      for (const write of collection.writes) {
        const isDelete = write.isDelete || write.valueHash.length === 0;
        updates.hashed.set(hashedKey(ns.namespace, collection.collection, write.keyHash), {
          version,
          value: isDelete ? undefined : write.valueHash,
        });
      }
    }
  }
}
