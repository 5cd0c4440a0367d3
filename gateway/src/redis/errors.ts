import { ApiProblem } from '../services/problems.js';

/**
 * A failed Redis command means the store is down. Said without "nothing was recorded": reads
 * fail here too, and a write that failed here never reached the ledger anyway.
 */
export function redisUnavailable(error: unknown): ApiProblem {
  if (error instanceof ApiProblem) return error;
  return new ApiProblem('unavailable', 'The gateway\u2019s store is unreachable. Retry later.');
}
