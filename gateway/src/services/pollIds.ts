import { pollIdSchema } from '@veche/common';
import { ApiProblem } from './problems.js';

/**
 * API.md: a path ID that names no resource answers 404, whatever its form. The chaincode
 * refuses a poll ID of another form as an invalid argument (a 400), so such an ID never goes
 * to the ledger.
 */
export function requirePollIdForm(pollId: string): void {
  if (!pollIdSchema.safeParse(pollId).success) throw new ApiProblem('not-found', 'No such poll.');
}
