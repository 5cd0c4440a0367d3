import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { createRedisClient, waitForRedis } from '../../../gateway/src/redis/client.js';
import { createPendingTallies } from '../../../gateway/src/redis/pendingTallies.js';
import { startRedisServer, type RedisServer } from '../../helpers/redisServer.js';

describe('pending tallies in Redis', () => {
  let server: RedisServer;
  let client: Redis;

  beforeAll(async () => {
    server = await startRedisServer();
    client = createRedisClient(
      { url: server.url, keyPrefix: 'pending-itest:', commandTimeoutMs: 2000 },
      pino({ level: 'silent' }),
    );
    await waitForRedis(client, 5000);
  });

  afterAll(async () => {
    client.disconnect();
    await server.stop();
  });

  it('lists each noted poll once with its department until it is removed', async () => {
    const pending = createPendingTallies(client);
    await pending.add('a'.repeat(32), 'ITDeptMSP');
    await pending.add('b'.repeat(32), 'CivicChamberMSP');
    await pending.add('a'.repeat(32), 'ITDeptMSP');
    expect((await pending.list()).sort((x, y) => x.pollId.localeCompare(y.pollId))).toEqual([
      { pollId: 'a'.repeat(32), department: 'ITDeptMSP' },
      { pollId: 'b'.repeat(32), department: 'CivicChamberMSP' },
    ]);
    await pending.remove('a'.repeat(32));
    expect(await pending.list()).toEqual([
      { pollId: 'b'.repeat(32), department: 'CivicChamberMSP' },
    ]);
  });

  it('keeps its entries under the configured key prefix', async () => {
    expect(await client.keys('*')).toContain('pending-itest:tally:pending');
  });
});
