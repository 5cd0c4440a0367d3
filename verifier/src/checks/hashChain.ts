// The header hash chain and each block's data hash (protoutil.BlockHeaderHash, BlockDataHash).
import type { Finding } from '../ledgerTransaction.js';
import type { RawBlock } from '../fabric/block.js';
import { blockHeaderBytes, sha256 } from '../fabric/der.js';

/** Reads a protobuf varint at offset: [value, next offset], or undefined. */
function varint(bytes: Uint8Array, offset: number): [number, number] | undefined {
  let value = 0;
  let scale = 1;
  for (let i = offset; i < bytes.length && i < offset + 8; i++) {
    const byte = bytes[i] ?? 0;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) {
      // A non-minimal varint (trailing zero continuation) is not what Go's marshal writes.
      if (byte === 0 && i > offset) return undefined;
      return [value, i + 1];
    }
    scale *= 128;
  }
  return undefined;
}

/**
 * VerifyTransactionsAreWellFormed: the data hash is a bare concatenation, so each envelope must be
 * exactly field 1 (payload) then field 2 (signature), both non-empty, nothing else; otherwise a
 * source could re-split the same bytes into other envelopes.
 */
export function isCanonicalEnvelope(envelope: Uint8Array): boolean {
  if (envelope[0] !== 0x0a) return false;
  const payload = varint(envelope, 1);
  if (payload === undefined || payload[0] === 0) return false;
  const signatureTag = payload[1] + payload[0];
  if (envelope[signatureTag] !== 0x12) return false;
  const signature = varint(envelope, signatureTag + 1);
  if (signature === undefined || signature[0] === 0) return false;
  return signature[1] + signature[0] === envelope.length;
}

export interface HashChainResult {
  findings: Finding[];
  /** DER header bytes: what orderers sign. */
  headerBytes: Buffer;
  headerHash: Buffer;
}

export function checkHashChain(
  block: RawBlock,
  expectedNumber: number,
  previousHeaderHash: Buffer | undefined,
  isConfigBlock: boolean,
): HashChainResult {
  const findings: Finding[] = [];
  const fail = (message: string) =>
    findings.push({ check: 'hash-chain', blockNumber: expectedNumber, message });
  if (block.number !== expectedNumber) fail(`header says block ${block.number}`);
  if (previousHeaderHash === undefined) {
    if (block.previousHash.length !== 0) fail('block 0 has a previous hash');
  } else if (!previousHeaderHash.equals(block.previousHash)) {
    fail('previous_hash is not the hash of the previous block header');
  }
  if (block.envelopes.length === 0) fail('block has no transactions');
  if (!(isConfigBlock && block.envelopes.length === 1)) {
    block.envelopes.forEach((envelope, i) => {
      if (!isCanonicalEnvelope(envelope)) fail(`envelope ${i} is not a well-formed Envelope`);
    });
  }
  if (!sha256(...block.envelopes).equals(block.dataHash))
    fail('data_hash does not match the transactions');
  const headerBytes = blockHeaderBytes(block.number, block.previousHash, block.dataHash);
  return { findings, headerBytes, headerHash: sha256(headerBytes) };
}
