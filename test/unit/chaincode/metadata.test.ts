import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  TRANSACTION_ACCESS,
  isWrite,
  type TransactionName,
} from '../../../chaincode/src/domain/access';

const ROOT = path.resolve(__dirname, '../../..');
const CHAINCODE = path.join(ROOT, 'chaincode');
const CLI = path.join(ROOT, 'node_modules/fabric-shim/cli.js');
const FIXTURE = path.join(ROOT, 'test/fixtures/chaincode-metadata.json');

interface Metadata {
  info?: { version?: string };
  contracts: Record<string, { transactions: { name: string; tag?: string[] }[] }>;
}

function newestMtime(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const full = path.join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs;
    return Math.max(newest, mtime);
  }, 0);
}

/** Builds the chaincode when dist is missing or older than the sources, as `npm test` would. */
function ensureBuilt(): void {
  const entry = path.join(CHAINCODE, 'dist/index.js');
  let built = 0;
  try {
    built = statSync(entry).mtimeMs;
  } catch {
    built = 0;
  }
  if (built < newestMtime(path.join(CHAINCODE, 'src'))) {
    execFileSync('npm', ['run', 'build', '-w', 'chaincode'], { cwd: ROOT, stdio: 'pipe' });
  }
}

/** The package version changes with releases, not with the transaction surface. */
function withoutVersion(metadata: Metadata): Metadata {
  return { ...metadata, info: { ...metadata.info, version: '<any>' } };
}

describe('chaincode metadata', () => {
  let generated: Metadata;

  beforeAll(() => {
    ensureBuilt();
    const dir = mkdtempSync(path.join(tmpdir(), 'veche-metadata-'));
    try {
      const file = path.join(dir, 'metadata.json');
      execFileSync(
        process.execPath,
        [CLI, 'metadata', 'generate', '--module-path', CHAINCODE, '--file', file],
        { cwd: ROOT, stdio: 'pipe' },
      );
      generated = JSON.parse(readFileSync(file, 'utf8')) as Metadata;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('matches the committed surface, so adding or renaming a transaction fails here first', () => {
    const expected = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Metadata;
    expect(withoutVersion(generated)).toEqual(withoutVersion(expected));
  });

  it('has an access rule for exactly the callable transactions, with reads as evaluate-only', () => {
    const callable = Object.entries(generated.contracts)
      .filter(([name]) => name !== 'org.hyperledger.fabric')
      .flatMap(([contract, { transactions }]) =>
        transactions.map((tx) => ({ name: `${contract}:${tx.name}`, tags: tx.tag ?? [] })),
      );
    expect(callable.map((tx) => tx.name).sort()).toEqual(Object.keys(TRANSACTION_ACCESS).sort());
    for (const tx of callable) {
      const submit = tx.tags.includes('SUBMIT');
      expect([tx.name, submit]).toEqual([tx.name, isWrite(tx.name as TransactionName)]);
    }
  });
});
