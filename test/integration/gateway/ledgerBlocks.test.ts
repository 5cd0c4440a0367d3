import { createHash } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import type { Network } from '@hyperledger/fabric-gateway';
import request from 'supertest';
import { startDevIdp, type DevIdp } from '../../helpers/devIdp.js';
import { openFabricNetwork, type FabricNetwork } from '../../helpers/fabricNetwork.js';
import type { TestGateway } from './gatewayApp.js';
import { buildLedgerGateway } from './ledgerGateway.js';

let idp: DevIdp;
let gateway: TestGateway;
let fabric: FabricNetwork;
let regulatorChannel: Network;

beforeAll(async () => {
  idp = await startDevIdp();
  gateway = await buildLedgerGateway(idp.issuer);
  fabric = openFabricNetwork();
  regulatorChannel = fabric
    .gateway({ as: fabric.regulator.mspId })
    .getNetwork(fabric.description.channel);
});

afterAll(async () => {
  fabric.close();
  await gateway.close();
  await idp.stop();
});

/** qscc on the regulator's peer, asked directly with the regulator's own client identity. */
function qscc(name: string, ...args: string[]): Promise<Uint8Array> {
  return regulatorChannel.getContract('qscc').evaluate(name, {
    arguments: [fabric.description.channel, ...args],
    endorsingOrganizations: [fabric.regulator.mspId],
  });
}

async function directHeight(): Promise<number> {
  return common.BlockchainInfo.deserializeBinary(await qscc('GetChainInfo')).getHeight();
}

/** A DER length or an INTEGER/OCTET STRING, as Go's encoding/asn1 writes them. */
function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
function der(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.of(tag), derLength(content.length), content]);
}
function derInteger(value: number): Buffer {
  const bytes: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  if (bytes.length === 0 || bytes[0]! >= 0x80) bytes.unshift(0);
  return der(0x02, Buffer.from(bytes));
}

/**
 * Fabric's protoutil.BlockHeaderHash: SHA-256 of the DER SEQUENCE of the header's number,
 * previous hash and data hash.
 */
function headerHash(header: common.BlockHeader): Buffer {
  const sequence = der(
    0x30,
    Buffer.concat([
      derInteger(header.getNumber()),
      der(0x04, Buffer.from(header.getPreviousHash_asU8())),
      der(0x04, Buffer.from(header.getDataHash_asU8())),
    ]),
  );
  return createHash('sha256').update(sequence).digest();
}

function block(bytes: Buffer): common.Block {
  return common.Block.deserializeBinary(bytes);
}

function getBlock(blockNumber: number | string): request.Test {
  return request(gateway.app)
    .get(`/api/v1/ledger/blocks/${blockNumber}`)
    .buffer(true)
    .parse((response, done) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        done(null, Buffer.concat(chunks));
      });
    });
}

describe('the ledger endpoints on the real network', () => {
  it('reports the height qscc reports on the regulator\u2019s peer, and the newest block\u2019s hash', async () => {
    // Other tests may commit blocks meanwhile: compare only when the height held still around the call.
    let compared = false;
    for (let attempt = 0; attempt < 10 && !compared; attempt += 1) {
      const before = await directHeight();
      const response = await request(gateway.app).get('/api/v1/ledger/info').expect(200);
      const after = await directHeight();
      if (before !== after) continue;
      const info = response.body as { channel: string; height: number; currentBlockHash: string };
      expect(info.channel).toBe(fabric.description.channel);
      expect(info.height).toBe(before);
      expect(info.currentBlockHash).toMatch(/^[0-9a-f]{64}$/);
      const newest = block(Buffer.from(await qscc('GetBlockByNumber', String(before - 1))));
      expect(info.currentBlockHash).toBe(headerHash(newest.getHeader()!).toString('hex'));
      compared = true;
    }
    expect(compared).toBe(true);
  });

  it('serves a block byte for byte as the peer stores it, as an immutable octet stream', async () => {
    const height = await directHeight();
    expect(height).toBeGreaterThan(1);
    const blockNumber = height - 1;
    const response = await getBlock(blockNumber).expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/octet-stream/);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const served = response.body as Buffer;
    const direct = Buffer.from(await qscc('GetBlockByNumber', String(blockNumber)));
    expect(served.equals(direct)).toBe(true);

    const decoded = block(served);
    expect(decoded.getHeader()?.getNumber()).toBe(blockNumber);
    const previous = block((await getBlock(blockNumber - 1).expect(200)).body as Buffer);
    expect(previous.getHeader()?.getNumber()).toBe(blockNumber - 1);
    expect(Buffer.from(decoded.getHeader()!.getPreviousHash_asU8()).toString('hex')).toBe(
      headerHash(previous.getHeader()!).toString('hex'),
    );
  });

  it('serves the genesis block', async () => {
    const response = await getBlock(0).expect(200);
    expect(
      block(response.body as Buffer)
        .getHeader()
        ?.getNumber(),
    ).toBe(0);
  });

  it('answers 404 not-found for the block at the height', async () => {
    // A block committed meanwhile by another test moves the height: then ask again.
    let status = 0;
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const height = await directHeight();
      status = (await request(gateway.app).get(`/api/v1/ledger/blocks/${height}`)).status;
      if (status === 404 || (await directHeight()) === height) break;
    }
    expect(status).toBe(404);
  });

  it('answers 404 not-found beyond the height and for a malformed number, without caching', async () => {
    // Far enough ahead that blocks committed by concurrent tests do not reach it.
    const height = await directHeight();
    for (const path of [String(height + 1000), 'abc', '-1', '01', '1.5']) {
      const response = await request(gateway.app).get(`/api/v1/ledger/blocks/${path}`).expect(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ type: 'not-found', status: 404 });
      expect(response.headers['cache-control']).toBeUndefined();
    }
  });
});
