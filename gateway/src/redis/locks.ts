import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ApiProblem } from '../services/problems.js';
import type { Locks } from '../services/ports.js';
import { redisUnavailable } from './errors.js';

const release = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Per-key mutual exclusion across gateway processes (one ballot per resident and poll at a
 * time, so a double click does not become two endorsements racing into an MVCC conflict).
 * The TTL outlives the slowest commit, so a crashed holder cannot block for ever.
 */
export function createLocks(redis: Redis, options: { ttlMs: number; waitMs: number }): Locks {
  return {
    async withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
      const key = `lock:${name}`;
      const token = randomUUID();
      const deadline = Date.now() + options.waitMs;
      for (;;) {
        const taken = await redis
          .set(key, token, 'PX', options.ttlMs, 'NX')
          .catch((error: unknown) => {
            throw redisUnavailable(error);
          });
        if (taken === 'OK') break;
        if (Date.now() > deadline) {
          throw new ApiProblem(
            'unavailable',
            'Another request of this caller on this resource is in progress; retry.',
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      try {
        return await work();
      } finally {
        await redis.eval(release, 1, key, token).catch(() => undefined);
      }
    },
  };
}
