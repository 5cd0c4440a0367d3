import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devToken } from '../helpers/devIdp';
import { freePort } from '../helpers/freePort';
import { networkDir, networkScript, networkState } from '../helpers/networkScript';

// `npm start` as an operator runs it (npm → sh → bash scripts/veche.sh start), on free ports
// and a fresh runtime folder, against the Fabric network the global setup runs: npm start
// must reuse that network and leave it running. It walks through README's curl session over
// HTTP, then checks that SIGTERM to npm's PID, and Ctrl-C, leave nothing of its own behind.

const readyLine = 'ready: Veche is running';
const startTimeoutMs = 240_000;

interface System {
  readonly child: ChildProcess;
  readonly runtime: string;
  readonly ports: { gateway: number; idp: number; redis: number };
  readonly base: string;
  readonly issuer: string;
  output(): string;
  /** The PIDs in the runtime's pids folder (Redis, IdP, gateway). */
  pids(): number[];
  exited: Promise<void>;
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function pidsIn(folder: string): number[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((file) => file.endsWith('.pid'))
    .map((file) => Number(readFileSync(join(folder, file), 'utf8').trim()));
}

/** The environment of an operator's shell: no ledger settings of its own, only ports. */
function operatorEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(FABRIC_|DEPARTMENT_MSP_IDS$|OIDC_|IDP_|PSEUDONYM_SECRET)/.test(name)) env[name] = value;
  }
  return { ...env, ...extra };
}

/**
 * Spawns `npm start` itself (not bash), in its own process group so a test can send it a
 * terminal's Ctrl-C, and resolves once veche.sh prints its ready line.
 */
