import type { Redis } from 'ioredis';
import type { LiveCounts } from '../services/ports.js';
import { redisUnavailable } from './errors.js';

const totalField = '__total';

/** Counts in one hash per poll; a re-vote moves the caller's counts in one MULTI. */
export function createLiveCounts(redis: Redis): LiveCounts {
  return {
    async record(pollId, choices, previous): Promise<void> {
      const key = `live:${pollId}`;
      const multi = redis.multi();
      if (previous === undefined) multi.hincrby(key, totalField, 1);
      for (const choice of previous ?? []) multi.hincrby(key, `o:${choice}`, -1);
      for (const choice of choices) multi.hincrby(key, `o:${choice}`, 1);
      await multi.exec().catch((error: unknown) => {
        throw redisUnavailable(error);
      });
    },
    async read(pollId): Promise<{ total: number; counts: Record<string, number> }> {
      const hash = await redis.hgetall(`live:${pollId}`).catch((error: unknown) => {
        throw redisUnavailable(error);
      });
      const counts: Record<string, number> = {};
      let total = 0;
      for (const [field, value] of Object.entries(hash)) {
        if (field === totalField) total = Number(value);
        else if (field.startsWith('o:')) counts[field.slice(2)] = Number(value);
      }
      return { total, counts };
    },
  };
}
