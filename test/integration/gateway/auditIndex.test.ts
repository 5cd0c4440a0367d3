import type { Redis } from 'ioredis';
import pino from 'pino';
import request from 'supertest';
import { decodeBlock } from '../../../gateway/src/fabric/blocks.js';
import { createAuditIndex } from '../../../gateway/src/redis/auditIndex.js';
import { createRedisClient, waitForRedis } from '../../../gateway/src/redis/client.js';
import { createLiveCounts } from '../../../gateway/src/redis/liveCounts.js';
import { startAuditIndexer } from '../../../gateway/src/services/auditIndexer.js';
import type { AuditBlock, AuditBlockStream } from '../../../gateway/src/services/ledger.js';
import type { AuditIndex, AuditQuery } from '../../../gateway/src/services/ports.js';
import { ApiProblem } from '../../../gateway/src/services/problems.js';
import type { AuditEvent, AuditEventList } from '../../../gateway/src/validation/schemas.js';
import { startDevIdp, devToken, type DevIdp } from '../../helpers/devIdp.js';
import {
  blockBytes,
  codes,
  configTransaction,
  endorserTransaction,
  type TxSpec,
} from '../../helpers/fabricBlocks.js';
import { freePort } from '../../helpers/freePort.js';
import { startRedisServer, type RedisServer } from '../../helpers/redisServer.js';
import { buildGateway, makeIdentities, type TestGateway } from './gatewayApp.js';

const poll1 = '11111111111111111111111111111111';
const poll2 = '22222222222222222222222222222222';
const alice = 'a'.repeat(64);
const bob = 'b'.repeat(64);
const olga = 'c'.repeat(64);
const personalDetails = /Alice Example|\+70000000042|1990-04-12|north-district/;

function at(second: number): string {
  return new Date(Date.UTC(2030, 0, 1, 0, 0, second)).toISOString();
}

function veche(
  txId: string,
  second: number,
  args: string[],
  payload: Record<string, unknown>,
  mspId = 'ITDeptMSP',
): TxSpec {
  return {
    txId,
    time: at(second),
    mspId,
    endorsers: ['ITDeptMSP', 'CivicChamberMSP'],
    args,
    event: { name: String(payload.action), payload: { mspId, ...payload } },
  };
}

const created1 = veche('tx-create-1', 10, ['polls:CreatePoll', '{}', olga], {
  action: 'PollCreated',
  actor: 'official',
  actorId: olga,
  pollId: poll1,
});
const created2 = veche(
  'tx-create-2',
  11,
  ['polls:CreatePoll', '{}', olga],
  { action: 'PollCreated', actor: 'official', actorId: olga, pollId: poll2 },
  'CivicChamberMSP',
);
const opened1 = veche('tx-open-1', 20, ['polls:OpenPoll', poll1, olga], {
  action: 'PollOpened',
  actor: 'official',
  actorId: olga,
  pollId: poll1,
});
const aliceVotes = veche('tx-ballot-alice', 21, ['ballots:CastBallot', poll1, alice, '["x"]'], {
  action: 'BallotCast',
  actor: 'resident',
  actorId: alice,
  pollId: poll1,
  residentId: alice,
  choices: ['x'],
});
const bobConflicts = veche('tx-ballot-bob', 22, ['ballots:CastBallot', poll1, bob, '["y"]'], {
  action: 'BallotCast',
  actor: 'resident',
  actorId: bob,
  pollId: poll1,
  residentId: bob,
  choices: ['y'],
});
const baseline: TxSpec = {
  txId: 'tx-baseline',
  time: at(23),
  mspId: 'ITDeptMSP',
  chaincode: 'baseline',
  args: ['Write', 'k', 'v'],
};
// Its timestamp is earlier than block 2's: the trail follows the ledger, not the clients' clocks.
const bobVotes2 = veche('tx-ballot-bob-2', 15, ['ballots:CastBallot', poll2, bob, '["z"]'], {
  action: 'BallotCast',
  actor: 'resident',
  actorId: bob,
  pollId: poll2,
  residentId: bob,
  choices: ['z'],
});
// The chaincode never puts personal details in an event; this one does, to prove none get through.
const registered = veche('tx-register', 30, ['residents:RegisterResident', alice], {
  action: 'ResidentRegistered',
  actor: 'resident',
  actorId: alice,
  residentId: alice,
  name: 'Alice Example',
  phone: '+70000000042',
  birthdate: '1990-04-12',
  district: 'north-district',
});
const closed1 = veche('tx-close-1', 40, ['polls:ClosePoll', poll1, olga], {
  action: 'PollClosed',
  actor: 'official',
  actorId: olga,
  pollId: poll1,
});

