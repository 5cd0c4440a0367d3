// Verifier throughput on the running network's ledger. The blocks are read once from the
// regulator's peer into a temporary directory (that read is timed too, since qscc round trips
// dominate a --from peer run), then verified from the directory: first only the hash chain
// and data hashes (the baseline), then every Fabric-level check, then everything plus the Veche
// sink when verifier/src/veche exists. The time for 100,000 ballots is EXTRAPOLATED linearly
// from the measured transactions per second; it was not measured on such a ledger.
//
// usage: npm run bench:verify -- [network.json=.runtime/network/config/network.json] [rounds=3]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TransactionSink, VerifiedTransaction } from '../verifier/src/ledgerTransaction.js';
import { verifyLedger, type CheckLevel } from '../verifier/src/pipeline.js';
import { openDirectorySource } from '../verifier/src/sources/directorySource.js';
import { openPeerSource } from '../verifier/src/sources/peerSource.js';

const networkConfig = process.argv[2] ?? join('.runtime', 'network', 'config', 'network.json');
const rounds = Number(process.argv[3] ?? 3);

interface Run {
  seconds: number;
  blocks: number;
  transactions: number;
  findings: number;
}

async function timed(dir: string, level: CheckLevel, sinks: TransactionSink[] = []): Promise<Run> {
  const started = performance.now();
  const result = await verifyLedger({ source: await openDirectorySource(dir), level, sinks });
  return {
    seconds: (performance.now() - started) / 1000,
    blocks: result.blocksVerified,
    transactions: result.transactions,
    findings: result.findings.length,
  };
}

const best = (runs: Run[]): Run => runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'veche-bench-verify-'));
  try {
    const ballots: VerifiedTransaction[] = [];
    const counter: TransactionSink = {
      onTransaction(tx) {
        const fn = Buffer.from(tx.invocation?.args[0] ?? new Uint8Array()).toString('utf8');
        if (tx.valid && fn.endsWith('CastBallot')) ballots.push(tx);
      },
      finish: () => [],
    };
    const source = openPeerSource({ networkConfig });
    const readStarted = performance.now();
    let read: Run;
    try {
      const result = await verifyLedger({
        source,
        sinks: [counter],
        onBlock: (n, bytes) => writeFile(join(dir, `${n}.block`), bytes),
        onProgress: (done, height) => {
          if (done % 100 === 0 || done === height)
            process.stderr.write(`read ${done} of ${height} blocks from the peer\n`);
        },
      });
      read = {
        seconds: (performance.now() - readStarted) / 1000,
        blocks: result.blocksVerified,
        transactions: result.transactions,
        findings: result.findings.length,
      };
    } finally {
      await source.close();
    }
    const levels: Array<[string, () => Promise<Run>]> = [
      ['hash chain + data hash only (baseline)', () => timed(dir, 'hash-chain')],
      ['every Fabric-level check', () => timed(dir, 'all')],
    ];
    try {
      const veche = (await import('../verifier/src/veche/index.js')) as {
        createVecheSink?: (options: unknown) => TransactionSink;
      };
      const createVecheSink = veche.createVecheSink;
      if (createVecheSink)
        levels.push([
          'every check + Veche sink',
          () => timed(dir, 'all', [createVecheSink({ chaincode: 'veche' })]),
        ]);
    } catch {
      // The Veche checks are not there yet: only the Fabric-level figures.
    }
    console.log(
      `ledger: ${read.blocks} blocks, ${read.transactions} transactions, ${ballots.length} valid CastBallot`,
    );
    console.log(
      `read from the peer (qscc, with all checks): ${read.seconds.toFixed(2)} s, ${(read.blocks / read.seconds).toFixed(1)} blocks/s`,
    );
    let baseline: Run | undefined;
    let full: Run | undefined;
    for (const [name, run] of levels) {
      const runs: Run[] = [];
      for (let i = 0; i < rounds; i++) runs.push(await run());
      const figure = best(runs);
      baseline ??= figure;
      if (name === 'every Fabric-level check') full = figure;
      console.log(
        `${name}: best of ${rounds} ${figure.seconds.toFixed(3)} s, ${(figure.blocks / figure.seconds).toFixed(0)} blocks/s, ${(figure.transactions / figure.seconds).toFixed(0)} tx/s, ${(figure.seconds / baseline.seconds).toFixed(1)}x the baseline, findings ${figure.findings}`,
      );
    }
    if (full !== undefined) {
      const txPerSecond = full.transactions / full.seconds;
      // A ballot is one CastBallot transaction; each voter is also registered once (one more).
      const seconds = (100_000 * 2) / txPerSecond;
      console.log(
        `EXTRAPOLATED (not measured): 100,000 ballots = about 200,000 transactions (a RegisterResident and a CastBallot each) at ${txPerSecond.toFixed(0)} tx/s: ${(seconds / 60).toFixed(1)} min from a directory, all Fabric-level checks; linear in the ledger's size, excluding the peer read`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
