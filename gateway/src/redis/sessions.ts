import { RedisStore } from 'connect-redis';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ResidentSessions } from '../services/ports.js';
import { redisUnavailable } from './errors.js';

/** Session records live at `<REDIS_KEY_PREFIX>sess:<sid>` (ioredis adds the prefix). */
const sessionPrefix = 'sess:';

function indexKey(residentId: string): string {
  return `sess-of:${residentId}`;
}

/**
 * express-session's store on the process's one Redis client. Touch is disabled so a session
 * lives exactly its TTL from sign-in however busy it is; that keeps the TTL of the per-resident
 * index (refreshed at every sign-in) an upper bound of every session it lists.
 */
export function createSessionStore(redis: Redis): RedisStore {
  return new RedisStore({ client: redis, prefix: sessionPrefix, disableTouch: true });
}

export interface SessionIndex extends ResidentSessions {
  /** Records that `sessionId` belongs to the resident; throws ApiProblem unavailable. */
  add(residentId: string, sessionId: string, ttlSeconds: number): Promise<void>;
  remove(residentId: string, sessionId: string): Promise<void>;
}

/** A Redis set per residentId of its session IDs, so all of them can be ended at once. */
export function createSessionIndex(redis: Redis, logger: Logger): SessionIndex {
  return {
    async add(residentId, sessionId, ttlSeconds): Promise<void> {
      const results = await redis
        .multi()
        .sadd(indexKey(residentId), sessionId)
        .expire(indexKey(residentId), ttlSeconds)
        .exec()
        .catch((error: unknown) => {
          throw redisUnavailable(error);
        });
      const failed = results === null || results.some(([error]) => error !== null);
      if (failed) throw redisUnavailable(new Error('session index not written'));
    },
    async remove(residentId, sessionId): Promise<void> {
      await redis.srem(indexKey(residentId), sessionId).catch(() => undefined);
    },
    async endAll(residentId): Promise<void> {
      try {
        const sessionIds = await redis.smembers(indexKey(residentId));
        if (sessionIds.length === 0) return;
        // A sign-in that lands between SMEMBERS and this MULTI keeps its session: it began
        // after the purge, so it is a new sign-in, not one the purge should end.
        await redis
          .multi()
          .del(...sessionIds.map((id) => `${sessionPrefix}${id}`))
          .srem(indexKey(residentId), ...sessionIds)
          .exec();
      } catch (error: unknown) {
        logger.warn(
          { err: { message: error instanceof Error ? error.message : 'unknown' } },
          'sessions of a purged resident not ended; they end at their TTL',
        );
      }
    },
  };
}
