import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Network } from '@hyperledger/fabric-gateway';
import { devToken } from '../helpers/devIdp';
import { freePort } from '../helpers/freePort';
import { eventually } from '../helpers/eventually';
import { networkConfigPath, openFabricNetwork, type FabricNetwork } from '../helpers/fabricNetwork';
import { networkDir, networkRunning, networkScript } from '../helpers/networkScript';
import { ordererAdminTls, ordererChannelHeight } from '../helpers/ordererAdmin';
import {
  call,
  startSystem,
  startTimeoutMs,
  stopSystem,
  type VecheSystem,
} from '../helpers/vecheSystem';
import {
  acceptedBallots,
  expectedCounts,
  latestByResident,
  ledgerCounts,
  type AcceptedBallot,
} from './lib/checks';
import { ledgerBallots, ledgerHeight } from './lib/ledgerBallots';
import {
  answeredBetween,
  firstAcceptedAfter,
  longestStall,
  VotingLoad,
  type Attempt,
  type Voter,
} from './lib/load';
import { RestartableRedis } from './lib/redis';
import { printSummary, type PhaseReport } from './lib/summary';

// Issue 10's fault suite (npm run test:faults, jest.faults.config.cjs): residents vote without
// pause through the REST API while one part of the system dies at a time: an orderer, the Civic
// Chamber's peer, the gateway, Redis, a chaincode server. After each, every 201 must have a
// VALID transaction on the ledger and a receipt, the ledger must hold no ballot that was not
// answered 201, and the live and final results must count each resident's latest ballot once.
// The gateway comes back by npm start's supervisor; the rest by network.sh up or a restart here.

const residents = Number(process.env.VECHE_FAULTS_RESIDENTS ?? '6');
/** How long each fault lasts before the repair starts. */
const faultMs = Number(process.env.VECHE_FAULTS_DOWN_MS ?? '8000');
const options = ['north', 'south', 'east'];
const run = Date.now().toString(36);

let system: VecheSystem | undefined;
let redis: RestartableRedis | undefined;
let fabric: FabricNetwork | undefined;
let ledger: Network;
let official: string;
let voters: Voter[] = [];
const reports: PhaseReport[] = [];
/** The phase under way, so a failed one's load is stopped before the next fault. */
let current: Phase | undefined;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function pidFile(folder: string, name: string): number {
  return Number(readFileSync(join(folder, 'pids', `${name}.pid`), 'utf8').trim());
}

/** SIGKILL one process of the network, after checking the PID is still that program. */
function killNetworkProcess(name: string, program: RegExp): void {
  const pid = pidFile(networkDir(), name);
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  expect(cmdline).toMatch(program);
  process.kill(pid, 'SIGKILL');
}

async function readyz(): Promise<number> {
  try {
    return (await call('GET', `${system!.base}/readyz`)).status;
  } catch {
    return 0;
  }
}

