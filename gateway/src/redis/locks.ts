import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ApiProblem } from '../services/problems.js';
import type { HeldLocks, Locks } from '../services/ports.js';
import { redisUnavailable } from './errors.js';

const renew = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

const release = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Per-key mutual exclusion across gateway processes (one ballot per resident and poll at a
 * time, so a double click does not become two endorsements racing into an MVCC conflict).
 * The lock is renewed every third of `ttlMs` while its work runs, so a slow commit keeps it,
 * while a holder that died (SIGKILL) or could not release it (Redis was down) blocks the next
 * request at most `ttlMs`, not the whole slowest-commit time.
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
      const renewal = setInterval(
        () => {
          void redis.eval(renew, 1, key, token, String(options.ttlMs)).catch(() => undefined);
        },
        Math.max(1, Math.floor(options.ttlMs / 3)),
      );
      try {
        return await work();
      } finally {
        clearInterval(renewal);
        await redis.eval(release, 1, key, token).catch(() => undefined);
      }
    },
  };
}

/**
 * Locks renewed every third of their TTL while the work runs, so a long tally keeps its lock and
 * a gateway that dies mid-tally frees it within `ttlMs`.
 */
export function createHeldLocks(redis: Redis, options: { ttlMs: number }): HeldLocks {
  return {
    async tryWithLock<T>(
      name: string,
      work: () => Promise<T>,
    ): Promise<{ readonly ran: true; readonly value: T } | { readonly ran: false }> {
      const key = `lock:${name}`;
      const token = randomUUID();
      const taken = await redis
        .set(key, token, 'PX', options.ttlMs, 'NX')
        .catch((error: unknown) => {
          throw redisUnavailable(error);
        });
      if (taken !== 'OK') return { ran: false };
      const renewal = setInterval(
        () => {
          void redis.eval(renew, 1, key, token, String(options.ttlMs)).catch(() => undefined);
        },
        Math.max(1, Math.floor(options.ttlMs / 3)),
      );
      try {
        return { ran: true, value: await work() };
      } finally {
        clearInterval(renewal);
        await redis.eval(release, 1, key, token).catch(() => undefined);
      }
    },
  };
}

/** A tally lock outlives a missed renewal or two; a dead holder frees it this soon. */
const tallyLockTtlMs = 30000;

/** The per-poll tally locks: one definition for the close route and the resume at start. */
export function createTallyLocks(redis: Redis): HeldLocks {
  return createHeldLocks(redis, { ttlMs: tallyLockTtlMs });
}
