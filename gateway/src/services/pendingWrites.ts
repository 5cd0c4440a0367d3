import type { Ledger, LedgerTransaction } from './ledger.js';

/**
 * What the ledger says about a write whose request is no longer around to tell: the first
 * request with an Idempotency-Key answered 503 commit-pending, or its process died after it
 * had a transaction ID.
 */
export type PendingWrite<T> =
  /** Committed VALID: `value` is what the first request would have answered. */
  | { readonly kind: 'committed'; readonly value: T }
  /** Committed but invalidated: nothing was recorded, so the write may be submitted again. */
  | { readonly kind: 'invalid' }
  /** Not on the ledger (yet): the outcome is still unknown. */
  | { readonly kind: 'unknown' };

/**
 * Looks the transaction up on the regulator's peer and, when it is VALID, rebuilds the first
 * request's answer from it with `valueOf`.
 */
export async function pendingWrite<T>(
  ledger: Ledger,
  txId: string,
  valueOf: (tx: LedgerTransaction) => Promise<T>,
): Promise<PendingWrite<T>> {
  const tx = await ledger.getTransaction(txId);
  if (tx === undefined) return { kind: 'unknown' };
  if (tx.validationCode !== 'VALID') return { kind: 'invalid' };
  return { kind: 'committed', value: await valueOf(tx) };
}
