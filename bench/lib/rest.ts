// The two REST calls the benchmarks make: a POST with a fresh Idempotency-Key, and a check of
// its status that keeps the body's first characters for the error.
import { randomUUID } from 'node:crypto';

export async function post(url: string, token: string, body?: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      'idempotency-key': randomUUID(),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

export async function expectStatus(
  response: Response,
  statuses: number[],
  what: string,
): Promise<unknown> {
  const text = await response.text();
  if (!statuses.includes(response.status))
    throw new Error(`${what}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}
