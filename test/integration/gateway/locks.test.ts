import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { createRedisClient, waitForRedis } from '../../../gateway/src/redis/client.js';
import { createLocks } from '../../../gateway/src/redis/locks.js';
import { startRedisServer, type RedisServer } from '../../helpers/redisServer.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// The per-resident ballot lock on real Redis: held as long as its work runs, whatever its TTL,
// and left behind by a dead holder (or one that lost Redis) for no longer than that TTL.
describe('ballot locks in Redis', () => {
  let server: RedisServer;
  let client: Redis;

  beforeAll(async () => {
    server = await startRedisServer();
    client = createRedisClient(
      { url: server.url, keyPrefix: 'locks-itest:', commandTimeoutMs: 2000 },
      pino({ level: 'silent' }),
    );
    await waitForRedis(client, 5000);
  });

  afterAll(async () => {
    client.disconnect();
    await server.stop();
  });

  it('keeps the lock for work that outlasts its TTL, so a second request waits for the first', async () => {
    const locks = createLocks(client, { ttlMs: 300, waitMs: 5000 });
    const order: string[] = [];
    const first = locks.withLock('resident-1', async () => {
      order.push('first starts');
      await sleep(1000);
      order.push('first ends');
    });
    await sleep(50);
    const second = locks.withLock('resident-1', () => {
      order.push('second runs');
      return Promise.resolve();
    });
    await Promise.all([first, second]);
    expect(order).toEqual(['first starts', 'first ends', 'second runs']);
  });

  it('takes a lock a dead holder left behind once its TTL ran out', async () => {
    const locks = createLocks(client, { ttlMs: 300, waitMs: 5000 });
    // What a SIGKILLed holder leaves: the key with its last TTL, renewed no more.
    await client.set('lock:resident-2', 'dead-holder', 'PX', 300);
    const started = Date.now();
    await locks.withLock('resident-2', () => Promise.resolve());
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
