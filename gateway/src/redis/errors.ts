import { ApiProblem } from '../services/problems.js';

/** A failed Redis command means the store is down: nothing was recorded, retry later. */
export function redisUnavailable(error: unknown): ApiProblem {
  if (error instanceof ApiProblem) return error;
  return new ApiProblem(
    'unavailable',
    'The gateway\u2019s store is unreachable; nothing was recorded. Retry later.',
  );
}
