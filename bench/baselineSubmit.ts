// Latency of one baseline write on the running network, one at a time: endorsement by both
// departments through the IT department's peer, ordering by the SmartBFT orderers, and the wait
// for its commit status. Each phase is timed separately, so the block cutting setting
// (SmartBFT.RequestBatchMaxInterval) shows in the commit wait.
//
// usage: npm run bench:submit -- [count=100] [network.json=.runtime/network/config/network.json]
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openFabricNetwork, readNetworkDescription } from '../test/helpers/fabricNetwork.js';

interface Sample {
  endorse: number;
  submit: number;
  commit: number;
  total: number;
}

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

function summarise(name: keyof Sample, samples: readonly Sample[]): string {
  const sorted = samples.map((sample) => sample[name]).sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  const figures = [
    ['min', sorted[0] ?? Number.NaN],
    ['median', percentile(sorted, 50)],
    ['mean', mean],
    ['p95', percentile(sorted, 95)],
    ['max', sorted[sorted.length - 1] ?? Number.NaN],
  ] as const;
  return `${name.padEnd(8)} ${figures.map(([label, ms]) => `${label} ${ms.toFixed(1)} ms`).join('  ')}`;
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 100);
  if (!Number.isSafeInteger(count) || count < 1)
    throw new Error('count must be a positive integer');
  const path = process.argv[3] ?? join(process.cwd(), '.runtime/network/config/network.json');
  const description = readNetworkDescription(path);
  const network = openFabricNetwork(description);
  try {
    const contract = network
      .gateway({ as: description.gatewayMspId })
      .getNetwork(description.channel)
      .getContract(description.baselineChaincode);
    const run = `bench-${Date.now()}`;
    const warmUp = 5;
    const samples: Sample[] = [];
    const started = performance.now();
    for (let i = 0; i < warmUp + count; i++) {
      const t0 = performance.now();
      const transaction = await contract
        .newProposal('Put', { arguments: [`${run}-${i}`, String(i)] })
        .endorse();
      const t1 = performance.now();
      const commit = await transaction.submit();
      const t2 = performance.now();
      const status = await commit.getStatus();
      const t3 = performance.now();
      if (!status.successful) throw new Error(`${status.transactionId} committed ${status.code}`);
      if (i >= warmUp)
        samples.push({ endorse: t1 - t0, submit: t2 - t1, commit: t3 - t2, total: t3 - t0 });
      if ((i + 1) % 20 === 0 || i + 1 === warmUp + count) {
        const seconds = (performance.now() - started) / 1000;
        console.error(
          `[bench +${seconds.toFixed(1)}s] ${i + 1}/${warmUp + count} writes committed`,
        );
      }
    }
    console.log(
      `baseline Put, one at a time, ${count} writes after ${warmUp} warm-up, via ${description.gatewayMspId}'s peer`,
    );
    for (const name of ['endorse', 'submit', 'commit', 'total'] as const)
      console.log(summarise(name, samples));
  } finally {
    network.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
