import type { BallotService } from '../services/ballots.js';
import type { SpecOf } from '../validation/registry.js';
import type { Recovery } from '../redis/idempotency.js';
import { recovery, type Handler } from './mount.js';

export function ballotHandlers(ballots: BallotService): {
  castBallot: Handler<SpecOf<'castBallot'>>;
  getReceipt: Handler<SpecOf<'getReceipt'>>;
} {
  return {
    castBallot: async ({ caller, params, body, writeOptions }) => ({
      status: 201,
      body: await ballots.cast(caller, params.pollId, body.choices, writeOptions),
    }),
    getReceipt: async ({ params }) => ({ status: 200, body: await ballots.receipt(params.txId) }),
  };
}

export function ballotRecoveries(ballots: BallotService): { castBallot: Recovery } {
  return { castBallot: recovery(201, (txId) => ballots.castOutcome(txId)) };
}
