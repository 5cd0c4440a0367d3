import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { devToken } from '../../../helpers/devIdp.js';
import {
  networkDir,
  networkRunning,
  networkScript,
  runNetworkScript,
} from '../../../helpers/networkScript.js';
import { call, startSystem, stopSystem, type VecheSystem } from '../../../helpers/vecheSystem.js';

// scripts/backup.sh on the network the harness runs (CI's default one, or a shifted one): vote,
// back up, delete the system's runtime folder and stop the network, restore into a fresh runtime
// folder, start there with npm start on the same ports, and read the same answers byte for byte.
// Runs alone (jest.disruptive.config.cjs): the network is stopped twice.

const execFileAsync = promisify(execFile);

async function backupScript(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync('bash', ['scripts/backup.sh', ...args], {
      cwd: process.cwd(),
      env: { ...process.env, ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error: unknown) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

async function tar(args: readonly string[]): Promise<void> {
  await execFileAsync('tar', [...args]);
}

const work = mkdtempSync(join(tmpdir(), 'veche-backup-test-'));
let original: VecheSystem | undefined;
let restored: VecheSystem | undefined;

afterAll(async () => {
  await stopSystem(restored);
  await stopSystem(original);
  // Whatever failed above, the next test file finds the harness's network running.
  if (!(await networkRunning())) await networkScript('up');
  rmSync(work, { recursive: true, force: true });
});

/** Every answer the restore must give again, as the text the gateway sent. */
async function answers(
  system: VecheSystem,
  ids: { closedPoll: string; openPoll: string; txIds: string[] },
  resident: string,
): Promise<Record<string, string>> {
  const read = async (path: string, token?: string): Promise<string> => {
    const answer = await call('GET', `${system.base}${path}`, token);
    return `${answer.status} ${answer.text}`;
  };
  const result: Record<string, string> = {};
  for (const txId of ids.txIds) result[`receipt ${txId}`] = await read(`/api/v1/receipts/${txId}`);
  for (const pollId of [ids.closedPoll, ids.openPoll]) {
    result[`results ${pollId}`] = await read(`/api/v1/polls/${pollId}/results`);
    result[`poll ${pollId}`] = await read(`/api/v1/polls/${pollId}`);
  }
  result['own ballots'] = await read('/api/v1/residents/me/ballots', resident);
  result.resident = await read('/api/v1/residents/me', resident);
  return result;
}

describe('scripts/backup.sh', () => {
  it('restores a backup into a fresh runtime folder that serves the same receipts, results and records byte for byte', async () => {
    const network = networkDir();
    original = await startSystem(network);
    const system = original;
    const official = await devToken(system.issuer, {
      sub: `official-${randomUUID()}`,
      roles: ['official'],
      department: 'ITDeptMSP',
    });
    const resident = await devToken(system.issuer, {
      sub: `resident-${randomUUID()}`,
      roles: ['resident'],
      name: 'Backup Resident',
      birthdate: '1990-04-12',
      district: 'Riverside',
      phone_number: '+70000000000',
    });
    expect((await call('POST', `${system.base}/api/v1/residents/me`, resident)).status).toBe(201);
    const now = Date.now();
    const pollOf = async (visibility: string): Promise<string> => {
      const created = await call('POST', `${system.base}/api/v1/polls`, official, {
        title: `Backup ${visibility}`,
        description: '',
        options: [
          { id: 'north', label: 'North' },
          { id: 'south', label: 'South' },
        ],
        maxChoices: 1,
        opensAt: new Date(now - 60_000).toISOString(),
        closesAt: new Date(now + 86_400_000).toISOString(),
        resultsVisibility: visibility,
      });
      expect(created.status).toBe(201);
      const pollId = created.body.pollId as string;
      const opened = await call('POST', `${system.base}/api/v1/polls/${pollId}/open`, official);
      expect(opened.status).toBe(200);
      return pollId;
    };
    const closedPoll = await pollOf('after-close');
    const openPoll = await pollOf('live');
    const txIds: string[] = [];
    for (const [pollId, choice] of [
      [closedPoll, 'north'],
      [openPoll, 'south'],
    ] as const) {
      const cast = await call('POST', `${system.base}/api/v1/polls/${pollId}/ballots`, resident, {
        choices: [choice],
      });
      expect(cast.status).toBe(201);
      txIds.push(cast.body.txId as string);
    }
    const closed = await call('POST', `${system.base}/api/v1/polls/${closedPoll}/close`, official);
    expect(closed.status).toBe(200);
    const ids = { closedPoll, openPoll, txIds };
    const before = await answers(system, ids, resident);
    expect(before[`results ${closedPoll}`]).toContain('"status":"final"');
    expect(before[`results ${openPoll}`]).toContain('"south":1');

    const archive = join(work, 'veche-backup.tar.gz');
    const created = await backupScript(['create', archive], {
      VECHE_RUNTIME_DIR: system.runtime,
      VECHE_NETWORK_DIR: network,
      REDIS_URL: `redis://127.0.0.1:${system.ports.redis}`,
    });
    process.stderr.write(created.output);
    expect(created).toMatchObject({ code: 0 });
    expect(created.output).toContain(`wrote ${archive}`);
    // It was running, so the backup brought it back.
    expect(await networkRunning()).toBe(true);

    // A corrupted copy: one byte of the pseudonym secret changed, the manifest left as it was.
    const unpacked = join(work, 'unpacked');
    mkdirSync(unpacked);
    await tar(['-C', unpacked, '-xzf', archive]);
    const secretFile = join(unpacked, 'gateway/pseudonym.secret');
    const secret = readFileSync(secretFile, 'utf8');
    writeFileSync(secretFile, `${secret.startsWith('0') ? '1' : '0'}${secret.slice(1)}`);
    const corrupted = join(work, 'corrupted.tar.gz');
    await tar(['-C', unpacked, '-czf', corrupted, '.']);
    const refused = await backupScript(['restore', corrupted, join(work, 'from-corrupted')]);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(
      /corrupted: these files do not match MANIFEST\.sha256: \.\/gateway\/pseudonym\.secret/,
    );
    const truncated = join(work, 'truncated.tar.gz');
    writeFileSync(truncated, readFileSync(archive).subarray(0, 4096));
    const unreadable = await backupScript(['restore', truncated, join(work, 'from-truncated')]);
    expect(unreadable.code).not.toBe(0);
    expect(unreadable.output).toContain('cannot be unpacked');

    // Clean: the system's runtime folder (Redis, secrets, IdP keys) deleted, the network stopped.
    const ports = system.ports;
    await stopSystem(original);
    original = undefined;
    await networkScript('down');

    const runtime = join(work, 'restored');
    const restore = await backupScript(['restore', archive, runtime]);
    process.stderr.write(restore.output);
    expect(restore).toMatchObject({ code: 0 });
    restored = await startSystem(join(runtime, 'network'), {}, { runtime, ports });
    // The network that answers is the restored one, in the new folder.
    const restoredNetwork = { VECHE_NETWORK_DIR: join(runtime, 'network') };
    expect((await runNetworkScript('running', { env: restoredNetwork })).code).toBe(0);
    expect(await networkRunning()).toBe(false);

    const after = await answers(restored, ids, resident);
    expect(after).toEqual(before);

    await stopSystem(restored);
    restored = undefined;
    await networkScript('up');
  }, 900_000);
});
