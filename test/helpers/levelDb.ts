import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// A reader of LevelDB folders (Fabric's state, history and private data stores, written by
// goleveldb) for the privacy scan. goleveldb compresses table blocks with Snappy by default
// (Fabric passes empty options), so searching the raw files could miss a value; this decodes
// every record of every table and journal instead, every version of every key, deleted or not.
// It reads files only (no lock taken), so the peer keeps running.

export interface LevelDbEntry {
  /** The user key (without LevelDB's 8-byte sequence and kind trailer). */
  readonly key: Buffer;
  /** The value; empty for a deletion marker. */
  readonly value: Buffer;
  readonly deleted: boolean;
  /** LevelDB's sequence number: the highest one of a key is its current version. */
  readonly sequence: number;
  readonly file: string;
}

interface Cursor {
  pos: number;
}

function varint(buffer: Buffer, cursor: Cursor): number {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = buffer[cursor.pos++];
    if (byte === undefined) throw new Error('varint past the end');
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return result;
    shift += 7;
  }
}

/** Snappy's raw format (github.com/google/snappy, format_description.txt). */
export function snappyDecompress(input: Buffer): Buffer {
  const cursor = { pos: 0 };
  const output = Buffer.alloc(varint(input, cursor));
  let out = 0;
  while (cursor.pos < input.length) {
    const tag = input[cursor.pos++]!;
    let length: number;
    let offset: number;
    switch (tag & 3) {
      case 0: {
        length = tag >> 2;
        if (length >= 60) {
          const bytes = length - 59;
          length = input.readUIntLE(cursor.pos, bytes);
          cursor.pos += bytes;
        }
        length += 1;
        input.copy(output, out, cursor.pos, cursor.pos + length);
        cursor.pos += length;
        out += length;
        continue;
      }
      case 1:
        length = ((tag >> 2) & 7) + 4;
        offset = ((tag >> 5) << 8) | input[cursor.pos++]!;
        break;
      case 2:
        length = (tag >> 2) + 1;
        offset = input.readUInt16LE(cursor.pos);
        cursor.pos += 2;
        break;
      default:
        length = (tag >> 2) + 1;
        offset = input.readUInt32LE(cursor.pos);
        cursor.pos += 4;
    }
    if (offset === 0 || offset > out) throw new Error('snappy copy outside the output');
    // Byte by byte: a copy may overlap the bytes it produces.
    for (let i = 0; i < length; i++, out++) output[out] = output[out - offset]!;
  }
  if (out !== output.length) throw new Error('snappy output shorter than announced');
  return output;
}

/**
 * The table block whose handle (offset and size varints) `handle` holds at `cursor`, read from
 * `file` and decompressed when its trailer says Snappy.
 */
function tableBlock(file: Buffer, handle: Buffer, cursor: Cursor = { pos: 0 }): Buffer {
  const offset = varint(handle, cursor);
  const size = varint(handle, cursor);
  const raw = file.subarray(offset, offset + size);
  const compression = file[offset + size];
  if (compression === 0) return raw;
  if (compression === 1) return snappyDecompress(raw);
  throw new Error(`unknown block compression ${String(compression)}`);
}

/** The key/value entries of a table block (keys share prefixes with the previous entry). */
function blockEntries(block: Buffer): { key: Buffer; value: Buffer }[] {
  const restarts = block.readUInt32LE(block.length - 4);
  const end = block.length - 4 - 4 * restarts;
  const entries: { key: Buffer; value: Buffer }[] = [];
  const cursor = { pos: 0 };
  let key = Buffer.alloc(0);
  while (cursor.pos < end) {
    const shared = varint(block, cursor);
    const unshared = varint(block, cursor);
    const valueLength = varint(block, cursor);
    key = Buffer.concat([
      key.subarray(0, shared),
      block.subarray(cursor.pos, cursor.pos + unshared),
    ]);
    cursor.pos += unshared;
    entries.push({ key, value: block.subarray(cursor.pos, cursor.pos + valueLength) });
    cursor.pos += valueLength;
  }
  return entries;
}

