// A ballot's cost against the ballots already in its poll, and the close and tally of a poll that
// holds them: two polls created and opened through the API, one left empty and one seeded with
// `ballots` first ballots of as many residents (registered and cast directly through
// fabric-gateway, the fastest path on this machine); then the same residents' re-votes into
// each poll in turn (empty, seeded, empty, seeded), and both polls closed through the API, timed
// until their results are final. A million-ballot poll cannot be seeded here (about 30 writes/s
// on 2 shared cores), so docs/performance.md extrapolates from these figures.
//
// usage: npm run bench:scale -- [--ballots 2000] [--concurrency 32] [--seconds 20]
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { devToken } from '../test/helpers/devIdp.js';
import { benchChoices, benchDraft, registerBenchResidents, veche } from './lib/ledger.js';
import { describeResult, numericFlags, runLoad, type LoadResult } from './lib/load.js';
import { openBenchNetwork } from './lib/network.js';
import { pollSchema } from './lib/pollSchema.js';
import { expectStatus, post } from './lib/rest.js';
import { startSystem } from './lib/system.js';

const resultsSchema = z.object({ status: z.string(), totalBallots: z.number() });

async function main(): Promise<void> {
  const flags = numericFlags(process.argv.slice(2), {
    ballots: 2000,
    concurrency: 32,
    seconds: 20,
  });
  const { description, network } = openBenchNetwork();
  console.error('[bench] starting Redis, the development IdP and the gateway (scripts/veche.sh)');
  const system = await startSystem();
  try {
    const official = await devToken(system.issuer, {
      sub: `bench-official-${Date.now().toString(36)}`,
      roles: ['official'],
      department: description.gatewayMspId,
    });
    const openPoll = async (title: string): Promise<string> => {
      const { pollId } = pollSchema.parse(
        await expectStatus(
          await post(`${system.gateway}/api/v1/polls`, official, benchDraft(title)),
          [201],
          'create poll',
        ),
      );
      await expectStatus(
        await post(`${system.gateway}/api/v1/polls/${pollId}/open`, official),
        [200],
        'open poll',
      );
      return pollId;
    };
    const empty = await openPoll('Scale benchmark, empty');
    const seeded = await openPoll(`Scale benchmark, ${flags.ballots} ballots`);

    const seedStart = performance.now();
    const residents = await registerBenchResidents(network, flags.ballots, flags.concurrency);
    const ballots = veche(network, 'ballots');
    let next = 0;
    const seeding = await runLoad({
      name: `seeding ${flags.ballots} ballots`,
      seconds: 3600,
      concurrency: flags.concurrency,
      maxTasks: flags.ballots,
      task: async () => {
        const index = next++;
        const residentId = residents[index];
        if (residentId === undefined) return;
        await ballots.submitTransaction(
          'CastBallot',
          seeded,
          residentId,
          JSON.stringify(benchChoices(index)),
        );
      },
    });
    // Under overload a submit can fail after the orderers took it ("request already processed"):
    // a few such ballots are tolerated, since the tally reports how many the poll really holds.
    if (seeding.failed > flags.ballots / 20)
      throw new Error(`seeding failed: ${seeding.failures.join(' | ')}`);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    console.error(
      `[bench] ${flags.ballots} residents and ballots written in ${seedSeconds.toFixed(0)} s`,
    );

    // Re-votes by the first residents of the pool: a worker owns its resident, so no two
    // ballots of one resident are in flight; the first round in each poll is a first ballot
    // in the empty poll and a re-vote in the seeded one, so both polls get a warm-up round.
    const pool = residents.slice(0, flags.concurrency);
    const castInto = (pollId: string, name: string): Promise<LoadResult> =>
      runLoad({
        name,
        seconds: flags.seconds,
        concurrency: flags.concurrency,
        task: async (worker, iteration) => {
          await ballots.submitTransaction(
            'CastBallot',
            pollId,
            pool[worker] ?? '',
            JSON.stringify(benchChoices(iteration + 1)),
          );
        },
      });
    const rounds: [LoadResult, LoadResult][] = [];
    for (let round = 0; round < 2; round++) {
      rounds.push([
        await castInto(empty, `cast, 0 others (round ${round + 1})`),
        await castInto(seeded, `cast, ${flags.ballots} others (round ${round + 1})`),
      ]);
    }

    const closeAndTally = async (pollId: string): Promise<{ seconds: number; total: number }> => {
      const t0 = performance.now();
      await expectStatus(
        await post(`${system.gateway}/api/v1/polls/${pollId}/close`, official),
        [200, 202],
        'close',
      );
      // A close that outlasts CLOSE_WAIT_MS answers 202 and tallies on: wait for final results.
      for (;;) {
        const response = await fetch(`${system.gateway}/api/v1/polls/${pollId}/results`);
        if (response.status === 200) {
          const results = resultsSchema.parse(await response.json());
          if (results.status === 'final')
            return { seconds: (performance.now() - t0) / 1000, total: results.totalBallots };
        } else if (response.status !== 409) {
          throw new Error(`results: ${response.status} ${await response.text()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };
    const emptyClose = await closeAndTally(empty);
    const seededClose = await closeAndTally(seeded);

    console.log(
      `bench:scale: ${flags.concurrency} direct CastBallot in flight, ${flags.seconds} s per round, ` +
        `polls with 64 shards (expectedElectorate 1,000,000)`,
    );
    console.log(
      `seeding: ${flags.ballots} residents registered and ${seeding.completed} ballots cast ` +
        `(${seeding.failed} submits failed) in ${seedSeconds.toFixed(0)} s`,
    );
    for (const [atZero, atN] of rounds) {
      console.log(describeResult(atZero));
      console.log(describeResult(atN));
      console.log(
        `  cast throughput at ${flags.ballots} / at 0: ${(atN.perSecond / atZero.perSecond).toFixed(2)}, ` +
          `p50 ratio ${(atN.p50 / atZero.p50).toFixed(2)}`,
      );
    }
    console.log(
      `close + tally, empty poll (${emptyClose.total} ballots): ${emptyClose.seconds.toFixed(1)} s`,
    );
    console.log(
      `close + tally, seeded poll (${seededClose.total} ballots): ${seededClose.seconds.toFixed(1)} s ` +
        `(${(((seededClose.seconds - emptyClose.seconds) / Math.max(1, seededClose.total)) * 1000).toFixed(2)} ms per ballot over the empty poll's)`,
    );
  } finally {
    network.close();
    await system.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