const blocks: Uint8Array[] = [
  blockBytes(0, [configTransaction(at(0))], [codes.VALID]),
  blockBytes(
    1,
    [endorserTransaction(created1), endorserTransaction(created2)],
    [codes.VALID, codes.VALID],
  ),
  blockBytes(
    2,
    [
      endorserTransaction(opened1),
      endorserTransaction(aliceVotes),
      endorserTransaction(bobConflicts),
      endorserTransaction(baseline),
    ],
    [codes.VALID, codes.VALID, codes.MVCC_READ_CONFLICT, codes.VALID],
  ),
  blockBytes(
    3,
    [endorserTransaction(bobVotes2), endorserTransaction(registered), endorserTransaction(closed1)],
    [codes.VALID, codes.VALID, codes.VALID],
  ),
  // Nothing of veche in it: indexed as a checkpoint step only.
  blockBytes(4, [endorserTransaction({ ...baseline, txId: 'tx-baseline-2' })], [codes.VALID]),
  // A replayed envelope: Fabric commits it again, marked DUPLICATE_TXID.
  blockBytes(5, [endorserTransaction(aliceVotes)], [codes.DUPLICATE_TXID]),
];
const ledgerOrder = [
  'tx-create-1',
  'tx-create-2',
  'tx-open-1',
  'tx-ballot-alice',
  'tx-ballot-bob',
  'tx-ballot-bob-2',
  'tx-register',
  'tx-close-1',
];
const auditEventFields = new Set([
  'txId',
  'blockNumber',
  'timestamp',
  'validationCode',
  'mspId',
  'endorsers',
  'action',
  'actor',
  'actorId',
  'pollId',
  'residentId',
]);

function decoded(bytes: Uint8Array): AuditBlock {
  return decodeBlock(bytes, 'veche');
}

async function allPages(index: AuditIndex, query: Omit<AuditQuery, 'cursor'>): Promise<string[]> {
  const txIds: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages += 1) {
    const page: AuditEventList = await index.query({
      ...query,
      ...(cursor === undefined ? {} : { cursor }),
    });
    expect(page.items.length).toBeLessThanOrEqual(query.limit);
    txIds.push(...page.items.map((item) => item.txId));
    cursor = page.nextCursor;
    if (cursor === undefined) return txIds;
  }
  throw new Error('pagination did not end');
}

let redisServer: RedisServer;
let idp: DevIdp;
let gateway: TestGateway;
let index: AuditIndex;
const tokens = { resident: '', regulator: '' };

beforeAll(async () => {
  redisServer = await startRedisServer();
  idp = await startDevIdp();
  const identities = makeIdentities();
  const deadPort = await freePort();
  gateway = await buildGateway({
    REDIS_URL: redisServer.url,
    REDIS_KEY_PREFIX: 'audit-itest:',
    OIDC_ISSUER: idp.issuer,
    PSEUDONYM_SECRET: 'audit-integration-secret-audit-integration',
    RATE_LIMIT_IP_PER_SEC: '100000',
    RATE_LIMIT_RESIDENT_PER_MIN: '100000',
    FABRIC_PEERS: `ITDeptMSP=127.0.0.1:${deadPort},RegulatorMSP=127.0.0.1:${deadPort}`,
    FABRIC_IDENTITY_CERTS: identities.certs,
    FABRIC_IDENTITY_KEYS: identities.keys,
    FABRIC_EVALUATE_TIMEOUT_MS: '1000',
  });
  index = createAuditIndex(gateway.redis);
  tokens.resident = await devToken(idp.issuer, { sub: 'alice' });
  tokens.regulator = await devToken(idp.issuer, { sub: 'rita', roles: ['regulator'] });
});

afterAll(async () => {
  await gateway.close();
  await idp.stop();
  await redisServer.stop();
});

