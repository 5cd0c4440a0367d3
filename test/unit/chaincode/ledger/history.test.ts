import {
  readHistory,
  timestampToIso,
  type KeyModificationLike,
} from '../../../../chaincode/src/ledger/history';
import {
  orderPollHistory,
  type PollHistoryItem,
} from '../../../../chaincode/src/ledger/pollRepository';
import { makePoll } from '../pollFixture';

const SECONDS = 1767225600; // 2026-01-01T00:00:00Z

describe('timestampToIso', () => {
  it('reads seconds as fabric-shim 2.5.8 gives them in history: a plain number', () => {
    expect(timestampToIso({ seconds: SECONDS, nanos: 5_000_000 })).toBe('2026-01-01T00:00:00.005Z');
  });

  it('reads seconds given as a Long (getTxTimestamp), a bigint, a string or a valueOf', () => {
    const long = { low: SECONDS, high: 0, unsigned: true, toNumber: () => SECONDS };
    expect(timestampToIso({ seconds: long, nanos: 0 })).toBe('2026-01-01T00:00:00.000Z');
    expect(timestampToIso({ seconds: BigInt(SECONDS), nanos: 0 })).toBe('2026-01-01T00:00:00.000Z');
    expect(timestampToIso({ seconds: String(SECONDS), nanos: 999_999_999 })).toBe(
      '2026-01-01T00:00:00.999Z',
    );
    expect(timestampToIso({ seconds: { valueOf: () => SECONDS }, nanos: undefined })).toBe(
      '2026-01-01T00:00:00.000Z',
    );
  });

  it('refuses a timestamp it cannot read rather than inventing a date', () => {
    expect(() => timestampToIso({ seconds: undefined, nanos: 0 })).toThrow(RangeError);
    expect(() => timestampToIso({ seconds: {}, nanos: 0 })).toThrow(RangeError);
  });
});

function entry(txId: string, text: string, isDelete = false): KeyModificationLike {
  return {
    txId,
    value: Buffer.from(text),
    isDelete,
    timestamp: { seconds: SECONDS, nanos: 0 },
  };
}

/** Stands in for the shim's iterable and records whether `for await` closed it early. */
function iterable(entries: KeyModificationLike[]): {
  source: AsyncIterable<KeyModificationLike>;
  closed: () => boolean;
} {
  let closed = false;
  return {
    source: {
      [Symbol.asyncIterator]: () => {
        let i = 0;
        return {
          next: () => {
            const value = entries[i];
            i += 1;
            return Promise.resolve(
              value === undefined
                ? { done: true as const, value: undefined }
                : { done: false as const, value },
            );
          },
          return: () => {
            closed = true;
            return Promise.resolve({ done: true as const, value: undefined });
          },
        };
      },
    },
    closed: () => closed,
  };
}

describe('readHistory', () => {
  it('skips deletes (a purge leaves an empty value) and keeps the order it was given', async () => {
    const { source } = iterable([entry('t3', '"c"'), entry('t2', '', true), entry('t1', '"a"')]);
    const versions = await readHistory(
      source,
      (v) => JSON.parse(Buffer.from(v).toString()) as unknown,
    );
    expect(versions).toEqual([
      { txId: 't3', timestamp: '2026-01-01T00:00:00.000Z', value: 'c' },
      { txId: 't1', timestamp: '2026-01-01T00:00:00.000Z', value: 'a' },
    ]);
  });

  it('closes the iterator when parsing a version throws', async () => {
    const { source, closed } = iterable([entry('t2', 'not json'), entry('t1', '"a"')]);
    await expect(
      readHistory(source, (v) => JSON.parse(Buffer.from(v).toString()) as unknown),
    ).rejects.toThrow(SyntaxError);
    expect(closed()).toBe(true);
  });
});

describe('orderPollHistory', () => {
  const draft = makePoll();
  const item = (status: PollHistoryItem['status'], timestamp: string): PollHistoryItem => ({
    txId: status,
    timestamp,
    status,
    poll: { ...draft, status },
  });

  it('lists draft, open, closed even when the clients that wrote them disagree on the time', () => {
    // As the peer yields them (newest first), with the closing official's clock running slow.
    const fromPeer = [
      item('closed', '2026-02-01T09:00:00.000Z'),
      item('open', '2026-02-01T09:30:00.000Z'),
      item('draft', '2026-02-01T10:00:00.000Z'),
    ];
    expect(orderPollHistory(fromPeer).map((i) => i.status)).toEqual(['draft', 'open', 'closed']);
  });
});
