// The COMMIT_HASH a peer stores in each block's metadata from block 1 on: a hash chain over the
// validation flags and the block's effective public and hashed private writes, in the order and
// encoding of Fabric's deterministicBytesForPubAndHashUpdates (research/fabric-verify.md §1.4).
// Recomputing it and finding the peer's value proves the verifier reached exactly the flags and
// state updates that peer committed; like the flags it is the peer's own, unsigned claim.
import { createHash } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import { BinaryWriter } from 'google-protobuf';
import { compareKeys, type BlockUpdates, type Entry, type Version } from './worldState.js';

/** Go's EncodeOrderPreservingVarUint64: a length byte, then the big-endian bytes without leading zeros. */
function orderPreserving(n: number): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const bytes = n === 0 ? Buffer.alloc(0) : Buffer.from(hex, 'hex');
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
}

const versionBytes = (version: Version): Buffer =>
  Buffer.concat([orderPreserving(version.blockNumber), orderPreserving(version.txNumber)]);

interface KVWrite {
  namespace?: string;
  collection?: string;
  key: Uint8Array;
  entry: Entry;
}

/** txmgr.KVWrite in proto3: fields in number order, default values left out. */
function writeKv(writer: BinaryWriter, kv: KVWrite): void {
  writer.writeMessage(1, kv, () => {
    if (kv.namespace !== undefined && kv.namespace !== '') writer.writeString(1, kv.namespace);
    if (kv.collection !== undefined && kv.collection !== '') writer.writeString(2, kv.collection);
    if (kv.key.length > 0) writer.writeBytes(3, kv.key);
    if (kv.entry.value === undefined) writer.writeBool(4, true);
    else if (kv.entry.value.length > 0) writer.writeBytes(5, kv.entry.value);
    writer.writeBytes(6, versionBytes(kv.entry.version));
  });
}

/** The block's effective updates as Fabric serializes them for the commit hash. */
export function updateBatchBytes(updates: BlockUpdates): Uint8Array {
  // namespace -> collection -> key hash (hex, whose order is the bytes' order) -> entry
  const hashed = new Map<string, Map<string, Map<string, Entry>>>();
  for (const [composite, entry] of updates.hashed) {
    const [namespace = '', collection = '', keyHash = ''] = composite.split('\u0000');
    let collections = hashed.get(namespace);
    if (collections === undefined) {
      collections = new Map<string, Map<string, Entry>>();
      hashed.set(namespace, collections);
    }
    let keys = collections.get(collection);
    if (keys === undefined) {
      keys = new Map<string, Entry>();
      collections.set(collection, keys);
    }
    keys.set(keyHash, entry);
  }
  const namespaces = [...new Set([...updates.public.keys(), ...hashed.keys()])]
    .filter((namespace) => namespace !== '')
    .sort(compareKeys);
  const writer = new BinaryWriter();
  for (const namespace of namespaces) {
    const kvs: KVWrite[] = [];
    const publicWrites = [...(updates.public.get(namespace) ?? [])];
    for (const [key, entry] of publicWrites.sort(([a], [b]) => compareKeys(a, b))) {
      kvs.push({ key: Buffer.from(key, 'utf8'), entry });
    }
    const collections = [...(hashed.get(namespace) ?? [])];
    for (const [collection, keys] of collections.sort(([a], [b]) => compareKeys(a, b))) {
      const first = kvs.length;
      // Hex keeps the key hashes' byte order.
      for (const [keyHash, entry] of [...keys].sort(([a], [b]) => compareKeys(a, b))) {
        kvs.push({ key: Buffer.from(keyHash, 'hex'), entry });
      }
      if (kvs[first] !== undefined) kvs[first].collection = collection;
    }
    if (kvs[0] !== undefined) kvs[0].namespace = namespace;
    for (const kv of kvs) writeKv(writer, kv);
  }
  return writer.getResultBuffer();
}

/** Protobuf's unsigned varint, as proto.EncodeVarint writes the flags' length. */
function varint(n: number): Buffer {
  const bytes: number[] = [];
  let rest = n;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** commitHash_n = SHA-256(varint(len(flags)) ‖ flags ‖ updates ‖ commitHash_{n-1}). */
export function commitHash(flags: Uint8Array, updates: BlockUpdates, previous: Uint8Array): Buffer {
  return createHash('sha256')
    .update(varint(flags.length))
    .update(flags)
    .update(updateBatchBytes(updates))
    .update(previous)
    .digest();
}

/** The 32-byte hash in a block's COMMIT_HASH metadata entry; undefined when there is none. */
export function storedCommitHash(metadata: Uint8Array | undefined): Uint8Array | undefined {
  if (metadata === undefined || metadata.length === 0) return undefined;
  const value = common.Metadata.deserializeBinary(metadata).getValue_asU8();
  return value.length === 0 ? undefined : value;
}
