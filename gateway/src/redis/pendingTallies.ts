import type { Redis } from 'ioredis';
import type { PendingTallies } from '../services/ports.js';
import { redisUnavailable } from './errors.js';

const key = 'tally:pending';

/** A hash of pollId → department: as many entries as polls being closed right now. */
export function createPendingTallies(redis: Redis): PendingTallies {
  const fail = (error: unknown): never => {
    throw redisUnavailable(error);
  };
  return {
    async add(pollId, department): Promise<void> {
      await redis.hset(key, pollId, department).catch(fail);
    },
    async remove(pollId): Promise<void> {
      await redis.hdel(key, pollId).catch(fail);
    },
    async list(): Promise<{ pollId: string; department: string }[]> {
      const entries = await redis.hgetall(key).catch(fail);
      return Object.entries(entries).map(([pollId, department]) => ({ pollId, department }));
    },
  };
}
