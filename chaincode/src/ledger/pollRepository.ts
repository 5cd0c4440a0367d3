import { fail } from '../errors';
import { pollSchema, POLL_STATUSES, type Poll, type PollStatus } from '../domain/poll';
import { readHistory } from './history';
import { keys, OBJECT_TYPES } from './keys';
import type { LedgerState } from './ledgerState';
import { unmarshal } from './marshal';

export interface PollPage {
  readonly items: Poll[];
  readonly nextCursor?: string;
}

export interface PollHistoryItem {
  readonly txId: string;
  readonly timestamp: string;
  readonly status: PollStatus;
  readonly poll: Poll;
}

/** Index entries carry nothing: the key names the poll, and the poll key holds the truth. */
const INDEX_VALUE = {};

export class PollRepository {
  constructor(private readonly state: LedgerState) {}

  async get(pollId: string): Promise<Poll | null> {
    return this.state.read(keys.poll(pollId), pollSchema, 'poll');
  }

  async require(pollId: string): Promise<Poll> {
    return (await this.get(pollId)) ?? fail('NOT_FOUND', 'no poll has this ID');
  }

  async create(poll: Poll): Promise<void> {
    await this.state.write(keys.poll(poll.pollId), poll);
    await this.state.write(keys.pollByTime(poll.createdAt, poll.pollId), INDEX_VALUE);
    await this.state.write(
      keys.pollByStatus(poll.status, poll.createdAt, poll.pollId),
      INDEX_VALUE,
    );
  }

  async update(previous: Poll, next: Poll): Promise<void> {
    await this.state.write(keys.poll(next.pollId), next);
    if (previous.status !== next.status) {
      await this.state.remove(
        keys.pollByStatus(previous.status, previous.createdAt, previous.pollId),
      );
      await this.state.write(
        keys.pollByStatus(next.status, next.createdAt, next.pollId),
        INDEX_VALUE,
      );
    }
  }

  /**
   * Newest first. Paginated range reads are allowed only in read-only transactions, which is
   * where this runs. One extra entry is fetched so the cursor is returned only when a next page
   * exists; the cursor is the key of that entry, which Fabric takes as an inclusive bookmark,
   * in base64url because composite keys contain U+0000 and the cursor travels in URLs.
   */
  async list(status: PollStatus | null, limit: number, cursor: string): Promise<PollPage> {
    const objectType = status === null ? OBJECT_TYPES.pollByTime : OBJECT_TYPES.pollByStatus;
    const attributes = status === null ? [] : [status];
    const prefix = this.state.stub.createCompositeKey(objectType, attributes);
    const bookmark = Buffer.from(cursor, 'base64url').toString('utf8');
    if (cursor !== '' && !bookmark.startsWith(prefix)) {
      fail('INVALID_ARGUMENT', 'cursor does not belong to this listing');
    }
    const { iterator } = await this.state.stub.getStateByPartialCompositeKeyWithPagination(
      objectType,
      attributes,
      limit + 1,
      bookmark,
    );
    const found: { key: string; pollId: string }[] = [];
    try {
      for (;;) {
        const result = await iterator.next();
        if (result.done) {
          break;
        }
        const { attributes: parts } = this.state.stub.splitCompositeKey(result.value.key);
        const pollId = parts.at(-1);
        if (pollId !== undefined) {
          found.push({ key: result.value.key, pollId });
        }
      }
    } finally {
      await iterator.close();
    }
    const items: Poll[] = [];
    for (const { pollId } of found.slice(0, limit)) {
      items.push(await this.require(pollId));
    }
    const next = found[limit];
    return next === undefined
      ? { items }
      : { items, nextCursor: Buffer.from(next.key, 'utf8').toString('base64url') };
  }

  /** Oldest first, in the order the versions were committed (see orderPollHistory). */
  async history(pollId: string): Promise<PollHistoryItem[]> {
    const versions = await readHistory(
      this.state.stub.getHistoryForKey(this.state.key(keys.poll(pollId))),
      (value) => unmarshal(value, pollSchema, 'poll'),
    );
    return orderPollHistory(
      versions.map(({ txId, timestamp, value }) => ({
        txId,
        timestamp,
        status: value.status,
        poll: value,
      })),
    );
  }
}

/**
 * Commit order, oldest first. The poll key is written once per status (created draft, then
 * opened, then closed), so the lifecycle order of the status is the commit order. Timestamps are
 * not: each is the submitting client's clock, and two officials' clocks may disagree. The peer's
 * own order (newest first since Fabric 2.0) is not relied on either.
 */
export function orderPollHistory(items: readonly PollHistoryItem[]): PollHistoryItem[] {
  const rank = (status: PollStatus): number => POLL_STATUSES.indexOf(status);
  return [...items].sort(
    (a, b) =>
      rank(a.status) - rank(b.status) ||
      (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0),
  );
}
