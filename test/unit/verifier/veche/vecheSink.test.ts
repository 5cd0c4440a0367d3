import type { Finding } from '../../../../verifier/src/ledgerTransaction.js';
import { createVecheSink, type VecheSink } from '../../../../verifier/src/veche/index.js';
import { CLOSES_AT, compositeKey, put, residentOf, SyntheticLedger } from './syntheticLedger.js';

const POLL = 'a'.repeat(32);
const AFTER_CLOSE = new Date('2026-12-01T22:00:00.000Z');

function replay(
  ledger: SyntheticLedger,
  receiptTxIds: string[] = [],
): {
  sink: VecheSink;
  findings: Finding[];
} {
  const sink = createVecheSink({ receiptTxIds });
  for (const tx of ledger.transactions) sink.onTransaction(tx);
  return { sink, findings: sink.finish() };
}

/** A poll opened, ana voting north then re-voting south, boris voting north. */
function pollWithRevote(): SyntheticLedger {
  const ledger = new SyntheticLedger();
  ledger.createPoll(POLL);
  ledger.setStatus(POLL, 'open');
  ledger.castBallot('ana 1', POLL, 'ana', ['north']);
  ledger.castBallot('boris 1', POLL, 'boris', ['north']);
  ledger.castBallot('ana 2', POLL, 'ana', ['south'], { revision: 2 });
  return ledger;
}

