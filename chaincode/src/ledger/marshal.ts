import { canonicalJson } from '@veche/common';
import type { z } from 'zod';
import { fail } from '../errors';

// One canonical JSON for the chaincode's writes and the gateway's comparisons: every endorser
// must produce byte-identical write sets, so nothing is written through JSON.stringify.
export { canonicalJson };

/** The one way state, private data, events and responses are serialised. */
export function marshal(value: unknown): Uint8Array {
  return Buffer.from(canonicalJson(value), 'utf8');
}

/**
 * Parses bytes read from the ledger. Stored data was validated when written, so a failure here
 * means the ledger holds something this chaincode did not write: INVALID_STATE, not the caller's
 * fault.
 */
export function unmarshal<T extends z.ZodType>(
  bytes: Uint8Array,
  schema: T,
  what: string,
): z.output<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return fail('INVALID_STATE', `stored ${what} is not JSON`);
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    fail('INVALID_STATE', `stored ${what} does not match its schema`);
  }
  return result.data;
}
