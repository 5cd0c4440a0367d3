// Ballots through the REST gateway against the same ballots submitted directly through
// fabric-gateway, and both against the baseline chaincode's trivial write, for the same time and
// the same number of requests in flight, on one open poll and one pool of residents registered
// through the API. The REST path adds authentication, rate limits, idempotency records in Redis,
// live counts and the gateway's own Fabric client. One run prints both ratios (ballot/trivial
// and REST/direct), where a REST ballot's time goes (from the gateway's and the nodes' /metrics),
// then offers REST ballots at fixed rates around the closed loop's maximum and prints p99
// POST->201 at half of it; bench-output/ gets a PNG of throughput and p99 against offered load.
//
// usage: npm run bench:api -- [--seconds 60] [--concurrency 32] [--residentsPerWorker 4]
//                             [--stepSeconds 20]
import { join } from 'node:path';
import { z } from 'zod';
import { devToken } from '../test/helpers/devIdp.js';
import { benchChoices, benchDistrict, benchDraft, veche } from './lib/ledger.js';
import { describeResult, runLoad, runOpenLoad, type OpenLoadResult } from './lib/load.js';
import { ballotBreakdown, describeBreakdown, scrapeAll } from './lib/metrics.js';
import { ballotBenchFlags, openBenchNetwork } from './lib/network.js';
import { plotSweep } from './lib/plot.js';
import { pollSchema } from './lib/pollSchema.js';
import { expectStatus, post } from './lib/rest.js';
import { startSystem } from './lib/system.js';

const registrationSchema = z.object({ residentId: z.string().regex(/^[0-9a-f]{64}$/) });

/** Offered REST load as fractions of the closed loop's throughput. */
const sweepFractions = [0.25, 0.5, 0.75, 1, 1.25];

async function main(): Promise<void> {
  const flags = ballotBenchFlags({ stepSeconds: 20 });
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
    const baseline = network
      .gateway({ as: description.gatewayMspId })
      .getNetwork(description.channel)
      .getContract(description.baselineChaincode);
    const trivial = await runLoad({
      name: 'baseline Put (trivial write)',
      seconds: flags.seconds,
      concurrency: flags.concurrency,
      task: async (worker, iteration) => {
        await baseline.submitTransaction('Put', `bench-${run}-${worker}-${iteration}`, 'x');
      },
    });
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
    const castRest = async (index: number, n: number): Promise<void> => {
      const response = await post(
        `${system.gateway}/api/v1/polls/${pollId}/ballots`,
        tokens[index] ?? '',
        { choices: benchChoices(n) },
      );
      await expectStatus(response, [201], 'ballot');
    };
    const before = await scrapeAll(system.gateway, description);
    const rest = await runLoad({
      name: 'REST POST /ballots',
      seconds: flags.seconds,
      concurrency: flags.concurrency,
      task: (worker, iteration) => castRest(resident(worker, iteration), iteration + 1),
    });
    const after = await scrapeAll(system.gateway, description);

    // Open loop around the closed loop's maximum; the slots are the same residents, one ballot
    // of each in flight at most, as the gateway's per-resident lock wants.
    const sweep: OpenLoadResult[] = [];
    for (const fraction of sweepFractions) {
      const rate = Math.max(1, Math.round(rest.perSecond * fraction * 10) / 10);
      sweep.push(
        await runOpenLoad({
          name: `REST at ${rate}/s offered`,
          seconds: flags.stepSeconds,
          rate,
          slots: pool,
          task: (slot, n) => castRest(slot, n + 2),
        }),
      );
    }
    const half = sweep[sweepFractions.indexOf(0.5)];
    const plot = join(
      'bench-output',
      `bench-api-${new Date().toISOString().replace(/[:.]/g, '-')}.png`,
    );
    plotSweep(
      plot,
      `bench:api REST ballots, open loop, ${flags.stepSeconds} s per step (closed-loop max ${rest.perSecond.toFixed(1)}/s)`,
      sweep.map((r) => ({ offered: r.offered, achieved: r.perSecond, p99: r.p99 })),
    );

    console.log(
      `bench:api: ${flags.concurrency} in flight, ${flags.seconds} s each, one poll, ${pool} residents re-voting; ` +
        'REST answered 201 only after commit, direct submits awaited their commit status',
    );
    console.log(describeResult(trivial));
    console.log(describeResult(direct));
    console.log(describeResult(rest));
    console.log(
      `ballot/trivial throughput ratio: ${(direct.perSecond / trivial.perSecond).toFixed(2)}`,
    );
    console.log(`rest/direct throughput ratio: ${(rest.perSecond / direct.perSecond).toFixed(2)}`);
    console.log(
      `\nwhere a REST ballot's time went (means over the REST phase, ${rest.completed} ballots):`,
    );
    console.log(describeBreakdown(ballotBreakdown(before, after, description, rest.completed)));
    console.log(`\nopen loop, ${flags.stepSeconds} s per offered rate:`);
    for (const r of sweep)
      console.log(`${describeResult(r)}  offered ${r.offered}/s, ${r.dropped} dropped`);
    if (half !== undefined)
      console.log(
        `p99 POST->201 at half of the maximum load (${half.offered}/s offered): ${half.p99.toFixed(0)} ms`,
      );
    console.log(`plot: ${plot}`);
  } finally {
    network.close();
    await system.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
