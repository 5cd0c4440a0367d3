import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const script = join(process.cwd(), 'scripts/install-fabric.sh');

// The build itself takes minutes and runs in CI through scripts/setup.sh; these cases prove the
// checks around it, which must answer at once and never fall back to anything but the tarball.
describe('install-fabric.sh', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'veche-install-fabric-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function run(command: string, tarball: string): { status: number | null; stderr: string } {
    const result = spawnSync('bash', [script, command], {
      encoding: 'utf8',
      env: {
        ...process.env,
        VECHE_FABRIC_TARBALL: tarball,
        VECHE_FABRIC_CACHE: join(dir, 'cache'),
      },
    });
    return { status: result.status, stderr: result.stderr };
  }

  it('refuses a missing tarball in one line naming its path and what to do', () => {
    const tarball = join(dir, 'nowhere', 'fabric-3.1.5-src.tar.gz');
    const { status, stderr } = run('install', tarball);
    expect(status).toBe(3);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(tarball);
    expect(stderr).toContain('VECHE_FABRIC_TARBALL');
  });

  it('refuses a tarball whose checksum file is missing', () => {
    const tarball = join(dir, 'fabric-3.1.5-src.tar.gz');
    writeFileSync(tarball, 'not fabric');
    const { status, stderr } = run('install', tarball);
    expect(status).toBe(3);
    expect(stderr).toContain(`${tarball}.sha256`);
  });

  it('refuses a tarball that does not match its checksum', () => {
    const tarball = join(dir, 'fabric-3.1.5-src.tar.gz');
    writeFileSync(tarball, 'changed by someone');
    writeFileSync(`${tarball}.sha256`, `${'0'.repeat(64)}  fabric-3.1.5-src.tar.gz\n`);
    const { status, stderr } = run('install', tarball);
    expect(status).toBe(3);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('checksum mismatch');
  });

  it('reports no build in an empty cache', () => {
    expect(run('check', join(dir, 'x.tar.gz')).status).toBe(1);
  });

  it('returns at once when a complete build is stamped, without reading the tarball', () => {
    const home = join(dir, 'cache', 'fabric-3.1.5-86c1172bec37');
    const programs = [
      ...[
        'peer',
        'orderer',
        'osnadmin',
        'configtxgen',
        'configtxlator',
        'cryptogen',
        'discover',
      ].map((name) => join(home, 'bin', name)),
      ...['detect', 'build', 'release'].map((name) => join(home, 'builders', 'ccaas', 'bin', name)),
    ];
    for (const program of programs) {
      mkdirSync(join(program, '..'), { recursive: true });
      writeFileSync(program, '#!/bin/sh\n');
      chmodSync(program, 0o755);
    }
    mkdirSync(join(home, 'sampleconfig'));
    writeFileSync(join(home, 'sampleconfig', 'core.yaml'), '');
    writeFileSync(join(home, 'stamp'), '86c1172bec37e6590c6b1ae6f847833df48d65fc');

    const { status } = run('install', join(dir, 'absent.tar.gz'));
    expect(status).toBe(0);
    expect(run('check', join(dir, 'absent.tar.gz')).status).toBe(0);
  });
});
