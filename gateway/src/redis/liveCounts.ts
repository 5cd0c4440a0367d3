import type { Redis } from 'ioredis';
import type { LiveCounts } from '../services/ports.js';
import { redisUnavailable } from './errors.js';

const totalField = '__total';

// One atomic step per ballot: compare the revision with the one counted for this resident,
// take back that ballot's choices, add the new ones. KEYS: counts hash, counted-ballots hash.
const applyBallot = `
local revision = tonumber(ARGV[2])
local stored = redis.call('HGET', KEYS[2], ARGV[1])
if stored then
  local previous = cjson.decode(stored)
  if previous.r >= revision then return 0 end
  for _, choice in ipairs(previous.c) do redis.call('HINCRBY', KEYS[1], 'o:' .. choice, -1) end
else
  redis.call('HINCRBY', KEYS[1], '${totalField}', 1)
end
local choices = cjson.decode(ARGV[3])
for _, choice in ipairs(choices) do redis.call('HINCRBY', KEYS[1], 'o:' .. choice, 1) end
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode({ r = revision, c = choices }))
return 1
`;

/**
 * Live counts of a poll in one hash, beside a hash of the ballot counted per resident (its
 * revision and choices). Never the final result: that is the tally on the ledger.
 */
export function createLiveCounts(redis: Redis): LiveCounts {
  return {
    async apply(ballot): Promise<void> {
      await redis
        .eval(
          applyBallot,
          2,
          `live:${ballot.pollId}`,
          `live-ballots:${ballot.pollId}`,
          ballot.residentId,
          String(ballot.revision),
          JSON.stringify(ballot.choices),
        )
        .catch((error: unknown) => {
          throw redisUnavailable(error);
        });
    },
    async read(pollId): Promise<{ total: number; counts: ReadonlyMap<string, number> }> {
      const hash = await redis.hgetall(`live:${pollId}`).catch((error: unknown) => {
        throw redisUnavailable(error);
      });
      const counts = new Map<string, number>();
      let total = 0;
      for (const [field, value] of Object.entries(hash)) {
        if (field === totalField) total = Number(value);
        else if (field.startsWith('o:')) counts.set(field.slice(2), Number(value));
      }
      return { total, counts };
    },
  };
}
