import {
  CHAINCODE_ERROR_CODES,
  chaincodeErrorCodeIn,
  type ChaincodeErrorCode,
} from '@veche/common';
import { ApiProblem } from './problems.js';

/** The codes the chaincode puts before the colon of its error messages. */
export const chaincodeCodes = CHAINCODE_ERROR_CODES;
export type ChaincodeCode = ChaincodeErrorCode;

export type LedgerFailure =
  /** The chaincode refused the call with a coded error. */
  | { readonly kind: 'chaincode'; readonly code: ChaincodeCode }
  /**
   * No peer answered or the call could not be completed. `write` when it was a write that never
   * reached submit (nothing was recorded); a read changes nothing, so it says nothing of that.
   */
  | { readonly kind: 'unavailable'; readonly write?: boolean }
  /** Endorsed and handed to submit; whether it was ordered and committed is not yet known. */
  | { readonly kind: 'commit-pending'; readonly txId: string }
  /** Committed but invalidated by the peers (MVCC_READ_CONFLICT and friends). */
  | { readonly kind: 'invalid'; readonly txId: string; readonly validationCode: string };

/** What the ledger's client reported, kept for the log (never for a response body). */
export interface LedgerErrorCause {
  /** The client error's class, e.g. `CommitStatusError`. */
  readonly class: string;
  readonly message: string;
  /** The gRPC status name, e.g. `DEADLINE_EXCEEDED`. */
  readonly grpcCode?: string;
  /** One line per node that answered: MSP, address, its message. */
  readonly details?: readonly string[];
}

/** What the ledger port throws. Adapters translate their client's errors into this. */
export class LedgerError extends Error {
  constructor(
    readonly failure: LedgerFailure,
    /** The client's own error, for the log. */
    readonly ledgerCause?: LedgerErrorCause,
  ) {
    super(`ledger: ${failure.kind}${failure.kind === 'chaincode' ? ` ${failure.code}` : ''}`);
    this.name = 'LedgerError';
  }
}

/**
 * A write that was submitted and whose outcome is not yet known, whether the ledger port said so
 * or a service already turned it into the API problem.
 */
export function isCommitPending(error: unknown): boolean {
  return (
    (error instanceof LedgerError && error.failure.kind === 'commit-pending') ||
    (error instanceof ApiProblem && error.type === 'commit-pending')
  );
}

/**
 * Finds the chaincode's `<CODE>: message` inside whatever text a Fabric client wraps it in; the
 * format is fixed in @veche/common, next to the code that writes it.
 */
export function parseChaincodeCode(message: string): ChaincodeCode | undefined {
  return chaincodeErrorCodeIn(message);
}

/**
 * The single mapping from ledger failures to API problems. The detail is ours, not the
 * chaincode's, so no internal message reaches a client.
 */
export function problemForLedgerFailure(failure: LedgerFailure): ApiProblem {
  switch (failure.kind) {
    case 'unavailable':
      return new ApiProblem(
        'unavailable',
        failure.write === true
          ? 'The ledger is unreachable; nothing was recorded. Retry later.'
          : 'The ledger is unreachable. Retry later.',
      );
    case 'commit-pending':
      return new ApiProblem(
        'commit-pending',
        'The transaction was submitted and its outcome is not yet known; retry with the same Idempotency-Key or check the receipt.',
        { txId: failure.txId },
      );
    case 'invalid':
      return new ApiProblem(
        'invalid-state',
        'The ledger rejected the transaction; nothing was recorded.',
        {
          txId: failure.txId,
        },
      );
    case 'chaincode':
      return problemForChaincodeCode(failure.code);
  }
}

function problemForChaincodeCode(code: ChaincodeCode): ApiProblem {
  switch (code) {
    case 'INVALID_ARGUMENT':
      return new ApiProblem('invalid-request', 'The ledger rejected the request as not valid.', {
        errors: [{ path: '', message: 'rejected by the ledger' }],
      });
    case 'NOT_FOUND':
      return new ApiProblem('not-found', 'No such resource.');
    case 'CONFLICT':
      return new ApiProblem('invalid-state', 'The resource changed concurrently; retry.');
    case 'FORBIDDEN':
      return new ApiProblem('forbidden', 'Not allowed.');
    case 'NOT_REGISTERED':
      return new ApiProblem('not-registered', 'Register with POST /api/v1/residents/me first.');
    case 'NOT_ELIGIBLE':
      return new ApiProblem(
        'not-eligible',
        'The resident does not meet this poll\u2019s eligibility rules.',
      );
    case 'POLL_NOT_OPEN':
      return new ApiProblem('poll-not-open', 'The poll does not accept ballots now.');
    case 'ALREADY_VOTED':
      return new ApiProblem('already-voted', 'This poll does not allow a second ballot.');
    case 'INVALID_STATE':
      return new ApiProblem('invalid-state', 'The poll is not in a state that allows this.');
    case 'TALLY_PENDING':
      return new ApiProblem('tally-pending', 'The final tally is not yet recorded.');
    case 'CLOCK_SKEW':
      // An endorser found the gateway's transaction time too far from its own clock: the
      // gateway's fault, not the caller's, and nothing was written.
      return new ApiProblem(
        'unavailable',
        'The ledger refused the transaction time; nothing was recorded. Retry later.',
      );
  }
}