describe('the audit index', () => {
  it('advances the checkpoint with each block it writes', async () => {
    expect(await index.checkpoint()).toBeUndefined();
    for (const [number, bytes] of blocks.entries()) {
      await index.addBlock(decoded(bytes));
      expect(await index.checkpoint()).toBe(number);
    }
  });

  it('adds nothing when a block is replayed, and never moves the checkpoint back', async () => {
    const before = await Promise.all([
      gateway.redis.hgetall('audit:events'),
      gateway.redis.zrange('audit:order', 0, -1, 'WITHSCORES'),
      gateway.redis.zrange(`audit:poll:${poll1}`, 0, -1, 'WITHSCORES'),
    ]);
    for (const bytes of blocks) await index.addBlock(decoded(bytes));
    await index.addBlock(decoded(blocks[2]!));
    const after = await Promise.all([
      gateway.redis.hgetall('audit:events'),
      gateway.redis.zrange('audit:order', 0, -1, 'WITHSCORES'),
      gateway.redis.zrange(`audit:poll:${poll1}`, 0, -1, 'WITHSCORES'),
    ]);
    expect(after).toEqual(before);
    expect(await index.checkpoint()).toBe(blocks.length - 1);
  });

  it('keeps the first of two envelopes with one txId, as the ledger validated it', async () => {
    const { items } = await index.query({ limit: 1000 });
    const ballot = items.find((item) => item.txId === 'tx-ballot-alice');
    expect(ballot).toMatchObject({ blockNumber: 2, validationCode: 'VALID' });
  });

  it('lists every veche transaction once, valid or not, in ledger order', async () => {
    const { items, nextCursor } = await index.query({ limit: 1000 });
    expect(nextCursor).toBeUndefined();
    expect(items.map((item) => item.txId)).toEqual(ledgerOrder);
    expect(items.find((item) => item.txId === 'tx-ballot-bob')).toEqual({
      txId: 'tx-ballot-bob',
      blockNumber: 2,
      timestamp: at(22),
      validationCode: 'MVCC_READ_CONFLICT',
      mspId: 'ITDeptMSP',
      endorsers: ['ITDeptMSP', 'CivicChamberMSP'],
      action: 'BallotCast',
      actor: 'resident',
      actorId: bob,
      pollId: poll1,
      residentId: bob,
    });
  });

  it('pages with limit and cursor, every event once, in ledger order', async () => {
    for (const limit of [1, 2, 3, 7, 8, 9]) {
      expect(await allPages(index, { limit })).toEqual(ledgerOrder);
    }
    const first = await index.query({ limit: 8 });
    expect(first.nextCursor).toBeUndefined();
    const partial = await index.query({ limit: 7 });
    expect(partial.nextCursor).toEqual(expect.any(String));
  });

  it('filters by pollId', async () => {
    for (const limit of [1, 2, 100]) {
      expect(await allPages(index, { limit, pollId: poll1 })).toEqual([
        'tx-create-1',
        'tx-open-1',
        'tx-ballot-alice',
        'tx-ballot-bob',
        'tx-close-1',
      ]);
    }
    expect(await allPages(index, { limit: 1, pollId: poll2 })).toEqual([
      'tx-create-2',
      'tx-ballot-bob-2',
    ]);
    expect(await index.query({ limit: 10, pollId: 'f'.repeat(32) })).toEqual({ items: [] });
  });

  it('filters by timestamp, since inclusive and until exclusive, keeping ledger order', async () => {
    for (const limit of [1, 3, 100]) {
      expect(await allPages(index, { limit, since: at(15), until: at(30) })).toEqual([
        'tx-open-1',
        'tx-ballot-alice',
        'tx-ballot-bob',
        'tx-ballot-bob-2',
      ]);
    }
    expect(await allPages(index, { limit: 2, since: at(30) })).toEqual([
      'tx-register',
      'tx-close-1',
    ]);
    expect(await allPages(index, { limit: 2, until: at(11) })).toEqual(['tx-create-1']);
    expect(
      await allPages(index, { limit: 2, pollId: poll1, since: '2030-01-01T02:00:20+02:00' }),
    ).toEqual(['tx-open-1', 'tx-ballot-alice', 'tx-ballot-bob', 'tx-close-1']);
    expect(await index.query({ limit: 5, since: at(30), until: at(30) })).toEqual({ items: [] });
  });

  it('rejects a cursor it did not issue', async () => {
    for (const cursor of ['garbage', Buffer.from('{"after":-1}').toString('base64url'), '']) {
      await expect(index.query({ limit: 1, cursor })).rejects.toMatchObject({
        type: 'invalid-request',
      });
    }
    await expect(index.query({ limit: 1, cursor: 'x' })).rejects.toBeInstanceOf(ApiProblem);
  });

  it('stores no personal details and no field beyond AuditEvent', async () => {
    const stored = await gateway.redis.hgetall('audit:events');
    expect(Object.keys(stored).sort()).toEqual([...ledgerOrder].sort());
    for (const raw of Object.values(stored)) {
      expect(raw).not.toMatch(personalDetails);
      const record = JSON.parse(raw) as Record<string, unknown>;
      for (const key of Object.keys(record)) expect(auditEventFields.has(key)).toBe(true);
      expect(record).not.toHaveProperty('choices');
    }
    const keys = await gateway.redis.keys('audit-itest:audit:*');
    for (const key of keys) expect(key).not.toMatch(personalDetails);
  });
});

