import type { z } from 'zod';
import { fail } from '../errors';

function canonical(value: unknown): string | undefined {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
    return undefined;
  }
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError('cannot store a non-finite number');
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item: unknown) => canonical(item) ?? 'null').join(',')}]`;
  }
  const fields = Object.keys(value)
    .sort()
    .flatMap((key) => {
      const text = canonical((value as Record<string, unknown>)[key]);
      return text === undefined ? [] : [`${JSON.stringify(key)}:${text}`];
    });
  return `{${fields.join(',')}}`;
}

/**
 * JSON with object keys sorted at every level. Every endorser must produce byte-identical
 * write sets, and JavaScript's own key order depends on insertion order (and puts integer-like
 * keys, such as an option called "1", first), so nothing is written through JSON.stringify.
 */
export function canonicalJson(value: unknown): string {
  const text = canonical(value);
  if (text === undefined) {
    throw new TypeError('cannot serialise undefined');
  }
  return text;
}

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
