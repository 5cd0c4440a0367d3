import { pollIdSchema, txIdSchema } from '@veche/common';
import { ApiProblem } from './problems.js';

/**
 * API.md: a path ID that names no resource answers 404, whatever its form. The chaincode
 * refuses a poll ID of another form as an invalid argument (a 400), so such an ID never goes
 * to the ledger.
 */
export function requirePollIdForm(pollId: string): void {
  if (!pollIdSchema.safeParse(pollId).success) throw new ApiProblem('not-found', 'No such poll.');
}

/** The same for a transaction ID: the ledger names every transaction with 64 hex digits. */
export function requireTxIdForm(txId: string): void {
  if (!txIdSchema.safeParse(txId).success)
    throw new ApiProblem('not-found', 'The ledger holds no ballot transaction with this ID.');
}