describe('the audit indexer', () => {
  /** Serves the test blocks from a start block, failing once after `failAfter` blocks. */
  function ledgerServing(failAfter: number): {
    auditBlocks(startBlock: number): Promise<AuditBlockStream>;
    starts: number[];
  } {
    const starts: number[] = [];
    let failed = false;
    return {
      starts,
      auditBlocks(startBlock: number): Promise<AuditBlockStream> {
        starts.push(startBlock);
        let closed = false;
        let wake: (() => void) | undefined;
        return Promise.resolve({
          close(): void {
            closed = true;
            wake?.();
          },
          async *[Symbol.asyncIterator](): AsyncIterator<AuditBlock> {
            for (let number = startBlock; number < blocks.length && !closed; number += 1) {
              if (!failed && number === failAfter) {
                failed = true;
                throw new Error('stream broke');
              }
              yield decoded(blocks[number]!);
            }
            // Like a live peer: no more blocks until closed.
            if (!closed)
              await new Promise<void>((resolve) => {
                wake = resolve;
              });
          },
        });
      },
    };
  }

  let client: Redis;
  beforeAll(async () => {
    client = createRedisClient(
      { url: redisServer.url, keyPrefix: 'indexer-itest:', commandTimeoutMs: 2000 },
      pino({ level: 'silent' }),
    );
    await waitForRedis(client, 5000);
  });
  afterAll(() => {
    client.disconnect();
  });

  it('indexes from checkpoint + 1, resumes after a stream failure, and stops', async () => {
    const target = createAuditIndex(client);
    await target.addBlock(decoded(blocks[0]!));
    const ledger = ledgerServing(3);
    const indexer = startAuditIndexer({
      ledger,
      index: target,
      liveCounts: createLiveCounts(client),
      logger: pino({ level: 'silent' }),
      initialBackoffMs: 10,
      maxBackoffMs: 50,
    });
    const deadline = Date.now() + 10_000;
    while ((await target.checkpoint()) !== blocks.length - 1 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await indexer.stop();
    expect(ledger.starts).toEqual([1, 3]);
    expect(await target.checkpoint()).toBe(blocks.length - 1);
    const listed: AuditEvent[] = (await target.query({ limit: 1000 })).items;
    expect(listed.map((item) => item.txId)).toEqual(ledgerOrder);
  });
});

describe('GET /api/v1/audit/events', () => {
  function bearer(token: string): Record<string, string> {
    return { authorization: `Bearer ${token}` };
  }

  it('answers a regulator from the index while the ledger is unreachable', async () => {
    const response = await request(gateway.app)
      .get('/api/v1/audit/events')
      .set(bearer(tokens.regulator))
      .expect(200);
    const body = response.body as AuditEventList;
    expect(body.nextCursor).toBeUndefined();
    expect(body.items.map((item) => item.txId)).toEqual(ledgerOrder);
    expect(body.items[0]).toEqual({
      txId: 'tx-create-1',
      blockNumber: 1,
      timestamp: at(10),
      validationCode: 'VALID',
      mspId: 'ITDeptMSP',
      endorsers: ['ITDeptMSP', 'CivicChamberMSP'],
      action: 'PollCreated',
      actor: 'official',
      actorId: olga,
      pollId: poll1,
    });
    expect(JSON.stringify(body)).not.toMatch(personalDetails);
  });

  it('applies pollId, since, until, limit and cursor from the query', async () => {
    const txIds: string[] = [];
    let cursor: string | undefined;
    do {
      const response = await request(gateway.app)
        .get('/api/v1/audit/events')
        .query({
          pollId: poll1,
          since: at(20),
          limit: 2,
          ...(cursor === undefined ? {} : { cursor }),
        })
        .set(bearer(tokens.regulator))
        .expect(200);
      const body = response.body as AuditEventList;
      txIds.push(...body.items.map((item) => item.txId));
      cursor = body.nextCursor;
    } while (cursor !== undefined);
    expect(txIds).toEqual(['tx-open-1', 'tx-ballot-alice', 'tx-ballot-bob', 'tx-close-1']);
  });

  it('is for regulators only', async () => {
    await request(gateway.app).get('/api/v1/audit/events').expect(401);
    const response = await request(gateway.app)
      .get('/api/v1/audit/events')
      .set(bearer(tokens.resident))
      .expect(403);
    expect(response.body).toMatchObject({ type: 'forbidden', status: 403 });
  });

  it('answers 400 for a bad limit, since, until or cursor', async () => {
    for (const [query, path] of [
      ['limit=0', '/query/limit'],
      ['limit=1001', '/query/limit'],
      ['limit=ten', '/query/limit'],
      ['since=yesterday', '/query/since'],
      ['until=2030-13-01T00:00:00Z', '/query/until'],
      ['cursor=not-a-cursor', '/query/cursor'],
    ] as const) {
      const response = await request(gateway.app)
        .get(`/api/v1/audit/events?${query}`)
        .set(bearer(tokens.regulator))
        .expect(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({
        type: 'invalid-request',
        errors: expect.arrayContaining([expect.objectContaining({ path })]) as unknown,
      });
    }
  });
});
