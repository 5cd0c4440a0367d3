import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { createRedisClient, waitForRedis } from '../../../gateway/src/redis/client.js';
import { createLiveCounts } from '../../../gateway/src/redis/liveCounts.js';
import type { LiveCounts } from '../../../gateway/src/services/ports.js';
import { startRedisServer, type RedisServer } from '../../helpers/redisServer.js';

const pollId = 'f'.repeat(32);
const resident = (n: number): string => n.toString(16).padStart(64, '0');

describe('live counts in Redis', () => {
  let server: RedisServer;
  let client: Redis;
  let counts: LiveCounts;
  let prefix = 0;

  beforeAll(async () => {
    server = await startRedisServer();
  });

  beforeEach(async () => {
    prefix += 1;
    client = createRedisClient(
      { url: server.url, keyPrefix: `live-itest-${prefix}:`, commandTimeoutMs: 2000 },
      pino({ level: 'silent' }),
    );
    await waitForRedis(client, 5000);
    counts = createLiveCounts(client);
  });

  afterEach(() => {
    client.disconnect();
  });

  afterAll(async () => {
    await server.stop();
  });

  it('counts a ballot once when the request path and the block listener both apply it', async () => {
    const ballot = { pollId, residentId: resident(1), revision: 1, choices: ['park'] };
    await counts.apply(ballot);
    await counts.apply(ballot);
    expect(await counts.read(pollId)).toEqual({ total: 1, counts: new Map([['park', 1]]) });
  });

  it('moves a re-vote to its new choices and ignores an older revision arriving late', async () => {
    const residentId = resident(2);
    await counts.apply({ pollId, residentId, revision: 1, choices: ['park', 'yard'] });
    await counts.apply({ pollId, residentId, revision: 2, choices: ['square'] });
    await counts.apply({ pollId, residentId, revision: 1, choices: ['park', 'yard'] });
    expect(await counts.read(pollId)).toEqual({
      total: 1,
      counts: new Map([
        ['park', 0],
        ['yard', 0],
        ['square', 1],
      ]),
    });
  });

  it('sums many residents applied concurrently, each twice, to one count per resident', async () => {
    const ballots = Array.from({ length: 200 }, (_, n) => ({
      pollId,
      residentId: resident(1000 + n),
      revision: 1,
      choices: [n % 3 === 0 ? 'park' : 'yard'],
    }));
    await Promise.all([...ballots, ...ballots.reverse()].map((ballot) => counts.apply(ballot)));
    expect(await counts.read(pollId)).toEqual({
      total: 200,
      counts: new Map([
        ['park', 67],
        ['yard', 133],
      ]),
    });
  });

  it('keeps polls apart', async () => {
    await counts.apply({ pollId, residentId: resident(3), revision: 1, choices: ['park'] });
    expect(await counts.read('e'.repeat(32))).toEqual({ total: 0, counts: new Map() });
  });
});
