import type { Stub } from '../../../../chaincode/src/ledger/ledgerState';
import { compositeKeyRange, type StateEntry } from '../../../../chaincode/src/ledger/keyRange';

const prefix = '\u0000ballot\u0000p\u00000003\u0000';
const key = (resident: string): string => `${prefix}${resident}\u0000`;

/** A stub whose shim handler serves `keys` like the peer, recording each request and close. */
function fakeStub(keys: string[]) {
  const requests: { collection: string; startKey: string; endKey: string }[] = [];
  let closed = 0;
  const stub = {
    getChannelID: () => 'civic',
    getTxID: () => 'tx',
    handler: {
      handleGetStateByRange(collection: string, startKey: string, endKey: string) {
        requests.push({ collection, startKey, endKey });
        const found = keys.filter((k) => k >= startKey && k < endKey).sort();
        let at = 0;
        return Promise.resolve({
          iterator: {
            next: () =>
              Promise.resolve(
                at < found.length
                  ? { value: { key: found[at++]!, value: new Uint8Array() }, done: false }
                  : { done: true },
              ),
            close: () => {
              closed += 1;
              return Promise.resolve();
            },
          },
        });
      },
    },
  };
  return { stub: stub as unknown as Stub, requests, closed: () => closed };
}

async function collect(entries: AsyncIterable<StateEntry>, limit = Infinity): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of entries) {
    if (keys.length === limit) break;
    keys.push(entry.key);
  }
  return keys;
}

describe('compositeKeyRange', () => {
  const all = ['a', 'b', 'c'].map(key);

  it('reads the whole prefix when there is no resume key', async () => {
    const { stub, requests } = fakeStub(all);
    expect(await collect(compositeKeyRange(stub, prefix, null))).toEqual(all);
    expect(requests).toEqual([{ collection: '', startKey: prefix, endKey: `${prefix}\u{10ffff}` }]);
  });

  it('starts right after the resume key, so a continued chunk never reads the keys before it', async () => {
    const { stub, requests } = fakeStub(all);
    expect(await collect(compositeKeyRange(stub, prefix, key('a')))).toEqual([key('b'), key('c')]);
    expect(requests[0]?.startKey).toBe(`${key('a')}\u0000`);
  });

  it('closes the peer’s iterator once, when exhausted or left early', async () => {
    const exhausted = fakeStub(all);
    await collect(compositeKeyRange(exhausted.stub, prefix, null));
    expect(exhausted.closed()).toBe(1);
    const early = fakeStub(all);
    await collect(compositeKeyRange(early.stub, prefix, null), 1);
    expect(early.closed()).toBe(1);
  });

  it('refuses a resume key outside the range', async () => {
    const { stub } = fakeStub(all);
    await expect(
      collect(compositeKeyRange(stub, prefix, '\u0000poll\u0000x\u0000')),
    ).rejects.toThrow(RangeError);
  });
});
