import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson } from '@veche/common';
import type { Redis } from 'ioredis';
import type { PreparedWrite, WriteOptions } from '../services/ledger.js';
import { isCommitPending } from '../services/ledgerErrors.js';
import type { PendingWrite } from '../services/pendingWrites.js';
import { ApiProblem } from '../services/problems.js';
import { redisUnavailable } from './errors.js';

export interface StoredResponse {
  readonly status: number;
  readonly body: unknown;
}

/** What one atomic look at a key's record found. The two taking kinds make the caller its owner. */
export type RecordClaim =
  /** A new key, or a record whose owner vanished before it had a transaction ID: run the request. */
  | { readonly kind: 'claimed'; readonly record: OwnedRecord }
  /**
   * The owner ended or vanished after it had endorsed `txId`: find out from the ledger what
   * became of it, and hand `transaction` (its PreparedWrite's) to the orderers again if need be.
   * A record noted before records kept the transaction has none.
   */
  | {
      readonly kind: 'orphaned';
      readonly txId: string;
      readonly transaction?: Uint8Array;
      readonly record: OwnedRecord;
    }
  | { readonly kind: 'complete'; readonly response: StoredResponse }
  /** A live owner is still working on it. */
  | { readonly kind: 'busy'; readonly txId?: string }
  /** The key was used with a different body. */
  | { readonly kind: 'conflict' };

/**
 * A pending record this request owns. Every change checks the owner first, so a request whose
 * lease ran out cannot overwrite the record of the one that took over.
 */
export interface OwnedRecord {
  /**
   * Notes the endorsed transaction before it is submitted; throws when the record was taken
   * over, and then it must not be submitted.
   */
  notePrepared(prepared: PreparedWrite): Promise<void>;
  /** Forgets an invalidated transaction before the write is submitted again. */
  forgetPrepared(): Promise<void>;
  /** Stores the answer for replays. */
  complete(response: StoredResponse): Promise<void>;
  /** Ends the lease but keeps the transaction ID, so the next replay asks the ledger. */
  release(): Promise<void>;
  /** Deletes the record, so a retry runs again: nothing was recorded. */
  abandon(): Promise<void>;
}

/** The route-agnostic record store; the Redis adapter is `createIdempotencyRecords`. */
export interface IdempotencyRecords {
  claim(scope: string, key: string, bodyHash: string): Promise<RecordClaim>;
  /** Stops this process's heartbeat (tests; a killed process stops it by dying). */
  close?(): void;
}

/** The route-specific part: what became of the route's write with this transaction ID. */
export type Recovery = (txId: string) => Promise<PendingWrite<StoredResponse>>;

export interface IdempotentRequest<R extends StoredResponse> {
  /** The caller and the route: a key means nothing outside them. */
  readonly scope: string;
  readonly key: string;
  readonly body: unknown;
  run(options: WriteOptions): Promise<R>;
  recover: Recovery;
  /**
   * The answer an error of `run` stands for when it is final, stored for replays as API.md
   * asks (a replay returns the original status and body); undefined when a retry must run again.
   */
  finalAnswer?(error: unknown): StoredResponse | undefined;
}

export type IdempotentResult<R extends StoredResponse> =
  | { readonly replayed: false; readonly response: R }
  | { readonly replayed: true; readonly response: StoredResponse };

export interface Idempotency {
  execute<R extends StoredResponse>(request: IdempotentRequest<R>): Promise<IdempotentResult<R>>;
}

/**
 * The scope of a key: the caller, the operation and its decoded path parameters. Not the raw
 * path, which Express matches case-insensitively, with or without a trailing slash and with
 * percent-escapes, so one route has many spellings and a key must mean the same on all of them.
 */