async function startSystem(network: string): Promise<System> {
  const runtime = mkdtempSync(join(tmpdir(), 'veche-e2e-'));
  const ports = { gateway: await freePort(), idp: await freePort(), redis: await freePort() };
  const child = spawn('npm', ['start'], {
    cwd: process.cwd(),
    detached: true,
    env: operatorEnv({
      PORT: String(ports.gateway),
      IDP_PORT: String(ports.idp),
      REDIS_URL: `redis://127.0.0.1:${ports.redis}`,
      VECHE_RUNTIME_DIR: runtime,
      VECHE_NETWORK_DIR: network,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`no ready line within ${startTimeoutMs / 1000} s:\n${output}`));
    }, startTimeoutMs);
    const check = (): void => {
      if (output.includes(readyLine)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${String(child.exitCode)} before ready:\n${output}`));
    });
  });
  return {
    child,
    runtime,
    ports,
    base: `http://127.0.0.1:${ports.gateway}`,
    issuer: `http://127.0.0.1:${ports.idp}`,
    output: () => output,
    pids: () => pidsIn(join(runtime, 'pids')),
    exited,
  };
}

/**
 * Stops a system a failed test left running, by the signal an operator would send, then any
 * service a broken stop left behind (so its open pipes do not keep jest waiting).
 */
async function stopSystem(system: System | undefined): Promise<void> {
  if (system === undefined) return;
  if (system.child.exitCode === null && system.child.signalCode === null) {
    system.child.kill('SIGTERM');
    await system.exited;
  }
  for (const pid of system.pids().filter(pidAlive)) process.kill(pid, 'SIGTERM');
  system.child.stdout?.destroy();
  system.child.stderr?.destroy();
  rmSync(system.runtime, { recursive: true, force: true });
}

async function call(
  method: string,
  url: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const response = await fetch(url, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown>, text };
}

async function networkRunning(): Promise<boolean> {
  return networkState(await networkScript('status')) === 'running';
}

const network = networkDir();
const run = randomBytes(4).toString('hex');
const resident = {
  sub: `e2e-resident-${run}`,
  name: 'Zinaida Quillfeather',
  birthdate: '1961-07-19',
  phone_number: '+7 495 555 0199',
  district: 'Riverside',
};

describe('npm start (npm → scripts/veche.sh start), SIGTERM to npm', () => {
  let system: System | undefined;
  let pids: number[] = [];
  let networkPids: number[] = [];
  const tokens: string[] = [];

  beforeAll(async () => {
    expect(await networkRunning()).toBe(true);
    system = await startSystem(network);
    pids = system.pids();
    // After the start: its `network.sh up` restarts chaincode servers whose build changed.
    networkPids = pidsIn(join(network, 'pids'));
  }, startTimeoutMs + 10_000);

  afterAll(async () => {
    await stopSystem(system);
  });

  it('reuses the running Fabric network and starts Redis, the IdP and the gateway', () => {
    expect(system?.output()).toContain('is running: checking it (network.sh up)');
    expect(pids).toHaveLength(3);
    expect(pids.every(pidAlive)).toBe(true);
  });

  it('is ready: health, the issuer, and Redis and the ledger in /readyz', async () => {
    const s = system!;
    expect(await call('GET', `${s.base}/healthz`)).toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
    expect((await call('GET', `${s.base}/api/v1/config`)).body).toEqual({ issuer: s.issuer });
    expect(await call('GET', `${s.base}/readyz`)).toMatchObject({
      status: 200,
      body: { checks: { redis: 'up', ledger: 'up' } },
    });
  });

  it("answers README's walk-through: register, create, open, vote, receipt, close, results, audit", async () => {
    const s = system!;
    const api = `${s.base}/api/v1`;
    const res = await devToken(s.issuer, { ...resident, roles: ['resident'] });
    const off = await devToken(s.issuer, {
      sub: `e2e-official-${run}`,
      roles: ['official'],
      department: 'ITDeptMSP',
    });
    const reg = await devToken(s.issuer, { sub: `e2e-regulator-${run}`, roles: ['regulator'] });
    tokens.push(res, off, reg);

    const registered = await call('POST', `${api}/residents/me`, res);
    expect(registered).toMatchObject({ status: 201, body: { district: 'Riverside' } });
    const residentId = registered.body.residentId;
    expect(residentId).toMatch(/^[0-9a-f]{64}$/);

    const now = Date.now();
    const draft = {
      title: 'New playground',
      description: 'Where should it go?',
      options: [
        { id: 'park', label: 'Central park' },
        { id: 'yard', label: 'School yard' },
      ],
      maxChoices: 1,
      opensAt: new Date(now - 3_600_000).toISOString(),
      closesAt: new Date(now + 86_400_000).toISOString(),
      eligibility: { districts: ['Riverside'], minAge: 16 },
      resultsVisibility: 'live',
    };
    const created = await call('POST', `${api}/polls`, off, draft, {
      'Idempotency-Key': `playground-${run}`,
    });
    expect(created).toMatchObject({
      status: 201,
      body: { status: 'draft', department: 'ITDeptMSP' },
    });
    const pollId = String(created.body.pollId);

    expect(await call('POST', `${api}/polls/${pollId}/open`, off)).toMatchObject({
      status: 200,
      body: { pollId, status: 'open' },
    });

    const cast = await call(
      'POST',
      `${api}/polls/${pollId}/ballots`,
      res,
      { choices: ['park'] },
      { 'Idempotency-Key': `vote-${run}` },
    );
    expect(cast).toMatchObject({ status: 201, body: { pollId, residentId, choices: ['park'] } });
    const txId = String(cast.body.txId);

    expect(await call('GET', `${api}/receipts/${txId}`)).toMatchObject({
      status: 200,
      body: {
        txId,
        valid: true,
        validationCode: 'VALID',
        blockNumber: cast.body.blockNumber,
        pollId,
        residentId,
        choices: ['park'],
        superseded: false,
      },
    });
    expect(await call('GET', `${api}/polls/${pollId}/results`)).toMatchObject({
      status: 200,
      body: { pollId, status: 'live', totalBallots: 1, counts: { park: 1, yard: 0 } },
    });

    expect(await call('POST', `${api}/polls/${pollId}/close`, off)).toMatchObject({
      status: 200,
      body: { pollId, status: 'closed' },
    });
    expect(await call('GET', `${api}/polls/${pollId}/results`)).toMatchObject({
      status: 200,
      body: { pollId, status: 'final', totalBallots: 1, counts: { park: 1, yard: 0 } },
    });

    // API.md: the audit trail includes a transaction within 5 seconds of its commit.
    const wanted = ['PollCreated', 'PollOpened', 'BallotCast', 'PollClosed', 'TallyFinalized'];
    let actions: unknown[] = [];
    for (const deadline = Date.now() + 5_000; Date.now() < deadline;) {
      const audit = await call('GET', `${api}/audit/events?pollId=${pollId}&limit=1000`, reg);
      expect(audit.status).toBe(200);
      actions = (audit.body.items as { action: unknown }[]).map((event) => event.action);
      if (wanted.every((action) => actions.includes(action))) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(actions).toEqual(expect.arrayContaining(wanted));

    // API.md: a path ID that names no resource answers 404, whatever its form.
    expect(await call('GET', `${api}/polls/not-a-poll-id`)).toMatchObject({
      status: 404,
      body: { type: 'not-found' },
    });
  });

  it('stops everything it started on SIGTERM to npm, leaves the network running, and logs no token or personal detail', async () => {
    const s = system!;
    expect(s.child.pid).toBeDefined();
    process.kill(s.child.pid!, 'SIGTERM');
    await s.exited;
    expect(pids.filter(pidAlive)).toEqual([]);
    expect(s.pids()).toEqual([]);
    for (const port of Object.values(s.ports)) expect(await portOpen(port)).toBe(false);
    expect(await networkRunning()).toBe(true);
    expect(networkPids.filter((pid) => !pidAlive(pid))).toEqual([]);

    const logs = readdirSync(join(s.runtime, 'logs')).map((file) =>
      readFileSync(join(s.runtime, 'logs', file), 'utf8'),
    );
    expect(logs.join('').length).toBeGreaterThan(0);
    for (const secret of [...tokens, resident.name, resident.birthdate, resident.phone_number]) {
      expect(logs.filter((log) => log.includes(secret))).toEqual([]);
    }
  });
});

describe('npm start, Ctrl-C', () => {
  let system: System | undefined;

  beforeAll(async () => {
    system = await startSystem(network);
  }, startTimeoutMs + 10_000);

  afterAll(async () => {
    await stopSystem(system);
  });

  it('stops everything it started when the terminal sends SIGINT to its process group', async () => {
    const s = system!;
    const pids = s.pids();
    expect(pids).toHaveLength(3);
    // A terminal's Ctrl-C: SIGINT to every process of the foreground group (npm leads it).
    process.kill(-s.child.pid!, 'SIGINT');
    await s.exited;
    expect(pids.filter(pidAlive)).toEqual([]);
    for (const port of Object.values(s.ports)) expect(await portOpen(port)).toBe(false);
    expect(await networkRunning()).toBe(true);
  });
});
