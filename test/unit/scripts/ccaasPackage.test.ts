import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const script = join(process.cwd(), 'scripts/lib/ccaas-package.sh');

describe('ccaas-package.sh', () => {
  let dir: string;
  let connection: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'veche-ccaas-'));
    connection = join(dir, 'connection.json');
    writeFileSync(connection, JSON.stringify({ address: '127.0.0.1:8053', tls_required: false }));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function pack(label: string, out: string): string {
    return execFileSync('bash', [script, label, connection, join(dir, out)], {
      encoding: 'utf8',
    }).trim();
  }

  it('prints the package ID as the label and the SHA-256 of the package file', () => {
    const id = pack('veche_1', 'a.tgz');
    const digest = createHash('sha256')
      .update(readFileSync(join(dir, 'a.tgz')))
      .digest('hex');
    expect(id).toBe(`veche_1:${digest}`);
  });

  it('produces the same bytes again when only file times changed', () => {
    const first = pack('veche_1', 'a.tgz');
    utimesSync(connection, new Date(0), new Date(Date.now() + 60_000));
    expect(pack('veche_1', 'b.tgz')).toBe(first);
  });

  it('gives another ID when the connection details change', () => {
    const first = pack('veche_1', 'a.tgz');
    writeFileSync(connection, JSON.stringify({ address: '127.0.0.1:9999', tls_required: false }));
    expect(pack('veche_1', 'b.tgz')).not.toBe(first);
  });

  it('holds exactly the two regular files the peer accepts, and the connection inside', () => {
    pack('veche_1', 'a.tgz');
    const listing = execFileSync('tar', ['-tvzf', join(dir, 'a.tgz')], { encoding: 'utf8' });
    const entries = listing.trim().split('\n');
    expect(entries.map((line) => line.split(/\s+/).pop()).sort()).toEqual([
      'code.tar.gz',
      'metadata.json',
    ]);
    expect(entries.every((line) => line.startsWith('-'))).toBe(true);
    const metadata = execFileSync('tar', ['-xzOf', join(dir, 'a.tgz'), 'metadata.json'], {
      encoding: 'utf8',
    });
    expect(JSON.parse(metadata)).toEqual({ label: 'veche_1', type: 'ccaas' });
  });

  it('refuses a label that Fabric would reject', () => {
    expect(() => pack('-bad label', 'a.tgz')).toThrow();
  });
});
