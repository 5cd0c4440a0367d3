import { createBlockService, parseBlockNumber } from '../../../gateway/src/services/blocks.js';
import type { Ledger } from '../../../gateway/src/services/ledger.js';
import { ApiProblem } from '../../../gateway/src/services/problems.js';

describe('parseBlockNumber', () => {
  it('reads a decimal non-negative integer', () => {
    expect(parseBlockNumber('0')).toBe(0);
    expect(parseBlockNumber('7')).toBe(7);
    expect(parseBlockNumber('1234567')).toBe(1234567);
    expect(parseBlockNumber(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([
    'abc',
    '',
    '-1',
    '+1',
    '1.0',
    '1e3',
    '0x10',
    ' 1',
    '1 ',
    '01',
    '00',
    '１',
    String(Number.MAX_SAFE_INTEGER + 1),
    '9'.repeat(400),
  ])('rejects %j', (text) => {
    expect(parseBlockNumber(text)).toBeUndefined();
  });
});

describe('createBlockService', () => {
  function ledgerWithHeight(height: number): { ledger: Ledger; asked: number[] } {
    const asked: number[] = [];
    const ledger = {
      getBlock: (blockNumber: number) => {
        asked.push(blockNumber);
        return Promise.resolve(
          blockNumber < height ? Uint8Array.of(blockNumber) : (undefined as Uint8Array | undefined),
        );
      },
    } as Partial<Ledger> as Ledger;
    return { ledger, asked };
  }

  it('answers the bytes of a block below the height', async () => {
    const { ledger } = ledgerWithHeight(3);
    await expect(createBlockService(ledger).block('2')).resolves.toEqual(Uint8Array.of(2));
  });

  it('answers not-found beyond the height', async () => {
    const { ledger } = ledgerWithHeight(3);
    await expect(createBlockService(ledger).block('3')).rejects.toMatchObject({
      type: 'not-found',
    });
  });

  it('answers not-found for a malformed number without asking the ledger', async () => {
    const { ledger, asked } = ledgerWithHeight(3);
    const answer = createBlockService(ledger).block('abc');
    await expect(answer).rejects.toBeInstanceOf(ApiProblem);
    await expect(answer).rejects.toMatchObject({ type: 'not-found', status: 404 });
    expect(asked).toEqual([]);
  });
});
