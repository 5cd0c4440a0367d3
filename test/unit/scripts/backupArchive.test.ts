import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The archive checks of scripts/backup.sh, on archives made here in its layout (making a real one
// needs a network: test/integration/network/disruptive/backupRestore.test.ts does that).

const script = join(process.cwd(), 'scripts/backup.sh');

describe('backup.sh archive checks', () => {
  let dir: string;
  let tree: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'veche-backup-unit-'));
    tree = join(dir, 'tree');
    for (const folder of ['network/data/peer-itdept', 'gateway', 'idp', 'redis'])
      mkdirSync(join(tree, folder), { recursive: true });
    writeFileSync(join(tree, 'network/data/peer-itdept/ledger'), 'blocks');
    writeFileSync(join(tree, 'gateway/pseudonym.secret'), 'a'.repeat(64));
    writeFileSync(join(tree, 'idp/jwks.json'), '{"keys":[]}');
    writeFileSync(join(tree, 'redis/dump.rdb'), 'REDIS0011');
    writeFileSync(join(tree, 'manifest.env'), "VECHE_BACKUP_FORMAT='1'\nPORT='3000'\n");
    sealManifest();
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function sealManifest(): void {
    const sums = execFileSync(
      'bash',
      ['-c', 'find . -type f ! -name MANIFEST.sha256 -print0 | sort -z | xargs -0 sha256sum'],
      { cwd: tree, encoding: 'utf8' },
    );
    writeFileSync(join(tree, 'MANIFEST.sha256'), sums);
  }

  function archive(name = 'backup.tar.gz'): string {
    const file = join(dir, name);
    execFileSync('tar', ['-C', tree, '-czf', file, '.']);
    return file;
  }

  function run(...args: string[]): { code: number; output: string } {
    const result = spawnSync('bash', [script, ...args], { encoding: 'utf8' });
    return { code: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
  }

  it('accepts an archive whose every file matches its manifest', () => {
    const checked = run('verify', archive());
    expect(checked.code).toBe(0);
    expect(checked.output).toContain('every file matches MANIFEST.sha256 (5 files)');
  });

  it('refuses a changed file and names it', () => {
    writeFileSync(join(tree, 'gateway/pseudonym.secret'), 'b'.repeat(64));
    const checked = run('verify', archive());
    expect(checked.code).toBe(1);
    expect(checked.output).toContain(
      'is corrupted: these files do not match MANIFEST.sha256: ./gateway/pseudonym.secret',
    );
  });

  it('refuses a missing file and a file the manifest does not list', () => {
    rmSync(join(tree, 'redis/dump.rdb'));
    expect(run('verify', archive('missing.tar.gz')).output).toContain('./redis/dump.rdb');
    writeFileSync(join(tree, 'redis/dump.rdb'), 'REDIS0011');
    writeFileSync(join(tree, 'network/extra'), 'x');
    const extra = run('verify', archive('extra.tar.gz'));
    expect(extra.code).toBe(1);
    expect(extra.output).toContain('files not in MANIFEST.sha256: ./network/extra');
  });

  it('refuses a truncated archive and one without a manifest', () => {
    const truncated = join(dir, 'truncated.tar.gz');
    writeFileSync(truncated, readFileSync(archive()).subarray(0, 40));
    expect(run('verify', truncated).output).toContain('cannot be unpacked');
    rmSync(join(tree, 'MANIFEST.sha256'));
    expect(run('verify', archive('bare.tar.gz')).output).toContain('is not a Veche backup');
  });

  it('restores only into an empty folder, and leaves a refused archive unrestored', () => {
    const target = join(dir, 'target');
    mkdirSync(target);
    writeFileSync(join(target, 'something'), 'x');
    expect(run('restore', archive(), target).output).toContain('is not empty');
    writeFileSync(join(tree, 'idp/jwks.json'), '{}');
    const fresh = join(dir, 'fresh');
    expect(run('restore', archive('bad.tar.gz'), fresh).code).toBe(1);
    expect(existsSync(join(fresh, 'network'))).toBe(false);
  });
});
