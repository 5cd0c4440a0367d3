import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ApiProblem } from '../services/problems.js';
import { redisUnavailable } from './errors.js';

export interface StoredResponse {
  readonly status: number;
  readonly body: unknown;
}

type IdempotencyRecord =
  | {
      readonly state: 'pending';
      readonly bodyHash: string;
      readonly owner: string;
      readonly txId?: string;
    }
  | { readonly state: 'complete'; readonly bodyHash: string; readonly response: StoredResponse };

export type Claim =
  /** First use of the key: run the request, then `complete` or `abandon`. */
  | { readonly kind: 'claimed'; readonly record: ClaimedRecord }
  /** A finished earlier request with the same key and body. */
  | { readonly kind: 'replay'; readonly response: StoredResponse };

export interface ClaimedRecord {
  setTxId(txId: string): Promise<void>;
  /** Stores the answer for replays. */
  complete(response: StoredResponse): Promise<void>;
  /** Forgets the key, so a retry runs again (nothing was recorded, or the commit was INVALID). */
  abandon(): Promise<void>;
}

export interface IdempotencyStore {
  claim(scope: string, key: string, body: unknown): Promise<Claim>;
}

/** Canonical JSON: object keys sorted, arrays in order, so `{a,b}` and `{b,a}` hash alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value === undefined ? null : value);
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Idempotency records in Redis. A record lives `ttlSeconds` (API.md asks for at least 24 h).
 * A replay while the first request is still pending polls for up to `waitMs`, then answers
 * 503 commit-pending with the first request's txId once it has one.
 */
export function createIdempotencyStore(
  redis: Redis,
  options: { ttlSeconds: number; waitMs: number; pendingTtlSeconds: number },
): IdempotencyStore {
  async function read(redisKey: string): Promise<IdempotencyRecord | undefined> {
    const raw = await redis.get(redisKey);
    return raw === null ? undefined : (JSON.parse(raw) as IdempotencyRecord);
  }

  async function claimOnce(redisKey: string, bodyHash: string): Promise<Claim | IdempotencyRecord> {
    const owner = randomUUID();
    const pending: IdempotencyRecord = { state: 'pending', bodyHash, owner };
    const taken = await redis.set(
      redisKey,
      JSON.stringify(pending),
      'EX',
      options.pendingTtlSeconds,
      'NX',
    );
    if (taken === 'OK') {
      const record: ClaimedRecord = {
        async setTxId(txId: string): Promise<void> {
          await redis.set(redisKey, JSON.stringify({ ...pending, txId }), 'EX', options.ttlSeconds);
        },
        async complete(response: StoredResponse): Promise<void> {
          const done: IdempotencyRecord = { state: 'complete', bodyHash, response };
          await redis.set(redisKey, JSON.stringify(done), 'EX', options.ttlSeconds);
        },
        async abandon(): Promise<void> {
          await redis.del(redisKey);
        },
      };
      return { kind: 'claimed', record };
    }
    return (await read(redisKey)) ?? { state: 'pending', bodyHash, owner: '' };
  }

  return {
    async claim(scope: string, key: string, body: unknown): Promise<Claim> {
      const redisKey = `idem:${sha256(`${scope}\n${key}`)}`;
      const bodyHash = sha256(canonicalJson(body));
      const deadline = Date.now() + options.waitMs;
      try {
        for (;;) {
          const outcome = await claimOnce(redisKey, bodyHash);
          if ('kind' in outcome) return outcome;
          if (outcome.bodyHash !== bodyHash) {
            throw new ApiProblem(
              'idempotency-conflict',
              'This Idempotency-Key was used with a different body.',
            );
          }
          if (outcome.state === 'complete') return { kind: 'replay', response: outcome.response };
          if (Date.now() > deadline) {
            throw new ApiProblem(
              'commit-pending',
              'The first request with this Idempotency-Key is still in progress; retry later.',
              outcome.txId === undefined ? {} : { txId: outcome.txId },
            );
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } catch (error: unknown) {
        throw redisUnavailable(error);
      }
    },
  };
}
