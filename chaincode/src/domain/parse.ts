import type { z } from 'zod';
import { fail } from '../errors';

/**
 * Turns untrusted input into a typed value or throws INVALID_ARGUMENT. The message names the
 * offending field and zod's rule, never the value itself: the value may be personal data, and
 * error messages end up in logs.
 */
export function parseWith<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) {
    return result.data;
  }
  const issue = result.error.issues[0];
  const path = issue === undefined ? '' : issue.path.map(String).join('.');
  const reason = issue === undefined ? 'is invalid' : issue.message;
  fail('INVALID_ARGUMENT', `${what}${path === '' ? '' : `.${path}`}: ${reason}`);
}

/** JSON.parse that reports malformed text as INVALID_ARGUMENT instead of a SyntaxError. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fail('INVALID_ARGUMENT', `${what} is not valid JSON`);
  }
}
