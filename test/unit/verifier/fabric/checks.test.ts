import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBlock } from '../../../../verifier/src/fabric/block.js';
import { configFromEnvelope } from '../../../../verifier/src/fabric/config.js';
import { blockHeaderBytes, parseEcdsaSignature } from '../../../../verifier/src/fabric/der.js';
import { verifySignature } from '../../../../verifier/src/fabric/msp.js';
import { decodeEnvelope } from '../../../../verifier/src/fabric/transaction.js';
import { BlockUpdates, WorldState } from '../../../../verifier/src/fabric/worldState.js';
import { checkHashChain, isCanonicalEnvelope } from '../../../../verifier/src/checks/hashChain.js';
import { checkOrdererSignatures } from '../../../../verifier/src/checks/ordererSignatures.js';
import { checkFlags } from '../../../../verifier/src/checks/validationFlags.js';
import { merkleSummary } from '../../../../verifier/src/checks/mvcc.js';

// Blocks 0-2 of a real network's civic channel (genesis config, then two _lifecycle
// approvals), exported with veche-verify --export: real certificates and BFT signatures.
const fixture = (n: number) =>
  parseBlock(readFileSync(join(process.cwd(), 'test/fixtures/verifier', `${n}.block`)));

function genesisConfig() {
  const tx = decodeEnvelope(fixture(0).envelopes[0]!);
  if (tx.kind !== 'config') throw new Error('block 0 is not a config block');
  return configFromEnvelope(0, tx.payloadData);
}

describe('block header DER', () => {
  it('encodes 0 as 02 01 00 and empty hashes as 04 00', () => {
    expect(blockHeaderBytes(0, new Uint8Array(), new Uint8Array()).toString('hex')).toBe(
      '3007020100040004' + '00',
    );
  });

  it('adds a leading zero to a number whose top bit is set', () => {
    expect(blockHeaderBytes(128, new Uint8Array(), new Uint8Array()).toString('hex')).toBe(
      '300802020080' + '0400' + '0400',
    );
  });
});

describe('hash chain', () => {
  it('accepts blocks 0 to 2 chained by their header hashes', () => {
    const first = checkHashChain(fixture(0), 0, undefined, true);
    const second = checkHashChain(fixture(1), 1, first.headerHash, false);
    const third = checkHashChain(fixture(2), 2, second.headerHash, false);
    expect([...first.findings, ...second.findings, ...third.findings]).toEqual([]);
  });

  it('flags a block whose previous hash is not the previous header hash', () => {
    const { findings } = checkHashChain(fixture(2), 2, Buffer.alloc(32), false);
    expect(findings).toEqual([expect.objectContaining({ check: 'hash-chain', blockNumber: 2 })]);
  });

  it('flags a block whose data does not match its data hash', () => {
    const block = fixture(1);
    const envelope = Uint8Array.from(block.envelopes[0]!);
    envelope[envelope.length - 1] = envelope.at(-1)! ^ 1;
    const { findings } = checkHashChain({ ...block, envelopes: [envelope] }, 1, undefined, false);
    expect(findings.map((f) => f.message)).toContain('data_hash does not match the transactions');
  });

  it('refuses an envelope with bytes after its signature field', () => {
    const envelope = fixture(1).envelopes[0]!;
    expect(isCanonicalEnvelope(envelope)).toBe(true);
    expect(isCanonicalEnvelope(Buffer.concat([envelope, Buffer.of(0x1a, 0x00)]))).toBe(false);
  });
});

describe('orderer signatures', () => {
  it('holds for a real block signed by a BFT quorum of the genesis consenters', () => {
    const config = genesisConfig();
    expect(config.bft).toBe(true);
    expect(config.consenters.size).toBe(4);
    const block = fixture(1);
    const { headerBytes } = checkHashChain(block, 1, undefined, false);
    expect(checkOrdererSignatures(block, headerBytes, config, 0)).toEqual([]);
  });

  it('flags the same block when its header bytes differ from what was signed', () => {
    const config = genesisConfig();
    const block = fixture(1);
    const other = blockHeaderBytes(1, block.previousHash, Buffer.alloc(32));
    expect(checkOrdererSignatures(block, other, config, 0)).toEqual([
      expect.objectContaining({ check: 'orderer-signatures', blockNumber: 1 }),
    ]);
  });

  it('flags a wrong signed last-config index', () => {
    const block = fixture(1);
    const { headerBytes } = checkHashChain(block, 1, undefined, false);
    const findings = checkOrdererSignatures(block, headerBytes, genesisConfig(), 5);
    expect(findings.map((f) => f.message).join()).toContain('last-config index is 0');
  });
});

