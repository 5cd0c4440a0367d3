import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { createRedisClient, waitForRedis } from '../../../gateway/src/redis/client.js';
import {
  createIdempotencyRecords,
  type IdempotencyRecords,
  type OwnedRecord,
  type RecordClaim,
} from '../../../gateway/src/redis/idempotency.js';
import { startRedisServer, type RedisServer } from '../../helpers/redisServer.js';

const scope = 'resident|castBallot|/api/v1/polls/p1/ballots';
const hash = 'h'.repeat(64);

function owned(claim: RecordClaim): OwnedRecord {
  if (claim.kind !== 'claimed' && claim.kind !== 'orphaned')
    throw new Error(`expected to own the record, got ${claim.kind}`);
  return claim.record;
}

/** A PreparedWrite whose transaction bytes name it, as the Fabric adapter's would. */
const prepared = (txId: string) => ({ txId, transaction: Buffer.from(`endorsed ${txId}`) });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('idempotency records in Redis', () => {
  let server: RedisServer;
  let client: Redis;
  let records: IdempotencyRecords;
  /** Leases short enough to lapse within a test, as when the owner's process died. */
  let lapsing: IdempotencyRecords;

  beforeAll(async () => {
    server = await startRedisServer();
    client = createRedisClient(
      { url: server.url, keyPrefix: 'idem-itest:', commandTimeoutMs: 2000 },
      pino({ level: 'silent' }),
    );
    await waitForRedis(client, 5000);
    records = createIdempotencyRecords(client, {
      ttlSeconds: 90000,
      pendingTtlSeconds: 120,
      leaseMs: 60000,
    });
    lapsing = createIdempotencyRecords(client, {
      ttlSeconds: 90000,
      pendingTtlSeconds: 120,
      leaseMs: 150,
    });
  });

  afterAll(async () => {
    client.disconnect();
    await server.stop();
  });

  it('claims a new key once; replays see it busy, then complete; another body conflicts', async () => {
    const first = owned(await records.claim(scope, 'k1', hash));
    await expect(records.claim(scope, 'k1', hash)).resolves.toEqual({ kind: 'busy' });
    await first.notePrepared(prepared('tx-1'));
    await expect(records.claim(scope, 'k1', hash)).resolves.toEqual({ kind: 'busy', txId: 'tx-1' });
    await first.complete({ status: 201, body: { txId: 'tx-1', choices: [] } });
    await expect(records.claim(scope, 'k1', hash)).resolves.toEqual({
      kind: 'complete',
      response: { status: 201, body: { txId: 'tx-1', choices: [] } },
    });
    await expect(records.claim(scope, 'k1', 'x'.repeat(64))).resolves.toEqual({
      kind: 'conflict',
    });
    const [key] = await client.keys('idem-itest:idem:*');
    expect(await client.ttl(key!.slice('idem-itest:'.length))).toBeGreaterThan(24 * 60 * 60);
  });

  it('frees an abandoned key for a retry', async () => {
    await owned(await records.claim(scope, 'k2', hash)).abandon();
    expect((await records.claim(scope, 'k2', hash)).kind).toBe('claimed');
  });

  it('hands a released record with a txId to exactly one of two racing replays', async () => {
    const first = owned(await records.claim(scope, 'k3', hash));
    await first.notePrepared(prepared('tx-3'));
    await first.release();
    const racing = await Promise.all([
      records.claim(scope, 'k3', hash),
      records.claim(scope, 'k3', hash),
    ]);
    expect(racing.map((claim) => claim.kind).sort()).toEqual(['busy', 'orphaned']);
    expect(racing.find((claim) => claim.kind === 'orphaned')).toMatchObject({ txId: 'tx-3' });
  });

  it('takes over a record whose owner died after noting its txId, exactly once, once the lease lapses', async () => {
    const dead = owned(await lapsing.claim(scope, 'k4', hash));
    await dead.notePrepared(prepared('tx-4'));
    await expect(lapsing.claim(scope, 'k4', hash)).resolves.toEqual({ kind: 'busy', txId: 'tx-4' });
    await sleep(250);
    const racing = await Promise.all(
      Array.from({ length: 5 }, () => lapsing.claim(scope, 'k4', hash)),
    );
    expect(racing.filter((claim) => claim.kind === 'orphaned')).toHaveLength(1);
    expect(racing.filter((claim) => claim.kind === 'busy')).toHaveLength(4);

    // The dead owner, should it wake, can no longer change the record.
    await expect(dead.notePrepared(prepared('tx-late'))).rejects.toMatchObject({
      type: 'unavailable',
    });
    await dead.complete({ status: 201, body: 'stale' });
    await dead.abandon();
    const taker = owned(racing.find((claim) => claim.kind === 'orphaned')!);
    await taker.complete({ status: 201, body: 'fresh' });
    await expect(lapsing.claim(scope, 'k4', hash)).resolves.toEqual({
      kind: 'complete',
      response: { status: 201, body: 'fresh' },
    });
  });

  it('takes over the records of a gateway process whose heartbeat stopped, long before their lease lapses', async () => {
    // Two gateway processes sharing Redis, with leases of a minute: the first is killed (its
    // heartbeat stops) after noting its txId; the second sees that within a few heartbeats.
    const options = { ttlSeconds: 90000, pendingTtlSeconds: 120, leaseMs: 60000, heartbeatMs: 100 };
    const killed = createIdempotencyRecords(client, options);
    const survivor = createIdempotencyRecords(client, options);
    try {
      await sleep(50);
      const dying = owned(await killed.claim(scope, 'k9', hash));
      await dying.notePrepared(prepared('tx-9'));
      await expect(survivor.claim(scope, 'k9', hash)).resolves.toEqual({
        kind: 'busy',
        txId: 'tx-9',
      });
      killed.close?.();
      await sleep(600);
      const taken = await survivor.claim(scope, 'k9', hash);
      expect(taken.kind).toBe('orphaned');
      // The survivor's own record stays its own while its heartbeat runs.
      const mine = owned(await survivor.claim(scope, 'k10', hash));
      await mine.notePrepared(prepared('tx-10'));
      await sleep(600);
      await expect(survivor.claim(scope, 'k10', hash)).resolves.toEqual({
        kind: 'busy',
        txId: 'tx-10',
      });
    } finally {
      killed.close?.();
      survivor.close?.();
    }
  });

  it('frees the record of a request that ended while Redis was unreachable, once Redis answers again', async () => {
    // The owner's process lives on (its lease runs a minute) but lost Redis when its request
    // ended: the record must not stay busy for the rest of the lease.
    const own = createRedisClient(
      { url: server.url, keyPrefix: 'idem-itest:', commandTimeoutMs: 500 },
      pino({ level: 'silent' }),
    );
    await waitForRedis(own, 5000);
    const cut = createIdempotencyRecords(own, {
      ttlSeconds: 90000,
      pendingTtlSeconds: 120,
      leaseMs: 60000,
      heartbeatMs: 100,
    });
    try {
      const record = owned(await cut.claim(scope, 'k11', hash));
      // Cut off, then reconnecting at once: the abandon is refused before the link is back.
      own.disconnect(true);
      await expect(record.abandon()).rejects.toMatchObject({ type: 'unavailable' });
      await expect(records.claim(scope, 'k11', hash)).resolves.toEqual({ kind: 'busy' });
      await waitForRedis(own, 5000);
      await sleep(600);
      await expect(records.claim(scope, 'k11', hash)).resolves.toMatchObject({ kind: 'claimed' });
    } finally {
      cut.close?.();
      own.disconnect();
    }
  });

  it('gives the replay that takes over a record the very transaction its owner endorsed, and drops it once answered', async () => {
    const dead = owned(await lapsing.claim(scope, 'k12', hash));
    const transaction = Uint8Array.from({ length: 6000 }, (_, i) => (i * 7) % 256);
    await dead.notePrepared({ txId: 'tx-12', transaction });
    await sleep(250);
    const taken = await lapsing.claim(scope, 'k12', hash);
    expect(taken).toMatchObject({ kind: 'orphaned', txId: 'tx-12' });
    const handed = (taken.kind === 'orphaned' ? taken.transaction : undefined) ?? new Uint8Array();
    expect(Buffer.from(handed).equals(Buffer.from(transaction))).toBe(true);

    await owned(taken).complete({ status: 201, body: { txId: 'tx-12' } });
    const stored = await client.get(
      `idem:${createHash('sha256').update(`${scope}\nk12`).digest('hex')}`,
    );
    expect(JSON.parse(stored!)).toEqual({
      state: 'complete',
      bodyHash: hash,
      response: { status: 201, body: { txId: 'tx-12' } },
    });
  });

  it('gives the replay no transaction for a record noted before records kept one', async () => {
    const legacy = {
      state: 'pending',
      bodyHash: hash,
      owner: 'gone',
      leaseUntil: 0,
      txId: 'tx-13',
    };
    await client.set(
      `idem:${createHash('sha256').update(`${scope}\nk13`).digest('hex')}`,
      JSON.stringify(legacy),
      'EX',
      600,
    );
    const taken = await records.claim(scope, 'k13', hash);
    expect(taken).toMatchObject({ kind: 'orphaned', txId: 'tx-13' });
    expect(taken).not.toHaveProperty('transaction');
  });

  it('claims afresh a lapsed record that never had a txId, or whose txId was forgotten', async () => {
    owned(await lapsing.claim(scope, 'k5', hash));
    await sleep(250);
    const second = owned(await lapsing.claim(scope, 'k5', hash));
    expect((await lapsing.claim(scope, 'k5', hash)).kind).toBe('busy');
    await second.notePrepared(prepared('tx-invalid'));
    await second.forgetPrepared();
    await expect(lapsing.claim(scope, 'k5', hash)).resolves.toEqual({ kind: 'busy' });
    await sleep(250);
    expect((await lapsing.claim(scope, 'k5', hash)).kind).toBe('claimed');
  });

  it('keeps a record without a txId only for the pending TTL', async () => {
    owned(await records.claim(scope, 'k6', hash));
    const ttls = await Promise.all(
      (await client.keys('idem-itest:idem:*')).map((key) =>
        client.ttl(key.slice('idem-itest:'.length)),
      ),
    );
    expect(ttls.some((ttl) => ttl > 0 && ttl <= 120)).toBe(true);
  });
});
