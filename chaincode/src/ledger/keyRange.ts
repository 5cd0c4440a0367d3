import type { Stub } from './ledgerState';

/** The highest code point: as the shim's partial-composite-key range, an end past every suffix. */
const MAX_UNICODE_RUNE = '\u{10ffff}';

export interface StateEntry {
  readonly key: string;
  readonly value: Uint8Array;
}

interface QueryIterator {
  next(): Promise<{ value?: StateEntry; done?: boolean }>;
  close(): Promise<unknown>;
}

/** The part of fabric-shim 2.5.8's ChaincodeStub that talks to the peer (not in its .d.ts). */
interface ShimHandler {
  handleGetStateByRange(
    collection: string,
    startKey: string,
    endKey: string,
    channelId: string,
    txId: string,
  ): Promise<{ iterator: QueryIterator }>;
}

function handlerOf(stub: Stub): ShimHandler {
  const handler = (stub as unknown as { handler?: Partial<ShimHandler> }).handler;
  if (typeof handler?.handleGetStateByRange !== 'function') {
    throw new TypeError('this fabric-shim does not expose handleGetStateByRange');
  }
  return handler as ShimHandler;
}

/**
 * The keys after `afterKey` (exclusive) that start with `prefix`, both composite keys, in key
 * order, through one non-paginated range read (a write transaction may not paginate).
 *
 * fabric-shim's getStateByRange refuses composite keys as bounds, and its partial-composite-key
 * read always starts at the prefix, so a continued tally chunk would re-read every key before
 * its resume point. The peer itself accepts any bounds (core/chaincode/handler.go,
 * HandleGetStateByRange), and the shim's partial-composite-key read sends exactly this message,
 * so this asks the shim's handler directly. The read set records the range as usual, so the
 * peer re-checks it at validation. Leaving the loop early closes the peer's iterator.
 */
export async function* compositeKeyRange(
  stub: Stub,
  prefix: string,
  afterKey: string | null,
): AsyncGenerator<StateEntry> {
  // A composite key ends with U+0000, so the smallest key above `afterKey` is `afterKey` + U+0000.
  const startKey = afterKey === null ? prefix : `${afterKey}\u0000`;
  if (!startKey.startsWith(prefix)) {
    throw new RangeError('the resume key is outside the range');
  }
  const { iterator } = await handlerOf(stub).handleGetStateByRange(
    '',
    startKey,
    prefix + MAX_UNICODE_RUNE,
    stub.getChannelID(),
    stub.getTxID(),
  );
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done === true || next.value === undefined) {
        return;
      }
      yield next.value;
    }
  } finally {
    // As the shim's own iterators do: close once, when exhausted or left early.
    await iterator.close();
  }
}