describe('ECDSA as Fabric checks it', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
  const data = Buffer.from('block bytes');

  function der(r: bigint, s: bigint): Buffer {
    const int = (value: bigint) => {
      let hex = value.toString(16);
      if (hex.length % 2) hex = `0${hex}`;
      if (parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
      const bytes = Buffer.from(hex, 'hex');
      return Buffer.concat([Buffer.of(0x02, bytes.length), bytes]);
    };
    const body = Buffer.concat([int(r), int(s)]);
    return Buffer.concat([Buffer.of(0x30, body.length), body]);
  }

  it('accepts a low-S signature and refuses the same signature with high S', () => {
    const signature = sign('sha256', data, privateKey);
    const parsed = parseEcdsaSignature(signature)!;
    const low = parsed.s > n / 2n ? n - parsed.s : parsed.s;
    expect(verifySignature(publicKey, data, der(parsed.r, low))).toBe(true);
    expect(verifySignature(publicKey, data, der(parsed.r, n - low))).toBe(false);
  });

  it('ignores bytes after the DER sequence, as Go does', () => {
    const parsed = parseEcdsaSignature(sign('sha256', data, privateKey))!;
    const low = parsed.s > n / 2n ? n - parsed.s : parsed.s;
    const trailing = Buffer.concat([der(parsed.r, low), Buffer.of(0, 0)]);
    expect(verifySignature(publicKey, data, trailing)).toBe(true);
    expect(verifySignature(publicKey, Buffer.from('other'), trailing)).toBe(false);
  });
});

describe('validation flags', () => {
  const decoded = [decodeEnvelope(fixture(1).envelopes[0]!)];

  it('agree when the stored flag is the re-derived one', () => {
    expect(checkFlags(1, decoded, [0], [undefined], Uint8Array.of(0))).toEqual([]);
  });

  it('name the block and transaction when the stored flag differs', () => {
    const [finding] = checkFlags(1, decoded, [0], [undefined], Uint8Array.of(11));
    expect(finding).toMatchObject({ check: 'validation-flags', blockNumber: 1 });
    expect(finding?.txId).toMatch(/^[0-9a-f]{64}$/);
    expect(finding?.message).toContain('stored flag MVCC_READ_CONFLICT, re-derived VALID');
  });
});

describe('world state replay', () => {
  const version = (blockNumber: number, txNumber: number) => ({ blockNumber, txNumber });

  it('re-runs a range over committed keys and the block’s earlier writes, without deletes', () => {
    const state = new WorldState();
    const first = new BlockUpdates();
    for (const key of ['a', 'b', 'c', 'd'])
      first.put('cc', key, { version: version(1, 0), value: Buffer.from(key) });
    state.apply(first);
    const pending = new BlockUpdates();
    pending.put('cc', 'b', { version: version(2, 0), value: undefined });
    pending.put('cc', 'bb', { version: version(2, 0), value: Buffer.from('x') });
    expect(state.range('cc', 'a', 'd', false, pending)).toEqual([
      { key: 'a', version: version(1, 0) },
      { key: 'bb', version: version(2, 0) },
      { key: 'c', version: version(1, 0) },
    ]);
    expect(state.range('cc', 'a', 'd', true, pending).map((r) => r.key)).toEqual([
      'a',
      'bb',
      'c',
      'd',
    ]);
  });

  it('orders keys as UTF-8 bytes, so a composite key sorts before any printable key', () => {
    const state = new WorldState();
    const updates = new BlockUpdates();
    for (const key of ['z', '\u0000poll\u0000', '\u{10000}', '\uffff'])
      updates.put('cc', key, { version: version(1, 0), value: Buffer.from('v') });
    state.apply(updates);
    expect(state.range('cc', '', '', false, new BlockUpdates()).map((r) => r.key)).toEqual([
      '\u0000poll\u0000',
      'z',
      '\uffff',
      '\u{10000}',
    ]);
  });

  it('gives no Merkle summary up to maxDegree results and one leaf hash of all of them just above', () => {
    const results = Array.from({ length: 3 }, (_, i) => ({ key: `k${i}`, version: version(1, i) }));
    expect(merkleSummary(results.slice(0, 2), 2)).toBeUndefined();
    const summary = merkleSummary(results, 2);
    expect(summary?.maxLevel).toBe(1);
    expect(summary?.hashes).toHaveLength(1);
  });
});
