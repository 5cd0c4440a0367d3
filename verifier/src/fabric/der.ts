// The two DER structures the verifier needs, written out by hand because they are tiny and
// must match Go's encoding/asn1 byte for byte: the block header Fabric hashes, and the ECDSA
// signature Fabric parses leniently (trailing bytes ignored).
import { createHash } from 'node:crypto';

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.of(tag), derLength(content.length), content]);
}

function derUnsigned(value: number): Buffer {
  const bytes: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  if (bytes.length === 0 || (bytes[0] ?? 0) >= 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

/** protoutil.BlockHeaderBytes: SEQUENCE { INTEGER number, OCTET STRING prev, OCTET STRING data }. */
export function blockHeaderBytes(
  number: number,
  previousHash: Uint8Array,
  dataHash: Uint8Array,
): Buffer {
  return tlv(
    0x30,
    Buffer.concat([derUnsigned(number), tlv(0x04, previousHash), tlv(0x04, dataHash)]),
  );
}

export function sha256(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** Reads one TLV at offset; undefined when it does not fit. */
function readTlv(
  bytes: Uint8Array,
  offset: number,
): { tag: number; start: number; end: number } | undefined {
  if (offset + 2 > bytes.length) return undefined;
  const tag = bytes[offset] ?? 0;
  let length = bytes[offset + 1] ?? 0;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || start + count > bytes.length) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[start + i] ?? 0);
    start += count;
  }
  const end = start + length;
  return end > bytes.length ? undefined : { tag, start, end };
}

function toBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** r and s of a DER ECDSA signature (bytes after the SEQUENCE ignored, as Go's asn1.Unmarshal). */
export function parseEcdsaSignature(signature: Uint8Array): { r: bigint; s: bigint } | undefined {
  const sequence = readTlv(signature, 0);
  if (sequence?.tag !== 0x30) return undefined;
  const r = readTlv(signature, sequence.start);
  if (r?.tag !== 0x02) return undefined;
  const s = readTlv(signature, r.end);
  if (s?.tag !== 0x02 || s.end > sequence.end) return undefined;
  const rBytes = signature.subarray(r.start, r.end);
  const sBytes = signature.subarray(s.start, s.end);
  // Negative integers are invalid signatures in Go's ecdsa too.
  if ((rBytes[0] ?? 0) & 0x80 || (sBytes[0] ?? 0) & 0x80) return undefined;
  return { r: toBigInt(rBytes), s: toBigInt(sBytes) };
}

export function bigIntBytes(value: bigint, size: number): Buffer {
  const out = Buffer.alloc(size);
  let rest = value;
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}
