import type { Redis } from 'ioredis';
import type { AuditBlock } from '../services/ledger.js';
import type { AuditIndex, AuditQuery } from '../services/ports.js';
import { invalidRequest } from '../services/problems.js';
import type { AuditEvent, AuditEventList } from '../validation/schemas.js';
import { redisUnavailable } from './errors.js';

/** Each event once, by txId, as AuditEvent JSON. */
const eventsKey = 'audit:events';
/** Every txId, scored by its ledger position. */
const orderKey = 'audit:order';
/** The last block whose events are all written. */
const checkpointKey = 'audit:checkpoint';
function pollKey(pollId: string): string {
  return `audit:poll:${pollId}`;
}

/**
 * A ledger position as one exact double: blockNumber * 2^20 + index in the block. Blocks hold
 * far fewer than 2^20 transactions (the orderer's BatchSize), and 2^33 blocks keep the score
 * below 2^53, where doubles stop being exact integers.
 */
const txIndexBits = 2 ** 20;
const maxBlockNumber = 2 ** 33;
function positionOf(blockNumber: number, txIndex: number): number {
  if (txIndex >= txIndexBits || blockNumber >= maxBlockNumber)
    throw new Error(`ledger position out of range: block ${blockNumber}, tx ${txIndex}`);
  return blockNumber * txIndexBits + txIndex;
}

/**
 * Time filters cannot use the order set (timestamps are the clients', not monotonic in ledger
 * order), so a page scans in ledger order; the budget bounds one request's work, and a page cut
 * short by it still carries a cursor.
 */
const scanBudget = 20_000;
const scanBatch = 500;

// Only ever forward: two gateway processes may index the same blocks concurrently.
const advanceCheckpoint = `local current = tonumber(redis.call('get', KEYS[1]))
if current == nil or current < tonumber(ARGV[1]) then redis.call('set', KEYS[1], ARGV[1]) end
return 0`;

/**
 * Exactly the AuditEvent fields, whatever else the object carries, so nothing beyond them is
 * ever stored. Not a schema parse: a block whose event fails a schema would stop the indexer.
 */
function auditFields(event: AuditEvent): AuditEvent {
  return {
    txId: event.txId,
    blockNumber: event.blockNumber,
    timestamp: event.timestamp,
    validationCode: event.validationCode,
    mspId: event.mspId,
    endorsers: [...event.endorsers],
    action: event.action,
    actor: event.actor,
    ...(event.actorId === undefined ? {} : { actorId: event.actorId }),
    ...(event.pollId === undefined ? {} : { pollId: event.pollId }),
    ...(event.residentId === undefined ? {} : { residentId: event.residentId }),
  };
}

function encodeCursor(position: number): string {
  return Buffer.from(JSON.stringify({ after: position }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number {
  let after: unknown;
  try {
    after = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown })
      .after;
  } catch {
    after = undefined;
  }
  if (typeof after !== 'number' || !Number.isSafeInteger(after) || after < 0)
    throw invalidRequest([{ path: '/query/cursor', message: 'not a cursor of this listing' }]);
  return after;
}

function reading<T>(command: Promise<T>): Promise<T> {
  return command.catch((error: unknown) => {
    throw redisUnavailable(error);
  });
}

function timeOf(iso: string | undefined, fallback: number): number {
  return iso === undefined ? fallback : Date.parse(iso);
}

/** The audit index on the process's Redis client (keys under its prefix). */
export function createAuditIndex(redis: Redis): AuditIndex {
  async function checkpoint(): Promise<number | undefined> {
    const value = await redis.get(checkpointKey);
    return value === null ? undefined : Number(value);
  }

  return {
    async addBlock(block: AuditBlock): Promise<void> {
      const multi = redis.multi();
      for (const { txIndex, event } of block.records) {
        const position = positionOf(block.blockNumber, txIndex);
        // NX everywhere: a replayed block changes nothing, and of two envelopes with one txId
        // (the later one DUPLICATE_TXID) the first keeps its place.
        multi.hsetnx(eventsKey, event.txId, JSON.stringify(auditFields(event)));
        multi.zadd(orderKey, 'NX', position, event.txId);
        if (event.pollId !== undefined)
          multi.zadd(pollKey(event.pollId), 'NX', position, event.txId);
      }
      multi.eval(advanceCheckpoint, 1, checkpointKey, String(block.blockNumber));
      const results = await multi.exec();
      if (results === null || results.some(([error]) => error !== null))
        throw new Error(`audit block ${block.blockNumber} not written`);
    },

    checkpoint,

    async query(query: AuditQuery): Promise<AuditEventList> {
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      const since = timeOf(query.since, -Infinity);
      const until = timeOf(query.until, Infinity);
      if (since >= until) return { items: [] };
      const key = query.pollId === undefined ? orderKey : pollKey(query.pollId);
      const timed = query.since !== undefined || query.until !== undefined;
      // One more than the page, to know whether another page exists.
      const wanted = query.limit + 1;
      const found: { position: number; event: AuditEvent }[] = [];
      let lower = after === undefined ? '-inf' : `(${String(after)}`;
      let lastScanned: number | undefined;
      let scanned = 0;
      let exhausted = false;
      while (found.length < wanted && scanned < scanBudget && !exhausted) {
        const count = Math.min(timed ? Math.max(scanBatch, wanted) : wanted, scanBudget - scanned);
        const page = await reading(
          redis.zrangebyscore(key, lower, '+inf', 'WITHSCORES', 'LIMIT', 0, count),
        );
        const txIds = page.filter((_, i) => i % 2 === 0);
        exhausted = txIds.length < count;
        if (txIds.length === 0) break;
        const stored = await reading(redis.hmget(eventsKey, ...txIds));
        for (const [i, raw] of stored.entries()) {
          const position = Number(page[2 * i + 1]);
          scanned += 1;
          lastScanned = position;
          // addBlock writes record and position in one MULTI, from auditFields: raw is never
          // null and holds exactly an AuditEvent.
          if (raw === null) continue;
          const event = JSON.parse(raw) as AuditEvent;
          const time = Date.parse(event.timestamp);
          if (time >= since && time < until) found.push({ position, event });
          if (found.length === wanted) break;
        }
        lower = `(${String(lastScanned)}`;
      }
      if (found.length === wanted) {
        const page = found.slice(0, query.limit);
        const last = page[page.length - 1];
        return {
          items: page.map(({ event }) => event),
          ...(last === undefined ? {} : { nextCursor: encodeCursor(last.position) }),
        };
      }
      return {
        items: found.map(({ event }) => event),
        // Cut short by the scan budget: the rest of the set is still to be read.
        ...(exhausted || lastScanned === undefined
          ? {}
          : { nextCursor: encodeCursor(lastScanned) }),
      };
    },
  };
}
