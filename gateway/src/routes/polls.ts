import type { PollService } from '../services/polls.js';
import type { SpecOf } from '../validation/registry.js';
import type { Recovery } from '../redis/idempotency.js';
import { recovery, type Handler } from './mount.js';

export function pollHandlers(polls: PollService): {
  createPoll: Handler<SpecOf<'createPoll'>>;
  listPolls: Handler<SpecOf<'listPolls'>>;
  getPoll: Handler<SpecOf<'getPoll'>>;
  openPoll: Handler<SpecOf<'openPoll'>>;
  closePoll: Handler<SpecOf<'closePoll'>>;
  getResults: Handler<SpecOf<'getResults'>>;
} {
  return {
    createPoll: async ({ caller, body, writeOptions }) => ({
      status: 201,
      body: await polls.create(caller, body, writeOptions),
    }),
    listPolls: async ({ query }) => ({
      status: 200,
      body: await polls.list(query.status, query.limit, query.cursor),
    }),
    getPoll: async ({ params }) => ({ status: 200, body: await polls.get(params.pollId) }),
    openPoll: async ({ caller, params }) => ({
      status: 200,
      body: await polls.open(caller, params.pollId),
    }),
    closePoll: async ({ caller, params }) => {
      const { poll, tallied } = await polls.close(caller, params.pollId);
      // 202: closed, the final tally still being recorded; the results say when it is.
      return tallied
        ? { status: 200, body: poll }
        : {
            status: 202,
            body: poll,
            headers: { Location: `/api/v1/polls/${params.pollId}/results` },
          };
    },
    getResults: async ({ params }) => ({ status: 200, body: await polls.results(params.pollId) }),
  };
}

export function pollRecoveries(polls: PollService): { createPoll: Recovery } {
  return { createPoll: recovery(201, (txId) => polls.createOutcome(txId)) };
}
