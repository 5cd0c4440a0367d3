import { z } from 'zod';
import { pollIdSchema, residentIdSchema } from '../domain/ids';
import { parseJson, parseWith } from '../domain/parse';
import { POLL_STATUSES } from '../domain/poll';
import { MAX_SHARD_COUNT } from '../domain/shard';
import { MAX_CHUNK_SIZE } from '../domain/tally';

/** Transaction arguments arrive as strings; these turn them into typed values or INVALID_ARGUMENT. */
function decimal(min: number, max: number): z.ZodType<number, string> {
  return z
    .string()
    .regex(/^(0|[1-9]\d{0,8})$/, 'must be a decimal integer')
    .transform(Number)
    .pipe(z.int().min(min).max(max));
}

export const argSchemas = {
  pollId: pollIdSchema,
  residentId: residentIdSchema,
  officialId: residentIdSchema,
  status: z.union([z.literal(''), z.enum(POLL_STATUSES)]),
  limit: decimal(1, 100),
  cursor: z.string().regex(/^[A-Za-z0-9_-]{0,1024}$/, 'must be a cursor from ListPolls'),
  shard: decimal(0, MAX_SHARD_COUNT - 1),
  chunkSize: decimal(1, MAX_CHUNK_SIZE),
} as const;

export function parseArg<K extends keyof typeof argSchemas>(
  name: K,
  value: string,
): z.output<(typeof argSchemas)[K]> {
  // TypeScript cannot follow the key through the union of schemas; the lookup is by that key.
  return parseWith(argSchemas[name], value, name) as z.output<(typeof argSchemas)[K]>;
}

/** A JSON argument: malformed text and a wrong shape are both INVALID_ARGUMENT. */
export function parseJsonArg<T extends z.ZodType>(
  schema: T,
  text: string,
  name: string,
): z.output<T> {
  return parseWith(schema, parseJson(text, name), name);
}