export function idempotencyScope(callerId: string, operationId: string, params: unknown): string {
  return `${callerId}|${operationId}|${canonicalJson(params)}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function commitPending(txId: string | undefined): ApiProblem {
  return new ApiProblem(
    'commit-pending',
    'The first request with this Idempotency-Key is still in progress; retry later.',
    txId === undefined ? {} : { txId },
  );
}

const ignore = (): undefined => undefined;

/**
 * API.md's Idempotency-Key semantics over any record store: a replay of a finished request gets
 * its answer; a replay while a live owner works waits up to `waitMs`, then answers 503
 * commit-pending; a replay that finds the owner gone asks `recover` (the ledger) and answers
 * from a VALID commit, submits again after an INVALID one, and hands the very transaction the
 * owner endorsed to the orderers again while the ledger does not know it.
 */
export function createIdempotency(
  records: IdempotencyRecords,
  options: {
    readonly waitMs: number;
    readonly pollMs?: number;
    /** A stored answer that could not be written; the request itself still succeeded. */
    readonly onStoreError?: (error: unknown) => void;
    /**
     * Hands a noted transaction to the orderers again and waits for its commit (the Ledger's
     * resubmit); throws while its outcome is still unknown. Unset: a replay answers
     * commit-pending until the transaction shows up on the ledger.
     */
    readonly resubmit?: (transaction: Uint8Array) => Promise<void>;
  },
): Idempotency {
  const pollMs = options.pollMs ?? 100;

  async function runOwned<R extends StoredResponse>(
    record: OwnedRecord,
    request: IdempotentRequest<R>,
  ): Promise<IdempotentResult<R>> {
    let response: R;
    try {
      response = await request.run({ onPrepared: (prepared) => record.notePrepared(prepared) });
    } catch (error: unknown) {
      // A pending commit keeps its transaction for the next replay to look up. A final refusal
      // is stored, so a replay gets the same answer. Anything else recorded nothing, so the key
      // is freed for a retry.
      if (isCommitPending(error)) {
        await record.release().catch(ignore);
        throw error;
      }
      const answer = request.finalAnswer?.(error);
      if (answer === undefined) await record.abandon().catch(ignore);
      else await record.complete(answer).catch((stored: unknown) => options.onStoreError?.(stored));
      throw error;
    }
    await record.complete(response).catch((error: unknown) => options.onStoreError?.(error));
    return { replayed: false, response };
  }

  /**
   * What became of the owner's transaction. One the ledger does not know is handed to the
   * orderers again: the owner may have died before its submit reached them, and the orderers
   * drop an unordered one after a while, so waiting alone could leave the key unanswered.
   */
  async function outcomeOf<R extends StoredResponse>(
    txId: string,
    transaction: Uint8Array | undefined,
    request: IdempotentRequest<R>,
  ): Promise<PendingWrite<StoredResponse>> {
    const outcome = await request.recover(txId);
    if (outcome.kind !== 'unknown' || transaction === undefined || options.resubmit === undefined)
      return outcome;
    await options.resubmit(transaction);
    return request.recover(txId);
  }

  async function takeOver<R extends StoredResponse>(
    txId: string,
    transaction: Uint8Array | undefined,
    record: OwnedRecord,
    request: IdempotentRequest<R>,
  ): Promise<IdempotentResult<R>> {
    let outcome: PendingWrite<StoredResponse>;
    try {
      outcome = await outcomeOf(txId, transaction, request);
    } catch (error: unknown) {
      await record.release().catch(ignore);
      throw error;
    }
    switch (outcome.kind) {
      case 'committed':
        await record
          .complete(outcome.value)
          .catch((error: unknown) => options.onStoreError?.(error));
        return { replayed: true, response: outcome.value };
      case 'unknown':
        await record.release().catch(ignore);
        throw commitPending(txId);
      case 'invalid':
        // The first attempt recorded nothing: this request is now the first.
        await record.forgetPrepared();
        return runOwned(record, request);
    }
  }

  return {
    async execute<R extends StoredResponse>(
      request: IdempotentRequest<R>,
    ): Promise<IdempotentResult<R>> {
      const bodyHash = sha256(canonicalJson(request.body ?? null));
      const deadline = Date.now() + options.waitMs;
      for (;;) {
        const found = await records.claim(request.scope, request.key, bodyHash);
        switch (found.kind) {
          case 'claimed':
            return runOwned(found.record, request);
          case 'orphaned':
            return takeOver(found.txId, found.transaction, found.record, request);
          case 'complete':
            return { replayed: true, response: found.response };
          case 'conflict':
            throw new ApiProblem(
              'idempotency-conflict',
              'This Idempotency-Key was used with a different body.',
            );
          case 'busy':
            if (Date.now() >= deadline) throw commitPending(found.txId);
            await new Promise((resolve) => setTimeout(resolve, pollMs));
        }
      }
    },
  };
}

/**
 * Claims the record, or takes it over when its owner's lease ran out or its owner's process no
 * longer beats (ARGV[6] is the heartbeat keys' full prefix, ARGV[7] this process's ID, '' for
 * none), in one step so two replays cannot both take it. Times come from Redis's clock, shared
 * by every gateway process. Returns {kind, txId or '', stored record, prepared transaction}.
 */
const claimScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local raw = redis.call('GET', KEYS[1])
if not raw then
  local record = { state = 'pending', bodyHash = ARGV[1], owner = ARGV[2], leaseUntil = now + tonumber(ARGV[3]), process = ARGV[7] }
  redis.call('SET', KEYS[1], cjson.encode(record), 'EX', ARGV[4])
  return { 'claimed', '', '', 0 }
end
local record = cjson.decode(raw)
if record.bodyHash ~= ARGV[1] then return { 'conflict', '', '', 0 } end
if record.state == 'complete' then return { 'complete', '', raw, 0 } end
local txId = record.txId or ''
local process = record.process or ''
local ownerGone = process ~= '' and redis.call('EXISTS', ARGV[6] .. process) == 0
if (tonumber(record.leaseUntil) or 0) > now and not ownerGone then return { 'busy', txId, '', 0 } end
record.owner = ARGV[2]
record.process = ARGV[7]
record.leaseUntil = now + tonumber(ARGV[3])
redis.call('SET', KEYS[1], cjson.encode(record), 'EX', txId == '' and ARGV[4] or ARGV[5])
return { txId == '' and 'claimed' or 'orphaned', txId, '', record.transaction or '' }
`;

/**
 * Changes a pending record only for its owner. ARGV: owner, operation, its argument, TTL in
 * seconds ('' keeps it), lease in ms, and for 'prepared' the transaction. Returns 1 when applied.
 */
const updateScript = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local record = cjson.decode(raw)
if record.state ~= 'pending' or record.owner ~= ARGV[1] then return 0 end
local op = ARGV[2]
if op == 'abandon' then
  redis.call('DEL', KEYS[1])
  return 1
end
if op == 'complete' then
  redis.call('SET', KEYS[1], ARGV[3], 'EX', ARGV[4])
  return 1
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if op == 'prepared' then
  record.txId = ARGV[3]
  record.transaction = ARGV[6]
  record.leaseUntil = now + tonumber(ARGV[5])
elseif op == 'forget' then
  record.txId = nil
  record.transaction = nil
  record.leaseUntil = now + tonumber(ARGV[5])
elseif op == 'release' then
  record.leaseUntil = 0
end
if ARGV[4] == '' then
  redis.call('SET', KEYS[1], cjson.encode(record), 'KEEPTTL')
else
  redis.call('SET', KEYS[1], cjson.encode(record), 'EX', ARGV[4])
end
return 1
`;

/** Updates kept while Redis is down, at most: beyond that, records wait for their lease. */
const maxUnfinished = 10_000;

function isStoredResponse(value: unknown): value is StoredResponse {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { status?: unknown }).status === 'number'
  );
}

/**
 * Idempotency records in Redis, one JSON value per (scope, key). A record with a transaction
 * lives `ttlSeconds` (API.md asks for at least 24 h); one without lives `pendingTtlSeconds`,
 * since nothing was submitted yet; the transaction itself is dropped once the answer is stored.
 * The owner holds a lease of `leaseMs`, renewed when it notes its transaction and ended when it
 * answers commit-pending; `leaseMs` outlasts the longest a
 * request can work, so a lapsed lease means its process died.
 */
export function createIdempotencyRecords(
  redis: Redis,
  options: {
    ttlSeconds: number;
    pendingTtlSeconds: number;
    leaseMs: number;
    heartbeatMs?: number;
  },
): IdempotencyRecords {
  const ttl = String(options.ttlSeconds);
  const lease = String(options.leaseMs);
  // Each gateway process keeps a heartbeat key alive; a record whose owner's process stopped
  // beating (SIGKILL, a crash) is taken over after a few missed beats instead of after the whole
  // lease, which must outlast the slowest request and so runs minutes. Without heartbeatMs only
  // the lease counts.
  const processId = options.heartbeatMs === undefined ? '' : randomUUID();
  // Lua sees raw key names: the client's prefix, which it adds to KEYS, is added here by hand.
  const heartbeatPrefix = `${redis.options.keyPrefix ?? ''}idem:alive:`;
  let heartbeat: NodeJS.Timeout | undefined;
  // The end of a request (its answer stored, its lease ended, its record freed) that Redis could
  // not take because it was down: done again once Redis answers, or a replay would find the
  // record busy, owned by this live process, until its lease lapsed minutes later.
  const unfinished: (() => Promise<unknown>)[] = [];
  const finishLater = (update: () => Promise<unknown>): void => {
    if (unfinished.length < maxUnfinished) unfinished.push(update);
  };
  const finishUnfinished = async (): Promise<void> => {
    for (const update of unfinished.splice(0)) {
      await update().catch(() => {
        finishLater(update);
      });
    }
  };
  if (options.heartbeatMs !== undefined) {
    const beatMs = options.heartbeatMs;
    const beat = (): void => {
      // A missed beat (Redis down) only risks a replay taking over a live request's record,
      // which the owner checks make safe: the owner's later writes are refused, and the taker
      // asks the ledger instead of submitting again.
      redis
        .set(`idem:alive:${processId}`, '1', 'PX', beatMs * 3)
        .then(finishUnfinished)
        .catch(ignore);
    };
    beat();
    heartbeat = setInterval(beat, beatMs);
    heartbeat.unref();
  }

  function owned(redisKey: string, bodyHash: string, owner: string): OwnedRecord {
    async function update(
      op: string,
      arg: string,
      ttlSeconds: string,
      transaction = '',
    ): Promise<boolean> {
      try {
        const applied = await redis.eval(
          updateScript,
          1,
          redisKey,
          owner,
          op,
          arg,
          ttlSeconds,
          lease,
          transaction,
        );
        return applied === 1;
      } catch (error: unknown) {
        throw redisUnavailable(error);
      }
    }
    /** An update that ends the request: kept for the next heartbeat when Redis is down. */
    async function finish(op: string, arg: string, ttlSeconds: string): Promise<void> {
      try {
        await update(op, arg, ttlSeconds);
      } catch (error: unknown) {
        finishLater(() => update(op, arg, ttlSeconds));
        throw error;
      }
    }
    return {
      async notePrepared(prepared: PreparedWrite): Promise<void> {
        const transaction = Buffer.from(prepared.transaction).toString('base64');
        if (!(await update('prepared', prepared.txId, ttl, transaction))) {
          throw new ApiProblem(
            'unavailable',
            'Another request with this Idempotency-Key took over; nothing was recorded. Retry.',
          );
        }
      },
      async forgetPrepared(): Promise<void> {
        await update('forget', '', String(options.pendingTtlSeconds));
      },
      async complete(response: StoredResponse): Promise<void> {
        const done = { state: 'complete', bodyHash, response };
        await finish('complete', JSON.stringify(done), ttl);
      },
      async release(): Promise<void> {
        await finish('release', '', '');
      },
      async abandon(): Promise<void> {
        await finish('abandon', '', '');
      },
    };
  }

  return {
    async claim(scope: string, key: string, bodyHash: string): Promise<RecordClaim> {
      const redisKey = `idem:${sha256(`${scope}\n${key}`)}`;
      const owner = randomUUID();
      let reply: unknown;
      try {
        reply = await redis.eval(
          claimScript,
          1,
          redisKey,
          bodyHash,
          owner,
          lease,
          String(options.pendingTtlSeconds),
          ttl,
          heartbeatPrefix,
          processId,
        );
      } catch (error: unknown) {
        throw redisUnavailable(error);
      }
      const [kind, txId, raw, transaction] = reply as [string, string, string, string];
      switch (kind) {
        case 'claimed':
          return { kind, record: owned(redisKey, bodyHash, owner) };
        case 'orphaned':
          return {
            kind,
            txId,
            ...(transaction === '' ? {} : { transaction: Buffer.from(transaction, 'base64') }),
            record: owned(redisKey, bodyHash, owner),
          };
        case 'busy':
          return txId === '' ? { kind } : { kind, txId };
        case 'conflict':
          return { kind };
        case 'complete': {
          const stored = (JSON.parse(raw) as { response?: unknown }).response;
          if (!isStoredResponse(stored)) throw new Error('idempotency record without a response');
          return { kind, response: stored };
        }
        default:
          throw new Error(`unexpected idempotency claim: ${kind}`);
      }
    },
    close(): void {
      clearInterval(heartbeat);
    },
  };
}
