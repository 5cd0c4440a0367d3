#!/usr/bin/env node
// veche-verify: verifies the civic channel from raw blocks. Exit 0 when every check holds,
// 1 naming the failing block (and transaction), 2 for usage errors.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { verifyLedger } from './pipeline.js';
import { humanReport } from './report.js';
import { blockFileName } from './sources/directorySource.js';
import { openSource, UsageError } from './sources/openSource.js';
import { createVecheChecks, type VecheChecks } from './veche/index.js';

const usage = `usage: veche-verify --from <gateway URL | peer[:<org>] | directory> [options]
  --json                  print the result as JSON
  --export <dir>          also write every block read to <dir>/<n>.block
  --anchor <hex>          expected SHA-256 of block 0's header
  --network-config <file> network.json for --from peer (default .runtime/network/config/network.json)
  --level <all|hash-chain> which checks run (default all)
  --receipt <txId>        prove one ballot's receipt from the blocks (exit 0 when it holds)`;

function defaultNetworkConfig(): string {
  const runtime = process.env.VECHE_RUNTIME_DIR ?? '.runtime';
  return process.env.VECHE_NETWORK_DIR
    ? join(process.env.VECHE_NETWORK_DIR, 'config/network.json')
    : join(runtime, 'network/config/network.json');
}

/**
 * HOOK for the Veche-level checks (verifier/src/veche/README.md): their sink replays the ballots,
 * and conclude() reports the recount, the gateway comparison or the --receipt proof.
 */
function vecheChecks(options: { receipt?: string; chaincode: string; from: string }): VecheChecks {
  return createVecheChecks({
    chaincode: options.chaincode,
    ...(options.receipt === undefined ? {} : { receipt: options.receipt }),
    // A gateway URL as the block source is also the gateway whose results are compared.
    ...(/^https?:\/\//.test(options.from) ? { gatewayUrl: options.from } : {}),
  });
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        from: { type: 'string' },
        json: { type: 'boolean', default: false },
        export: { type: 'string' },
        anchor: { type: 'string' },
        'network-config': { type: 'string' },
        level: { type: 'string', default: 'all' },
        receipt: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (values.from === undefined) throw new UsageError('--from is required');
  if (values.level !== 'all' && values.level !== 'hash-chain')
    throw new UsageError('--level must be all or hash-chain');
  if (values.anchor !== undefined && !/^[0-9a-fA-F]{64}$/.test(values.anchor))
    throw new UsageError('--anchor must be 64 hex digits');
  const source = await openSource(values.from, values['network-config'] ?? defaultNetworkConfig());
  const exportDir = values.export;
  if (exportDir !== undefined) await mkdir(exportDir, { recursive: true });
  const veche = vecheChecks({
    chaincode: 'veche',
    from: values.from,
    ...(values.receipt === undefined ? {} : { receipt: values.receipt }),
  });
  const started = performance.now();
  let lastReport = 0;
  try {
    const result = await verifyLedger({
      source,
      sinks: veche.sinks,
      level: values.level,
      ...(values.anchor === undefined ? {} : { anchor: values.anchor }),
      onBlock:
        exportDir === undefined
          ? undefined
          : (n, bytes) => writeFile(join(exportDir, blockFileName(n)), bytes),
      onProgress(done, height) {
        const now = performance.now();
        if (now - lastReport < 1000 && done < height) return;
        lastReport = now;
        const rate = done / ((now - started) / 1000);
        process.stderr.write(
          `verified ${done} of ${height} blocks (${rate.toFixed(1)} blocks/s)\n`,
        );
      },
    });
    const outcome = await veche.conclude({
      findings: result.findings,
      lastBlock: result.height - 1,
    });
    result.findings.push(...outcome.findings);
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      values.json
        ? `${JSON.stringify({ ...result, seconds, veche: outcome.json }, null, 2)}\n`
        : `${humanReport(result, seconds)}\n${outcome.text}\n`,
    );
    if (outcome.receiptHolds !== undefined) return outcome.receiptHolds ? 0 : 1;
    return result.findings.length === 0 ? 0 : 1;
  } finally {
    await source.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`veche-verify: ${error.message}\n${usage}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`veche-verify: ${(error as Error).message}\n`);
      process.exitCode = 1;
    }
  },
);
