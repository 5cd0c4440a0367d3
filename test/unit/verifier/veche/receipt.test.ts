import type { Finding } from '../../../../verifier/src/ledgerTransaction.js';
import {
  createVecheSink,
  formatReceiptReport,
  receiptHolds,
  verifyReceipt,
  type ReceiptReport,
} from '../../../../verifier/src/veche/index.js';
import { residentOf, SyntheticLedger, txIdOf } from './syntheticLedger.js';

const POLL = 'c'.repeat(32);

function receiptsOf(
  ledger: SyntheticLedger,
  names: string[],
  fabricFindings: Finding[] = [],
): ReceiptReport[] {
  const txIds = names.map(txIdOf);
  const sink = createVecheSink({ receiptTxIds: txIds });
  for (const tx of ledger.transactions) sink.onTransaction(tx);
  const findings = [...fabricFindings, ...sink.finish()];
  return txIds.map((txId) => verifyReceipt(txId, sink, findings));
}

function ledgerWithRevote(): SyntheticLedger {
  const ledger = new SyntheticLedger();
  ledger.createPoll(POLL);
  ledger.setStatus(POLL, 'open');
  ledger.castBallot('ana 1', POLL, 'ana', ['north']);
  ledger.castBallot('ana conflict', POLL, 'ana', ['north'], {
    revision: 2,
    valid: false,
    storedFlag: 11,
  });
  ledger.castBallot('ana 2', POLL, 'ana', ['south'], { revision: 2 });
  return ledger;
}

describe('receipts proven from the blocks alone', () => {
  it('says a re-voted ballot is superseded and names the later valid re-vote', () => {
    const ledger = ledgerWithRevote();
    const [first, last] = receiptsOf(ledger, ['ana 1', 'ana 2']);
    const revote = ledger.transactions[4]!;

    expect(first).toMatchObject({
      verdict: 'superseded',
      block: { number: ledger.transactions[2]!.blockNumber, function: 'ballots:CastBallot' },
      validation: { storedFlag: 0, storedName: 'VALID', verifiedValid: true },
      ballot: { pollId: POLL, residentId: residentOf('ana'), choices: ['north'], revision: 1 },
      supersededBy: { txId: revote.txId, blockNumber: revote.blockNumber },
    });
    expect(last).toMatchObject({ verdict: 'counted', ballot: { choices: ['south'], revision: 2 } });
    expect(last).not.toHaveProperty('supersededBy');
    expect(first?.ballot?.ballotId).toBe(last?.ballot?.ballotId);
    expect(receiptHolds(first!)).toBe(true);
    expect(formatReceiptReport(first!)).toContain(`superseded by ${revote.txId}`);
  });

  it('calls a transaction the verifier found invalid invalid, with its stored flag by name', () => {
    const [conflict] = receiptsOf(ledgerWithRevote(), ['ana conflict']);
    expect(conflict).toMatchObject({
      verdict: 'invalid',
      validation: { storedFlag: 11, storedName: 'MVCC_READ_CONFLICT', verifiedValid: false },
    });
    expect(receiptHolds(conflict!)).toBe(false);
  });

  it('reports the Fabric-level findings of the receipt’s block and transaction, not of others', () => {
    const ledger = ledgerWithRevote();
    const block = ledger.transactions[2]!.blockNumber;
    const txId = txIdOf('ana 1');
    const [report] = receiptsOf(
      ledger,
      ['ana 1'],
      [
        { check: 'orderer-signatures', blockNumber: block, message: 'only 2 of 3 signatures' },
        { check: 'endorsement', blockNumber: block, txId, message: 'policy not satisfied' },
        { check: 'hash-chain', blockNumber: block + 7, message: 'previous hash differs' },
      ],
    );
    expect(report?.blockChecks).toEqual({
      held: false,
      findings: [expect.objectContaining({ check: 'orderer-signatures' })],
    });
    expect(report?.transactionChecks).toEqual({
      held: false,
      findings: [expect.objectContaining({ check: 'endorsement' })],
    });
    expect(report?.findingsElsewhere).toBe(1);
    expect(receiptHolds(report!)).toBe(false);
    expect(formatReceiptReport(report!)).toMatch(
      /block checks .*: FAILED\n {2}- \[orderer-signatures\]/,
    );
  });

  it('says not found for a txId in no block, and not a ballot for a poll transaction', () => {
    const ledger = ledgerWithRevote();
    const [missing, open] = receiptsOf(ledger, ['never sent', `open ${POLL}`]);
    expect(missing).toMatchObject({ verdict: 'not-found' });
    expect(open).toMatchObject({ verdict: 'not-a-ballot', block: { function: 'polls:OpenPoll' } });
    expect(formatReceiptReport(missing!)).toContain('DOES NOT HOLD');
  });

  it('says a valid ballot written after the close is not counted, and why', () => {
    const ledger = ledgerWithRevote();
    ledger.setStatus(POLL, 'closed');
    ledger.castBallot('boris late', POLL, 'boris', ['north']);
    const [late] = receiptsOf(ledger, ['boris late']);
    expect(late).toMatchObject({
      verdict: 'not-counted',
      rejection: expect.stringContaining('closed') as string,
    });
  });

  it('refuses to prove a receipt the sink was not asked to watch', () => {
    const sink = createVecheSink();
    expect(() => verifyReceipt(txIdOf('ana 1'), sink, [])).toThrow(/not asked to watch/);
  });
});
