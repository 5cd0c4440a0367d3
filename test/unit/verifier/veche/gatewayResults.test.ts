import {
  compareWithGateway,
  createVecheSink,
  type PollResult,
} from '../../../../verifier/src/veche/index.js';
import { SyntheticLedger } from './syntheticLedger.js';

const CLOSED = 'd'.repeat(32);
const OPEN = 'e'.repeat(32);

function results(): { results: PollResult[]; lastBlock: number; tallyBlock: number } {
  const ledger = new SyntheticLedger();
  ledger.createPoll(CLOSED);
  ledger.setStatus(CLOSED, 'open');
  ledger.castBallot('ana', CLOSED, 'ana', ['north']);
  ledger.setStatus(CLOSED, 'closed');
  const tally = ledger.finalTally('final', CLOSED, { north: 1, south: 0 });
  ledger.createPoll(OPEN);
  ledger.setStatus(OPEN, 'open');
  const last = ledger.castBallot('boris', OPEN, 'boris', ['south']);
  const sink = createVecheSink();
  for (const tx of ledger.transactions) sink.onTransaction(tx);
  return { results: sink.results(), lastBlock: last.blockNumber, tallyBlock: tally.blockNumber };
}

/** A stand-in for the gateway's HTTP answers: this unit is the comparison, not the transport. */
function gateway(answers: Record<string, { status: number; body: unknown }>): typeof fetch {
  return (input) => {
    const path = new URL(input instanceof Request ? input.url : input).pathname;
    const answer = answers[path] ?? { status: 404, body: { type: 'not-found' } };
    return Promise.resolve(new Response(JSON.stringify(answer.body), { status: answer.status }));
  };
}

describe('comparing the recount with the gateway’s results', () => {
  it('matches final and live results equal to the recount while the ledger has not grown', async () => {
    const { results: polls, lastBlock } = results();
    const check = await compareWithGateway(polls, {
      baseUrl: 'http://gateway.test/',
      lastBlock,
      fetch: gateway({
        '/api/v1/ledger/info': { status: 200, body: { height: lastBlock + 1 } },
        [`/api/v1/polls/${CLOSED}/results`]: {
          status: 200,
          body: {
            pollId: CLOSED,
            status: 'final',
            totalBallots: 1,
            counts: { north: 1, south: 0 },
          },
        },
        [`/api/v1/polls/${OPEN}/results`]: {
          status: 200,
          body: { pollId: OPEN, status: 'live', totalBallots: 1, counts: { north: 0, south: 1 } },
        },
      }),
    });
    expect(check.findings).toEqual([]);
    expect(check.comparisons.map((c) => c.outcome)).toEqual(['match', 'match']);
  });

  it('flags final results that differ at the tally’s block, and skips sealed or moved live results', async () => {
    const { results: polls, lastBlock, tallyBlock } = results();
    const check = await compareWithGateway(polls, {
      baseUrl: 'http://gateway.test',
      lastBlock,
      fetch: gateway({
        '/api/v1/ledger/info': { status: 200, body: { height: lastBlock + 5 } },
        [`/api/v1/polls/${CLOSED}/results`]: {
          status: 200,
          body: {
            pollId: CLOSED,
            status: 'final',
            totalBallots: 1,
            counts: { north: 0, south: 1 },
          },
        },
        [`/api/v1/polls/${OPEN}/results`]: {
          status: 409,
          body: { type: 'results-sealed', status: 409 },
        },
      }),
    });
    expect(check.findings).toEqual([
      expect.objectContaining({
        check: 'veche-gateway',
        blockNumber: tallyBlock,
        message: expect.stringContaining('north 1 ≠ 0') as string,
      }),
    ]);
    expect(check.comparisons[1]).toMatchObject({
      outcome: 'not-compared',
      detail: expect.stringContaining('results-sealed') as string,
    });
  });

  it('flags a poll on the ledger that the gateway does not know', async () => {
    const { results: polls, lastBlock } = results();
    const check = await compareWithGateway(polls.slice(1), {
      baseUrl: 'http://gateway.test',
      lastBlock,
      fetch: gateway({ '/api/v1/ledger/info': { status: 200, body: { height: 1 } } }),
    });
    expect(check.findings).toEqual([
      expect.objectContaining({ message: expect.stringContaining('HTTP 404') as string }),
    ]);
  });
});