/** Retries a call until it answers `wanted` (the system is up, but a request may be slow). */
async function callUntil(
  wanted: number[],
  method: string,
  url: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Awaited<ReturnType<typeof call>>> {
  let last: Awaited<ReturnType<typeof call>> | undefined;
  await eventually(
    `${method} ${url} answers ${wanted.join('/')}`,
    async () => {
      last = await call(method, url, token, body, headers);
      return wanted.includes(last.status);
    },
    60_000,
  );
  return last!;
}

async function openPoll(title: string): Promise<string> {
  const api = `${system!.base}/api/v1`;
  const now = Date.now();
  const created = await callUntil(
    [201],
    'POST',
    `${api}/polls`,
    official,
    {
      title,
      description: 'Fault suite',
      options: options.map((id) => ({ id, label: id })),
      maxChoices: 1,
      opensAt: new Date(now - 3_600_000).toISOString(),
      closesAt: new Date(now + 86_400_000).toISOString(),
      allowRevote: true,
      resultsVisibility: 'live',
    },
    { 'Idempotency-Key': `faults-${run}-${title}` },
  );
  const pollId = String(created.body.pollId);
  await callUntil([200], 'POST', `${api}/polls/${pollId}/open`, official);
  return pollId;
}

interface Phase {
  readonly pollId: string;
  readonly load: VotingLoad;
  readonly fromHeight: number;
  readonly startedAt: number;
  /** The gateway's count of committed resubmissions when the phase began. */
  readonly resubmittedBefore: number;
}

/** veche_idempotency_resubmissions_total{outcome="committed"} on the gateway's /metrics. */
async function committedResubmissions(): Promise<number> {
  let text = '';
  await eventually(
    'the gateway answers /metrics',
    async () => {
      const response = await fetch(`${system!.base}/metrics`);
      text = await response.text();
      return response.ok;
    },
    60_000,
  );
  const match = /^veche_idempotency_resubmissions_total\{outcome="committed"\} (\d+)$/m.exec(text);
  return match === null ? 0 : Number(match[1]);
}

async function beginPhase(name: string): Promise<Phase> {
  const pollId = await openPoll(name);
  const fromHeight = await ledgerHeight(ledger);
  const resubmittedBefore = await committedResubmissions();
  const load = new VotingLoad({ base: system!.base, pollId, options, voters });
  const startedAt = Date.now();
  load.start();
  const phase: Phase = { pollId, load, fromHeight, startedAt, resubmittedBefore };
  current = phase;
  // The load flows before the fault: a few ballots accepted.
  await eventually(
    `${name}: ballots accepted before the fault`,
    () => Promise.resolve(load.attempts.filter((a) => a.status === 201).length >= residents),
    60_000,
  );
  return phase;
}

/** Waits for ballots sent after `since` to be accepted again: the system recovered. */
async function awaitRecovery(phase: Phase, since: number, what: string): Promise<number> {
  await eventually(
    `${what}: ballots accepted again`,
    () =>
      Promise.resolve(
        phase.load.attempts.filter((a) => a.status === 201 && a.sentAt >= since).length >= 3,
      ),
    120_000,
  );
  return firstAcceptedAfter(phase.load.attempts, since)! - since;
}

/**
 * Stops the load, then checks the ledger, receipts and results of the phase's poll against the
 * answers, closes the poll and checks the final tally. Returns the attempts for the summary.
 */
async function endPhase(
  name: string,
  phase: Phase,
  faultAt: number,
  recoveryMs: number,
  settleMs = 90_000,
): Promise<Attempt[]> {
  await phase.load.stop(settleMs);
  const endedAt = Date.now();
  const attempts = phase.load.attempts;
  const api = `${system!.base}/api/v1`;

  // Never a 500: every answer is a 201, a 503 problem, or (gateway killed) no answer at all.
  const unexpected = attempts.filter((a) => ![0, 201, 503].includes(a.status));
  expect(unexpected.map((a) => `${a.status} ${a.problem ?? ''}`)).toEqual([]);
  for (const a of attempts.filter((x) => x.status === 503)) {
    expect(a.contentType).toMatch(/^application\/problem\+json/);
  }
  // Every ballot ended with a final answer: none left with an unknown outcome.
  const lastByKey = new Map<string, Attempt>();
  for (const a of attempts) lastByKey.set(a.key, a);
  expect([...lastByKey.values()].filter((a) => a.status !== 201)).toEqual([]);

  const { ballots, problems } = acceptedBallots(attempts);
  expect(problems).toEqual([]);

  // The ledger holds exactly the accepted ballots, VALID: none half-done, none doubled.
  const toHeight = await ledgerHeight(ledger);
  const onLedger = await ledgerBallots(
    ledger,
    fabric!.description.chaincode,
    phase.pollId,
    phase.fromHeight,
    toHeight,
  );
  const validOnLedger = onLedger.filter((b) => b.validationCode === 'VALID').map((b) => b.txId);
  expect([...validOnLedger].sort()).toEqual(ballots.map((b) => b.txId).sort());

  // Every 201 has its receipt, read from the ledger, and only each resident's latest is current.
  const latest = latestByResident(ballots);
  for (const ballot of ballots) await checkReceipt(api, ballot, latest);

  // Live results, then the final tally, count each resident's latest ballot once.
  const expected = expectedCounts(options, latest);
  expect(ledgerCounts(options, onLedger)).toEqual(expected);
  const resultsUrl = `${api}/polls/${phase.pollId}/results`;
  let live: Record<string, unknown> = {};
  await eventually(
    `${name}: live results equal the accepted ballots`,
    async () => {
      live = (await call('GET', resultsUrl)).body;
      return (
        live.totalBallots === expected.totalBallots &&
        JSON.stringify(live.counts) === JSON.stringify(expected.counts)
      );
    },
    30_000,
  ).catch(() => {
    expect(live).toMatchObject({ status: 'live', ...expected });
  });
  await callUntil([200, 202], 'POST', `${api}/polls/${phase.pollId}/close`, official);
  let final: Record<string, unknown> = {};
  await eventually(
    `${name}: final results`,
    async () => {
      final = (await call('GET', resultsUrl)).body;
      return final.status === 'final';
    },
    120_000,
  );
  expect(final).toMatchObject({ status: 'final', ...expected });

  const window = answeredBetween(attempts, phase.startedAt, endedAt + 1);
  // A gateway restarted within the phase counts again from 0.
  const resubmittedAfter = await committedResubmissions();
  const resubmitted =
    resubmittedAfter >= phase.resubmittedBefore
      ? resubmittedAfter - phase.resubmittedBefore
      : resubmittedAfter;
  reports.push({
    fault: name,
    requests: window.length,
    accepted: window.filter((a) => a.status === 201).length,
    unavailable: window.filter((a) => a.status === 503).length,
    unanswered: window.filter((a) => a.status === 0).length,
    other: window.filter((a) => ![0, 201, 503].includes(a.status)).length,
    ballots: ballots.length,
    resubmitted,
    longestStallMs: longestStall(attempts, faultAt, endedAt),
    recoveryMs,
  });
  return attempts;
}

async function checkReceipt(
  api: string,
  ballot: AcceptedBallot,
  latest: ReadonlyMap<string, AcceptedBallot>,
): Promise<void> {
  const receipt = await callUntil([200], 'GET', `${api}/receipts/${ballot.txId}`);
  expect(receipt.body).toMatchObject({
    txId: ballot.txId,
    valid: true,
    validationCode: 'VALID',
    residentId: ballot.residentId,
    choices: ballot.choices,
    superseded: latest.get(ballot.residentId)?.txId !== ballot.txId,
  });
}

describe('voting through the REST API while parts of the system are killed', () => {
  beforeAll(async () => {
    redis = await RestartableRedis.start();
    system = await startSystem(
      networkDir(),
      { RATE_LIMIT_IP_PER_SEC: '100000', RATE_LIMIT_RESIDENT_PER_MIN: '100000' },
      {
        runtime: mkdtempSync(join(tmpdir(), 'veche-faults-')),
        ports: { gateway: await freePort(), idp: await freePort(), redis: redis.port },
      },
    );
    fabric = openFabricNetwork();
    ledger = fabric.gateway({ as: 'ITDeptMSP' }).getNetwork(fabric.description.channel);
    official = await devToken(system.issuer, {
      sub: `faults-official-${run}`,
      roles: ['official'],
      department: 'ITDeptMSP',
    });
    voters = [];
    for (let i = 0; i < residents; i++) {
      const token = await devToken(system.issuer, {
        sub: `faults-resident-${run}-${i}`,
        roles: ['resident'],
        birthdate: '1980-01-01',
        district: 'Riverside',
      });
      const registered = await callUntil(
        [200, 201],
        'POST',
        `${system.base}/api/v1/residents/me`,
        token,
      );
      voters.push({ token, residentId: String(registered.body.residentId) });
    }
  }, startTimeoutMs + 120_000);

  afterAll(async () => {
    printSummary(reports);
    await stopSystem(system);
    await redis?.remove();
    fabric?.close();
    if (!(await networkRunning())) await networkScript('up');
  }, 300_000);

  // Whatever failed, the next fault starts from a whole system with no load of the last one.
  afterEach(async () => {
    await current?.load.stop(30_000);
    current = undefined;
    await redis?.ensureRunning();
    if (!(await networkRunning())) await networkScript('up');
  }, 300_000);

  it('keeps voting while one of the 4 orderers is killed, and the orderer catches up after network.sh up', async () => {
    const phase = await beginPhase('orderer');
    const victim = fabric!.description.orderers[0]!;
    const faultAt = Date.now();
    killNetworkProcess(victim.name, /(^|\/)orderer\b/);
    // BFT tolerates one faulty orderer: ballots sent after the kill are accepted while it is
    // dead (after a view change, when it was the leader; the stall shows how long that took).
    await eventually(
      'ballots sent after the orderer’s kill are accepted while it is dead',
      () =>
        Promise.resolve(
          phase.load.attempts.filter((a) => a.status === 201 && a.sentAt > faultAt).length >= 3,
        ),
      90_000,
    );
    await sleep(faultMs);
    const restoredAt = Date.now();
    await networkScript('up');
    const recoveryMs = await awaitRecovery(phase, restoredAt, 'orderer');
    await endPhase('orderer', phase, faultAt, recoveryMs);
    const peerHeight = await ledgerHeight(ledger);
    const adminTls = ordererAdminTls(networkConfigPath());
    await eventually(
      `${victim.name} catches up to height ${peerHeight}`,
      async () =>
        (await ordererChannelHeight(victim, fabric!.description.channel, adminTls)) >= peerHeight,
      60_000,
    );
  }, 420_000);

  it('answers writes 503 (never 500, never an uncommitted 201) while the Civic Chamber peer is killed, and accepts them after', async () => {
    const phase = await beginPhase('peer-civic');
    const faultAt = Date.now();
    killNetworkProcess('peer-civic', /\bpeer node start\b/);
    await sleep(faultMs);
    // Ballots sent well after the kill are refused as unavailable (checked in endPhase: each
    // 201 among them would still have to be VALID on the ledger).
    const during = phase.load.attempts.filter((a) => a.sentAt > faultAt + 2000);
    expect(during.filter((a) => a.status === 503).length).toBeGreaterThan(0);
    const restoredAt = Date.now();
    await networkScript('up');
    const recoveryMs = await awaitRecovery(phase, restoredAt, 'peer-civic');
    await endPhase('peer-civic', phase, faultAt, recoveryMs);
  }, 420_000);

  it('gives a client retrying with its Idempotency-Key the original answer from the restarted gateway after a SIGKILL', async () => {
    const phase = await beginPhase('gateway');
    const gatewayPid = pidFile(system!.runtime, 'gateway');
    const faultAt = Date.now();
    process.kill(gatewayPid, 'SIGKILL');
    await eventually(
      'npm start restarts the gateway',
      async () => (await readyz()) === 200,
      90_000,
    );
    const recoveryMs = await awaitRecovery(phase, faultAt, 'gateway');
    const attempts = await endPhase('gateway', phase, faultAt, recoveryMs);
    expect(system!.output()).toContain(
      `supervisor: gateway (PID ${gatewayPid}) exited with status 137 (SIGKILL)`,
    );
    // Requests cut off by the kill were retried with their key and answered 201.
    const cut = new Set(attempts.filter((a) => a.status === 0).map((a) => a.key));
    expect(cut.size).toBeGreaterThan(0);
    const { ballots } = acceptedBallots(attempts);
    expect(ballots.filter((b) => cut.has(b.key)).length).toBe(cut.size);
    // A replay of any accepted ballot gets its original answer, not a second ballot.
    const voterOf = new Map(voters.map((v) => [v.residentId, v]));
    for (const ballot of ballots.filter((b) => cut.has(b.key)).concat(ballots.slice(0, 10))) {
      const replay = await call(
        'POST',
        `${system!.base}/api/v1/polls/${phase.pollId}/ballots`,
        voterOf.get(ballot.residentId)!.token,
        { choices: ballot.choices },
        { 'Idempotency-Key': ballot.key },
      );
      expect({ status: replay.status, body: replay.body }).toEqual({
        status: 201,
        body: ballot.receipt,
      });
    }
  }, 420_000);

  it('answers /readyz and writes 503 while Redis is stopped, writes nothing half-done, and recovers when it is back', async () => {
    const phase = await beginPhase('redis');
    const faultAt = Date.now();
    await redis!.halt();
    await eventually(
      '/readyz answers 503 without Redis',
      async () => (await readyz()) === 503,
      20_000,
    );
    await sleep(faultMs);
    const during = phase.load.attempts.filter((a) => a.sentAt > faultAt + 2000);
    expect(during.filter((a) => a.status === 503).length).toBeGreaterThan(0);
    expect(during.filter((a) => a.status === 201)).toEqual([]);
    const restoredAt = Date.now();
    await redis!.resume();
    await eventually(
      '/readyz answers 200 with Redis back',
      async () => (await readyz()) === 200,
      60_000,
    );
    const recoveryMs = await awaitRecovery(phase, restoredAt, 'redis');
    // A request whose transaction Redis noted just before it stopped, and which then failed
    // before its submit, is handed to the orderers by its next replay (a 201 within seconds).
    await endPhase('redis', phase, faultAt, recoveryMs);
  }, 420_000);

  it('answers writes 503 while a chaincode server is killed, and accepts them once network.sh up restarted it', async () => {
    const phase = await beginPhase('chaincode');
    const faultAt = Date.now();
    killNetworkProcess(`ccaas-${fabric!.description.chaincode}-itdept`, /fabric-chaincode-node/);
    await sleep(faultMs);
    const during = phase.load.attempts.filter((a) => a.sentAt > faultAt + 2000);
    expect(during.filter((a) => a.status === 503).length).toBeGreaterThan(0);
    const restoredAt = Date.now();
    await networkScript('up');
    const recoveryMs = await awaitRecovery(phase, restoredAt, 'chaincode');
    await endPhase('chaincode', phase, faultAt, recoveryMs);
  }, 420_000);
});
