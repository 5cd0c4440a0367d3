import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { devToken } from '../helpers/devIdp';
import { networkDir, networkScript, networkState } from '../helpers/networkScript';
import {
  call,
  pidAlive,
  pidsIn,
  portOpen,
  startSystem,
  startTimeoutMs,
  stopSystem,
  type VecheSystem,
} from '../helpers/vecheSystem';

// `npm start` as an operator runs it (npm → sh → bash scripts/veche.sh start), on free ports
// and a fresh runtime folder, against the Fabric network the global setup runs: npm start
// must reuse that network and leave it running. It walks through README's curl session over
// HTTP, then checks that SIGTERM to npm's PID, and Ctrl-C, leave nothing of its own behind.

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
  let system: VecheSystem | undefined;
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
  let system: VecheSystem | undefined;

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
