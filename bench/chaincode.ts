// Ballots against Fabric's own ceiling on this machine: for the same time and the same number of
// transactions in flight, veche's CastBallot and the baseline chaincode's trivial Put, both
// submitted directly through fabric-gateway with the gateway organisation's client identity and
// both waiting for their commit status. The ratio of the two throughputs is the figure.
//
// usage: npm run bench:chaincode -- [--seconds 60] [--concurrency 32] [--residentsPerWorker 4]
import { benchChoices, openBenchPoll, registerBenchResidents, veche } from './lib/ledger.js';
import { describeResult, runLoad } from './lib/load.js';
import { ballotBenchFlags, openBenchNetwork } from './lib/network.js';

async function main(): Promise<void> {
  const flags = ballotBenchFlags();
  const { description, network } = openBenchNetwork();
  try {
    const pollId = await openBenchPoll(network);
    const pool = flags.concurrency * flags.residentsPerWorker;
    const residents = await registerBenchResidents(network, pool, flags.concurrency);
    console.error(`[bench] poll ${pollId} open, ${residents.length} residents registered`);

    const baseline = network
      .gateway({ as: description.gatewayMspId })
      .getNetwork(description.channel)
      .getContract(description.baselineChaincode);
    const run = `bench-${Date.now()}`;
    const trivial = await runLoad({
      name: 'baseline Put (trivial write)',
      seconds: flags.seconds,
      concurrency: flags.concurrency,
      task: async (worker, iteration) => {
        await baseline.submitTransaction('Put', `${run}-${worker}-${iteration}`, String(iteration));
      },
    });

    const ballots = veche(network, 'ballots');
    // Each worker owns its residents, so no two ballots of one resident are ever in flight.
    const cast = await runLoad({
      name: 'veche CastBallot',
      seconds: flags.seconds,
      concurrency: flags.concurrency,
      task: async (worker, iteration) => {
        const residentId =
          residents[worker * flags.residentsPerWorker + (iteration % flags.residentsPerWorker)] ??
          '';
        await ballots.submitTransaction(
          'CastBallot',
          pollId,
          residentId,
          JSON.stringify(benchChoices(iteration)),
        );
      },
    });

    console.log(
      `bench:chaincode: ${flags.concurrency} in flight, ${flags.seconds} s each, direct fabric-gateway submits ` +
        `through ${description.gatewayMspId}'s peer, commit status awaited`,
    );
    console.log(describeResult(trivial));
    console.log(describeResult(cast));
    console.log(
      `ballot/trivial throughput ratio: ${(cast.perSecond / trivial.perSecond).toFixed(2)}`,
    );
  } finally {
    network.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
