// Ballots through the REST gateway against the same ballots submitted directly through
// fabric-gateway, for the same time and the same number of requests in flight, on one open poll
// and one pool of residents registered through the API. The REST path adds authentication, rate
// limits, idempotency records in Redis, live counts and the gateway's own Fabric client; the
// ratio of the two throughputs is the figure.
//
// usage: npm run bench:api -- [--seconds 60] [--concurrency 32] [--residentsPerWorker 4]
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { devToken } from '../test/helpers/devIdp.js';
import { benchChoices, benchDistrict, benchDraft, veche } from './lib/ledger.js';
import { describeResult, runLoad } from './lib/load.js';
import { ballotBenchFlags, openBenchNetwork } from './lib/network.js';
import { pollSchema } from './lib/pollSchema.js';
import { startSystem } from './lib/system.js';

const registrationSchema = z.object({ residentId: z.string().regex(/^[0-9a-f]{64}$/) });

async function post(url: string, token: string, body?: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      'idempotency-key': randomUUID(),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function expectStatus(
  response: Response,
  statuses: number[],
  what: string,
): Promise<unknown> {
  const text = await response.text();
  if (!statuses.includes(response.status))
    throw new Error(`${what}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

async function main(): Promise<void> {
  const flags = ballotBenchFlags();
  const { description, network } = openBenchNetwork();
  console.error('[bench] starting Redis, the development IdP and the gateway (scripts/veche.sh)');
  const system = await startSystem();
  try {
    const run = Date.now().toString(36);
    const official = await devToken(system.issuer, {
      sub: `bench-official-${run}`,
      roles: ['official'],
      department: description.gatewayMspId,
    });
    const created = pollSchema.parse(
      await expectStatus(
        await post(`${system.gateway}/api/v1/polls`, official, benchDraft('REST benchmark')),
        [201],
        'create poll',
      ),
    );
    const pollId = created.pollId;
    await expectStatus(
      await post(`${system.gateway}/api/v1/polls/${pollId}/open`, official),
      [200],
      'open poll',
    );

    const pool = flags.concurrency * flags.residentsPerWorker;
    const tokens: string[] = [];
    const residentIds: string[] = [];
    let next = 0;
    const registration = await runLoad({
      name: 'registering residents (REST)',
      seconds: 600,
      concurrency: flags.concurrency,
      maxTasks: pool,
      task: async () => {
        // One shared cursor: workers finish at different speeds, so none may own a fixed slice.
        const index = next++;
        if (index >= pool) return;
        const token = await devToken(system.issuer, {
          sub: `bench-resident-${run}-${index}`,
          roles: ['resident'],
          birthdate: '1980-01-01',
          district: benchDistrict,
        });
        const body = registrationSchema.parse(
          await expectStatus(
            await post(`${system.gateway}/api/v1/residents/me`, token),
            [201, 200],
            'register',
          ),
        );
        tokens[index] = token;
        residentIds[index] = body.residentId;
      },
    });
    if (registration.failed > 0)
      throw new Error(`registration failed: ${registration.failures.join(' | ')}`);
    console.error(`[bench] poll ${pollId} open, ${pool} residents registered through the API`);

    // Each worker owns its residents, so no two ballots of one resident are ever in flight.
    const resident = (worker: number, iteration: number): number =>
      worker * flags.residentsPerWorker + (iteration % flags.residentsPerWorker);
    const ballots = veche(network, 'ballots');
    const direct = await runLoad({
      name: 'direct CastBallot',
      seconds: flags.seconds,
      concurrency: flags.concurrency,
      task: async (worker, iteration) => {
        const residentId = residentIds[resident(worker, iteration)] ?? '';
        await ballots.submitTransaction(
          'CastBallot',
          pollId,
          residentId,
          JSON.stringify(benchChoices(iteration)),
        );
      },
    });
    const rest = await runLoad({
      name: 'REST POST /ballots',
      seconds: flags.seconds,
      concurrency: flags.concurrency,
      task: async (worker, iteration) => {
        const token = tokens[resident(worker, iteration)] ?? '';
        const response = await post(`${system.gateway}/api/v1/polls/${pollId}/ballots`, token, {
          choices: benchChoices(iteration + 1),
        });
        await expectStatus(response, [201], 'ballot');
      },
    });

    console.log(
      `bench:api: ${flags.concurrency} in flight, ${flags.seconds} s each, one poll, ${pool} residents re-voting; ` +
        'REST answered 201 only after commit, direct submits awaited their commit status',
    );
    console.log(describeResult(direct));
    console.log(describeResult(rest));
    console.log(`rest/direct throughput ratio: ${(rest.perSecond / direct.perSecond).toFixed(2)}`);
  } finally {
    network.close();
    await system.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
