import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiProblem } from '../services/problems.js';

export interface RateLimits {
  /** Throws ApiProblem rate-limited when the address has no requests left in this second. */
  consumeAddress(address: string): Promise<void>;
  /** Throws ApiProblem rate-limited when the caller has no requests left in this minute. */
  consumeCaller(callerId: string): Promise<void>;
}

export function createRateLimits(
  redis: Redis,
  limits: { readonly ipPerSecond: number; readonly callerPerMinute: number },
  onRejected: (scope: 'address' | 'caller') => void,
): RateLimits {
  // The in-memory insurance keeps limits per process while Redis is down, so reads that need
  // only the ledger keep working instead of failing on the limiter.
  const address = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: 'rl:addr',
    points: limits.ipPerSecond,
    duration: 1,
    insuranceLimiter: new RateLimiterMemory({ points: limits.ipPerSecond, duration: 1 }),
  });
  const caller = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: 'rl:caller',
    points: limits.callerPerMinute,
    duration: 60,
    insuranceLimiter: new RateLimiterMemory({ points: limits.callerPerMinute, duration: 60 }),
  });

  async function consume(
    limiter: RateLimiterRedis,
    key: string,
    scope: 'address' | 'caller',
  ): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (rejection: unknown) {
      if (rejection instanceof RateLimiterRes) {
        onRejected(scope);
        throw new ApiProblem(
          'rate-limited',
          `Too many requests per ${scope === 'address' ? 'client address' : 'caller'}; retry later.`,
          {
            retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
          },
        );
      }
      throw rejection;
    }
  }

  return {
    consumeAddress: (key) => consume(address, key, 'address'),
    consumeCaller: (key) => consume(caller, key, 'caller'),
  };
}