describe('the Veche sink: replaying ballots from write sets', () => {
  it('counts a re-vote once: the last ballot of a resident counts, the earlier one is superseded', () => {
    const ledger = pollWithRevote();
    ledger.setStatus(POLL, 'closed', { time: AFTER_CLOSE });
    ledger.finalTally('final', POLL, { north: 1, south: 1 });
    const { sink, findings } = replay(ledger);

    expect(findings).toEqual([]);
    const [result] = sink.results();
    expect(result).toMatchObject({
      pollId: POLL,
      status: 'closed',
      recomputed: { totalBallots: 2, counts: { north: 1, south: 1 } },
      tallyMatches: true,
    });
  });

  it('reports an open poll with its live recount and no tally to compare', () => {
    const { sink, findings } = replay(pollWithRevote());
    expect(findings).toEqual([]);
    expect(sink.results()).toEqual([
      expect.objectContaining({
        status: 'open',
        recomputed: { totalBallots: 2, counts: { north: 1, south: 1 } },
        tallyMatches: null,
      }),
    ]);
  });

  it('does not count a ballot written after the poll was closed, and names its block', () => {
    const ledger = pollWithRevote();
    ledger.setStatus(POLL, 'closed');
    const late = ledger.castBallot('clara late', POLL, 'clara', ['north']);
    ledger.finalTally('final', POLL, { north: 1, south: 1 });
    const { sink, findings } = replay(ledger);

    expect(findings).toEqual([
      expect.objectContaining({
        check: 'veche-ballot',
        blockNumber: late.blockNumber,
        txId: late.txId,
        message: expect.stringContaining('the poll was closed') as string,
      }),
    ]);
    expect(sink.results()[0]?.recomputed.totalBallots).toBe(2);
  });

  it('does not count a ballot whose time is outside opensAt..closesAt while the poll is still open', () => {
    const ledger = pollWithRevote();
    const late = ledger.castBallot('dmitri late', POLL, 'dmitri', ['north'], {
      time: new Date(CLOSES_AT),
    });
    const { sink, findings } = replay(ledger);
    expect(findings).toEqual([
      expect.objectContaining({
        blockNumber: late.blockNumber,
        message: expect.stringContaining('outside the window') as string,
      }),
    ]);
    expect(sink.results()[0]?.recomputed.counts).toEqual({ north: 1, south: 1 });
  });

  it('ignores transactions the verifier found invalid (an MVCC conflict changed nothing)', () => {
    const ledger = pollWithRevote();
    ledger.castBallot('ana 3', POLL, 'ana', ['north'], { revision: 3, valid: false });
    const { sink, findings } = replay(ledger);
    expect(findings).toEqual([]);
    expect(sink.results()[0]?.recomputed.counts).toEqual({ north: 1, south: 1 });
  });

  it('flags a final tally whose numbers differ from the recount, with its block number and txId', () => {
    const ledger = pollWithRevote();
    ledger.setStatus(POLL, 'closed', { time: AFTER_CLOSE });
    const tally = ledger.finalTally('edited', POLL, { north: 2, south: 1 }, { totalBallots: 2 });
    const { sink, findings } = replay(ledger);

    expect(findings).toEqual([
      {
        check: 'veche-tally',
        blockNumber: tally.blockNumber,
        txId: tally.txId,
        message: expect.stringContaining('north 1 ≠ 2') as string,
      },
    ]);
    expect(sink.results()[0]?.tallyMatches).toBe(false);
  });

  it('checks each shard tally chunk against the ballots of its shard up to the last one it counted', () => {
    const ledger = pollWithRevote();
    ledger.setStatus(POLL, 'closed', { time: AFTER_CLOSE });
    // Key order of the two residents decides what the first chunk of one ballot covered.
    const [first, second] = ['ana', 'boris'].sort((a, b) =>
      residentOf(a) < residentOf(b) ? -1 : 1,
    );
    const firstChoice = first === 'ana' ? 'south' : 'north';
    ledger.shardTally('chunk 1', POLL, { north: 0, south: 0, [firstChoice]: 1 }, first!, false);
    const edited = ledger.shardTally('chunk 2', POLL, { north: 2, south: 0 }, second!);
    const { findings } = replay(ledger);
    expect(findings).toEqual([
      expect.objectContaining({
        check: 'veche-tally',
        blockNumber: edited.blockNumber,
        txId: edited.txId,
        message: expect.stringMatching(/shard 0 tally .*north 1 ≠ 2, south 1 ≠ 0/) as string,
      }),
    ]);
  });

  it('still compares a tally the peer stored as VALID that fails the verifier’s own checks', () => {
    const ledger = pollWithRevote();
    ledger.setStatus(POLL, 'closed', { time: AFTER_CLOSE });
    const tally = ledger.finalTally(
      'tampered',
      POLL,
      { north: 9, south: 1 },
      { valid: false, storedFlag: 0 },
    );
    const { findings } = replay(ledger);
    expect(findings).toEqual([
      expect.objectContaining({
        check: 'veche-tally',
        blockNumber: tally.blockNumber,
        message: expect.stringMatching(/north 1 ≠ 9.*fails the verifier/) as string,
      }),
    ]);
  });

  it('keeps the first ballot counted when a second one is written where re-voting is off', () => {
    const ledger = new SyntheticLedger();
    ledger.createPoll(POLL, { allowRevote: false });
    ledger.setStatus(POLL, 'open', { allowRevote: false });
    ledger.castBallot('ana 1', POLL, 'ana', ['north']);
    const second = ledger.castBallot('ana 2', POLL, 'ana', ['south'], { revision: 2 });
    const { sink, findings } = replay(ledger);
    expect(findings).toEqual([
      expect.objectContaining({
        blockNumber: second.blockNumber,
        message: expect.stringContaining('re-voting is off') as string,
      }),
    ]);
    expect(sink.results()[0]?.recomputed.counts).toEqual({ north: 1, south: 0 });
  });

  it('does not count choices that do not fit the poll (an unknown option, more than maxChoices)', () => {
    const ledger = new SyntheticLedger();
    ledger.createPoll(POLL);
    ledger.setStatus(POLL, 'open');
    ledger.castBallot('ana 1', POLL, 'ana', ['east']);
    ledger.castBallot('boris 1', POLL, 'boris', ['north', 'south']);
    const { sink, findings } = replay(ledger);
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringContaining('not an option of this poll'),
      expect.stringContaining('at most 1 choices'),
    ]);
    expect(sink.results()[0]?.recomputed.totalBallots).toBe(0);
  });

  it('flags a poll whose definition changes after creation, and a status that skips a step', () => {
    const ledger = new SyntheticLedger();
    ledger.createPoll(POLL);
    const moved = ledger.setStatus(POLL, 'open', { closesAt: '2027-01-01T00:00:00.000Z' });
    const other = 'b'.repeat(32);
    ledger.createPoll(other);
    const skipped = ledger.setStatus(other, 'closed');
    const { findings } = replay(ledger);
    expect(findings).toEqual([
      expect.objectContaining({
        blockNumber: moved.blockNumber,
        message: expect.stringContaining('definition changed') as string,
      }),
      expect.objectContaining({
        blockNumber: skipped.blockNumber,
        message: expect.stringContaining('from draft to closed') as string,
      }),
    ]);
  });

  it('flags a deleted ballot and a value that is not a ballot, and counts neither', () => {
    const ledger = pollWithRevote();
    const key = compositeKey('ballot', POLL, '0000', residentOf('boris'));
    const deleted = ledger.add('delete', [{ key, isDelete: true, value: new Uint8Array() }]);
    const garbage = ledger.add('garbage', [
      put(compositeKey('ballot', POLL, '0000', residentOf('x')), { hello: 1 }),
    ]);
    const { findings } = replay(ledger);
    expect(findings.map(({ check, blockNumber }) => ({ check, blockNumber }))).toEqual([
      { check: 'veche-record', blockNumber: deleted.blockNumber },
      { check: 'veche-record', blockNumber: garbage.blockNumber },
    ]);
  });

  it('reads only its own namespace: the baseline chaincode’s writes are not Veche’s', () => {
    const other = new SyntheticLedger('baseline');
    other.createPoll(POLL);
    const { sink, findings } = replay(other);
    expect(sink.results()).toEqual([]);
    expect(findings).toEqual([]);
  });
});