// Internal keys end with 8 bytes: (sequence << 8) | kind, little-endian; kind 0 is a deletion.
function tableEntries(path: string): LevelDbEntry[] {
  const file = readFileSync(path);
  // Footer (last 48 bytes): the metaindex block's handle, then the index block's handle.
  const footer = file.subarray(file.length - 48);
  const cursor = { pos: 0 };
  varint(footer, cursor);
  varint(footer, cursor);
  const index = tableBlock(file, footer, cursor);
  const entries: LevelDbEntry[] = [];
  for (const { value: handle } of blockEntries(index)) {
    for (const { key, value } of blockEntries(tableBlock(file, handle))) {
      entries.push({
        key: key.subarray(0, key.length - 8),
        value,
        deleted: key[key.length - 8] === 0,
        sequence: Number(key.readBigUInt64LE(key.length - 8) >> 8n),
        file: path,
      });
    }
  }
  return entries;
}

const journalBlockSize = 32 * 1024;

/** The records of a journal (.log) file: 32 KiB blocks of (crc, length, type) fragments. */
function journalRecords(file: Buffer): Buffer[] {
  const records: Buffer[] = [];
  let pending: Buffer[] = [];
  let pos = 0;
  while (pos + 7 <= file.length) {
    const left = journalBlockSize - (pos % journalBlockSize);
    if (left < 7) {
      pos += left;
      continue;
    }
    const length = file.readUInt16LE(pos + 4);
    const type = file[pos + 6];
    const data = file.subarray(pos + 7, pos + 7 + length);
    pos += 7 + length;
    if (type === 0) {
      // Zero padding (a preallocated or torn tail): skip to the next block.
      pos += journalBlockSize - (pos % journalBlockSize);
      continue;
    }
    if (type === 1) records.push(data);
    else if (type === 2) pending = [data];
    else if (type === 3) pending.push(data);
    else if (type === 4) {
      pending.push(data);
      records.push(Buffer.concat(pending));
      pending = [];
    }
  }
  return records;
}

/** A journal record is a write batch: sequence (8), count (4), then (kind, key, value?) items. */
function journalEntries(path: string): LevelDbEntry[] {
  const entries: LevelDbEntry[] = [];
  for (const batch of journalRecords(readFileSync(path))) {
    let sequence = Number(batch.readBigUInt64LE(0));
    const cursor = { pos: 12 };
    while (cursor.pos < batch.length) {
      const kind = batch[cursor.pos++];
      const keyLength = varint(batch, cursor);
      const key = batch.subarray(cursor.pos, cursor.pos + keyLength);
      cursor.pos += keyLength;
      let value: Buffer = Buffer.alloc(0);
      if (kind === 1) {
        const valueLength = varint(batch, cursor);
        value = batch.subarray(cursor.pos, cursor.pos + valueLength);
        cursor.pos += valueLength;
      }
      entries.push({ key, value, deleted: kind === 0, sequence: sequence++, file: path });
    }
  }
  return entries;
}

/** Every entry of every table (.ldb, .sst) and journal (.log) in a LevelDB folder. */
export function levelDbEntries(dir: string): LevelDbEntry[] {
  const entries: LevelDbEntry[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (name.endsWith('.ldb') || name.endsWith('.sst')) entries.push(...tableEntries(path));
    else if (/^\d+\.log$/.test(name)) entries.push(...journalEntries(path));
  }
  return entries;
}

/** The current version of each key: the entry with the highest sequence, unless deleted. */
export function currentEntries(entries: readonly LevelDbEntry[]): LevelDbEntry[] {
  const latest = new Map<string, LevelDbEntry>();
  for (const entry of entries) {
    const id = entry.key.toString('latin1');
    const seen = latest.get(id);
    if (seen === undefined || entry.sequence > seen.sequence) latest.set(id, entry);
  }
  return [...latest.values()].filter((entry) => !entry.deleted);
}
