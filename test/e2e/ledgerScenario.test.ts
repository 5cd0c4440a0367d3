import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Contract } from '@hyperledger/fabric-gateway';
import { devToken } from '../helpers/devIdp';
import { eventually } from '../helpers/eventually';
import { openFabricNetwork, type FabricNetwork } from '../helpers/fabricNetwork';
import { networkDir } from '../helpers/networkScript';
import { snappyDecompress } from '../helpers/levelDb';
import {
  blockFiles,
  findNeedles,
  logFiles,
  privateData,
  publicState,
} from '../helpers/privacyScan';
import {
  call,
  startSystem,
  startTimeoutMs,
  stopSystem,
  type HttpAnswer,
  type VecheSystem,
} from '../helpers/vecheSystem';
import { pollFields } from '../helpers/apiFields';

// Every API.md route on the real ledger, through `npm start`'s gateway with tokens from its
// development IdP, compared with API.md's shapes and status codes; then the privacy scan of
// DESIGN.md section 3: no block, no public state and no log holds a resident's name, phone or
// birth date. Personal details are unique to this run, so a hit can only come from this run.

const run = randomBytes(4).toString('hex');
const network = networkDir();

const pad = (n: number): string => String(n).padStart(2, '0');
/** A birth date (YYYY-MM-DD) in `year`, random day: unlikely to appear in any other file. */
const birthdateIn = (year: number): string =>
  `${year}-${pad(randomInt(1, 13))}-${pad(randomInt(1, 29))}`;
const phone = (): string => `+7 495 ${randomInt(100, 1000)} ${randomInt(1000, 10000)}`;
const thisYear = new Date().getUTCFullYear();

const residents = {
  // Riverside, adult: eligible for the restricted poll.
  alice: {
    sub: `e2e-alice-${run}`,
    name: `Zinaida Quillfeather-${run}`,
    birthdate: birthdateIn(randomInt(1931, 1951)),
    phone_number: phone(),
    district: 'Riverside',
  },
  // Another district.
  boris: {
    sub: `e2e-boris-${run}`,
    name: `Ostromir Vakhrameev-${run}`,
    birthdate: birthdateIn(randomInt(1931, 1951)),
    phone_number: phone(),
    district: 'Hillside',
  },
  // Riverside, ten years old: under the poll's minimum age of 16.
  kira: {
    sub: `e2e-kira-${run}`,
    name: `Kira Lindenbaum-${run}`,
    birthdate: birthdateIn(thisYear - 10),
    phone_number: phone(),
    district: 'Riverside',
  },
} as const;
const personalDetails = Object.values(residents).flatMap((r) => [
  r.name,
  r.birthdate,
  r.phone_number,
]);

const problem = (status: number, type: string): Record<string, unknown> => ({
  status,
  body: expect.objectContaining({ type, status, title: expect.any(String) as unknown }) as unknown,
});

const receiptKeys = [
  'ballotId',
  'blockNumber',
  'choices',
  'pollId',
  'recordedAt',
  'residentId',
  'txId',
];
const pollKeys: readonly string[] = pollFields;
const auditEventKeys = [
  'action',
  'actor',
  'blockNumber',
  'endorsers',
  'mspId',
  'timestamp',
  'txId',
  'validationCode',
];
const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

/** The sorted keys of a JSON object, for comparing a body's shape with API.md. */
const keysOf = (value: unknown): string[] => Object.keys(value as object).sort();

function expectProblemJson(answer: HttpAnswer): void {
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.text).not.toMatch(/\n\s+at /);
}

function expectPoll(body: Record<string, unknown>, extra: string[] = []): void {
  // shardCount: the chaincode's field, which API.md's "anything not named here is yours to add"
  // allows the gateway to pass on (docs/chaincode-interface.md).
  expect(keysOf(body).filter((key) => key !== 'shardCount')).toEqual(
    [...pollKeys, ...extra].sort(),
  );
  expect(body.pollId).toMatch(/^\S+$/);
  expect(body.createdAt).toMatch(isoTime);
  expect(body.txId).toMatch(/^[0-9a-f]{64}$/);
}

function expectReceipt(body: Record<string, unknown>): void {
  expect(keysOf(body)).toEqual(receiptKeys);
  expect(body.txId).toMatch(/^[0-9a-f]{64}$/);
  expect(Number.isInteger(body.blockNumber)).toBe(true);
  expect(body.recordedAt).toMatch(isoTime);
}

describe('the ledger scenario through the gateway, then the privacy scan', () => {
  let system: VecheSystem | undefined;
  let fabric: FabricNetwork;
  let api: string;
  const token: Record<string, string> = {};
  const id: Record<string, string> = {};
  const poll: Record<string, string> = {};
  const tx: Record<string, string> = {};
  let purgeRequestedAt = '';

  const draft = (title: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    title: `${title} ${run}`,
    description: 'An end-to-end poll.',
    options: [
      { id: 'park', label: 'Central park' },
      { id: 'yard', label: 'School yard' },
      { id: 'pier', label: 'River pier' },
    ],
    maxChoices: 1,
    opensAt: new Date(Date.now() - 3_600_000).toISOString(),
    closesAt: new Date(Date.now() + 86_400_000).toISOString(),
    ...extra,
  });

  const vecheOn = (mspId: string): Contract =>
    fabric
      .gateway({ as: mspId })
      .getNetwork(fabric.description.channel)
      .getContract(fabric.description.chaincode, 'residents');

  /** GetResidentDistrict evaluated by the department's own peer alone. */
  const districtOnPeer = async (mspId: string, residentId: string): Promise<unknown> => {
    const answer = await vecheOn(mspId).evaluate('GetResidentDistrict', {
      arguments: [residentId],
      endorsingOrganizations: [mspId],
    });
    return JSON.parse(Buffer.from(answer).toString('utf8'));
  };

  const auditEvents = async (query: string): Promise<Record<string, unknown>[]> => {
    const answer = await call('GET', `${api}/audit/events?${query}`, token.regulator);
    expect(answer.status).toBe(200);
    return answer.body.items as Record<string, unknown>[];
  };

  beforeAll(async () => {
    fabric = openFabricNetwork();
    system = await startSystem(network, {
      // Every request of this file comes from 127.0.0.1; API.md lets the limits be configured.
      RATE_LIMIT_IP_PER_SEC: '10000',
      RATE_LIMIT_RESIDENT_PER_MIN: '10000',
    });
    api = `${system.base}/api/v1`;
    for (const [name, claims] of Object.entries(residents)) {
      token[name] = await devToken(system.issuer, { ...claims, roles: ['resident'] });
    }
    token.dora = await devToken(system.issuer, {
      sub: `e2e-dora-${run}`,
      roles: ['resident'],
      district: 'Riverside',
      birthdate: '1990-01-01',
    });
    token.official = await devToken(system.issuer, {
      sub: `e2e-official-${run}`,
      roles: ['official'],
      department: 'ITDeptMSP',
    });
    token.civic = await devToken(system.issuer, {
      sub: `e2e-civic-${run}`,
      roles: ['official'],
      department: 'CivicChamberMSP',
    });
    token.regulator = await devToken(system.issuer, {
      sub: `e2e-regulator-${run}`,
      roles: ['regulator'],
    });
  }, startTimeoutMs + 30_000);

  afterAll(async () => {
    fabric.close();
    await stopSystem(system);
  });

  it('registers residents with 201, then 200, and reads their record', async () => {
    for (const name of ['alice', 'boris', 'kira'] as const) {
      const first = await call('POST', `${api}/residents/me`, token[name]);
      expect(first.status).toBe(201);
      expect(keysOf(first.body)).toEqual(['district', 'registeredAt', 'residentId']);
      expect(first.body).toMatchObject({ district: residents[name].district });
      expect(first.body.residentId).toMatch(/^[0-9a-f]{64}$/);
      expect(first.body.registeredAt).toMatch(isoTime);
      id[name] = String(first.body.residentId);

      const again = await call('POST', `${api}/residents/me`, token[name]);
      expect(again).toMatchObject({ status: 200, body: first.body });
    }
    const me = await call('GET', `${api}/residents/me`, token.alice);
    expect(me).toMatchObject({
      status: 200,
      body: {
        residentId: id.alice,
        district: 'Riverside',
        registeredAt: expect.stringMatching(isoTime) as unknown,
        personalDataStored: true,
      },
    });
    expect(keysOf(me.body)).toEqual([
      'district',
      'personalDataStored',
      'registeredAt',
      'residentId',
    ]);

    const stranger = await call('GET', `${api}/residents/me`, token.dora);
    expect(stranger).toMatchObject(problem(404, 'not-found'));
    expectProblemJson(stranger);
  });

  it('stores the personal details on both department peers, and district is readable there', async () => {
    for (const department of fabric.departments) {
      expect(await districtOnPeer(department.mspId, id.alice!)).toEqual({ district: 'Riverside' });
    }
  });

  it("creates polls as an official of the poll's department; residents and regulators get 403", async () => {
    const restricted = draft('Playground', {
      eligibility: { districts: ['Riverside'], minAge: 16 },
      allowRevote: true,
      resultsVisibility: 'live',
    });
    const created = await call('POST', `${api}/polls`, token.official, restricted, {
      'Idempotency-Key': `restricted-${run}`,
    });
    expect(created.status).toBe(201);
    expectPoll(created.body, ['eligibility']);
    expect(created.body).toMatchObject({
      ...restricted,
      status: 'draft',
      department: 'ITDeptMSP',
    });
    poll.restricted = String(created.body.pollId);

    const multiple = draft('Benches', { maxChoices: 2 });
    const second = await call('POST', `${api}/polls`, token.official, multiple);
    expect(second.status).toBe(201);
    expectPoll(second.body);
    expect(second.body).toMatchObject({
      ...multiple,
      allowRevote: false,
      resultsVisibility: 'after-close',
      status: 'draft',
    });
    poll.multiple = String(second.body.pollId);

    for (const who of ['alice', 'regulator'] as const) {
      const refused = await call('POST', `${api}/polls`, token[who], draft('Refused'));
      expect(refused).toMatchObject(problem(403, 'forbidden'));
      expectProblemJson(refused);
    }
    const read = await call('GET', `${api}/polls/${poll.restricted}`);
    expect(read).toMatchObject({ status: 200, body: created.body });
    const listed = await call('GET', `${api}/polls?status=draft&limit=100`);
    expect(listed.status).toBe(200);
    const listedIds = (listed.body.items as { pollId: string }[]).map((item) => item.pollId);
    expect(listedIds).toEqual(expect.arrayContaining([poll.restricted, poll.multiple]));
  });

  it('answers 409 poll-not-open to a ballot in a draft poll', async () => {
    const early = await call('POST', `${api}/polls/${poll.restricted}/ballots`, token.alice, {
      choices: ['park'],
    });
    expect(early).toMatchObject(problem(409, 'poll-not-open'));
  });

  it('opens polls for their own department only, once', async () => {
    const foreign = await call('POST', `${api}/polls/${poll.restricted}/open`, token.civic);
    expect(foreign).toMatchObject(problem(403, 'forbidden'));
    for (const pollId of [poll.restricted, poll.multiple]) {
      const opened = await call('POST', `${api}/polls/${pollId}/open`, token.official);
      expect(opened).toMatchObject({ status: 200, body: { pollId, status: 'open' } });
      expectPoll(opened.body, pollId === poll.restricted ? ['eligibility'] : []);
    }
    const twice = await call('POST', `${api}/polls/${poll.restricted}/open`, token.official);
    expect(twice).toMatchObject(problem(409, 'invalid-state'));
  });

  it('casts a single-choice ballot and answers its receipt from the ledger', async () => {
    const cast = await call(
      'POST',
      `${api}/polls/${poll.restricted}/ballots`,
      token.alice,
      { choices: ['park'] },
      { 'Idempotency-Key': `alice-first-${run}` },
    );
    expect(cast.status).toBe(201);
    expectReceipt(cast.body);
    expect(cast.body).toMatchObject({
      pollId: poll.restricted,
      residentId: id.alice,
      choices: ['park'],
    });
    tx.first = String(cast.body.txId);
    id.ballot = String(cast.body.ballotId);

    const receipt = await call('GET', `${api}/receipts/${tx.first}`);
    expect(receipt.status).toBe(200);
    expect(keysOf(receipt.body)).toEqual(
      [
        'blockNumber',
        'choices',
        'pollId',
        'recordedAt',
        'residentId',
        'superseded',
        'txId',
        'valid',
        'validationCode',
      ].sort(),
    );
    expect(receipt.body).toEqual({
      txId: tx.first,
      valid: true,
      validationCode: 'VALID',
      blockNumber: cast.body.blockNumber,
      pollId: poll.restricted,
      residentId: id.alice,
      choices: ['park'],
      recordedAt: cast.body.recordedAt,
      superseded: false,
    });
    const live = await call('GET', `${api}/polls/${poll.restricted}/results`);
    expect(live).toEqual(
      expect.objectContaining({
        status: 200,
        body: {
          pollId: poll.restricted,
          status: 'live',
          totalBallots: 1,
          counts: { park: 1, yard: 0, pier: 0 },
        },
      }),
    );
  });

  it('refuses ineligible residents by district and by age (403 not-eligible) and unregistered ones (403 not-registered)', async () => {
    for (const who of ['boris', 'kira'] as const) {
      const refused = await call('POST', `${api}/polls/${poll.restricted}/ballots`, token[who], {
        choices: ['yard'],
      });
      expect(refused).toMatchObject(problem(403, 'not-eligible'));
      expectProblemJson(refused);
    }
    const unregistered = await call('POST', `${api}/polls/${poll.restricted}/ballots`, token.dora, {
      choices: ['yard'],
    });
    expect(unregistered).toMatchObject(problem(403, 'not-registered'));
  });

  it('accepts a re-vote where allowed: same ballotId, the earlier receipt superseded, live counts the latest', async () => {
    const revote = await call('POST', `${api}/polls/${poll.restricted}/ballots`, token.alice, {
      choices: ['yard'],
    });
    expect(revote.status).toBe(201);
    expectReceipt(revote.body);
    expect(revote.body).toMatchObject({ ballotId: id.ballot, choices: ['yard'] });
    tx.revote = String(revote.body.txId);
    expect(tx.revote).not.toBe(tx.first);

    expect(await call('GET', `${api}/receipts/${tx.first}`)).toMatchObject({
      status: 200,
      body: { valid: true, superseded: true, choices: ['park'] },
    });
    expect(await call('GET', `${api}/receipts/${tx.revote}`)).toMatchObject({
      status: 200,
      body: { valid: true, superseded: false, choices: ['yard'] },
    });
    expect(await call('GET', `${api}/polls/${poll.restricted}/results`)).toMatchObject({
      status: 200,
      body: { status: 'live', totalBallots: 1, counts: { park: 0, yard: 1, pier: 0 } },
    });
  });

  it('casts multiple-choice ballots, answers 409 already-voted without re-voting, and seals after-close results', async () => {
    const ballots = {
      alice: ['park', 'pier'],
      boris: ['yard'],
      kira: ['yard', 'park'],
    } as const;
    for (const [who, choices] of Object.entries(ballots)) {
      const cast = await call('POST', `${api}/polls/${poll.multiple}/ballots`, token[who], {
        choices,
      });
      expect(cast).toMatchObject({ status: 201, body: { choices } });
      expectReceipt(cast.body);
    }
    const again = await call('POST', `${api}/polls/${poll.multiple}/ballots`, token.alice, {
      choices: ['yard'],
    });
    expect(again).toMatchObject(problem(409, 'already-voted'));
    const tooMany = await call('POST', `${api}/polls/${poll.multiple}/ballots`, token.alice, {
      choices: ['park', 'yard', 'pier'],
    });
    expect(tooMany).toMatchObject(problem(400, 'invalid-request'));
    const sealed = await call('GET', `${api}/polls/${poll.multiple}/results`);
    expect(sealed).toMatchObject(problem(409, 'results-sealed'));
  });

  it("lists a resident's latest ballot of each poll", async () => {
    const mine = await call('GET', `${api}/residents/me/ballots`, token.alice);
    expect(mine.status).toBe(200);
    expect(keysOf(mine.body)).toEqual(['items']);
    const items = mine.body.items as Record<string, unknown>[];
    for (const item of items) expectReceipt(item);
    expect(items).toHaveLength(2);
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pollId: poll.restricted, choices: ['yard'], txId: tx.revote }),
        expect.objectContaining({ pollId: poll.multiple, choices: ['park', 'pier'] }),
      ]),
    );
  });

  it('closes polls with a final tally equal to the ballots; then ballots answer 409 poll-not-open', async () => {
    const closed = await call('POST', `${api}/polls/${poll.restricted}/close`, token.official);
    expect(closed).toMatchObject({ status: 200, body: { status: 'closed' } });
    expectPoll(closed.body, ['eligibility']);
    expect(await call('GET', `${api}/polls/${poll.restricted}/results`)).toEqual(
      expect.objectContaining({
        status: 200,
        body: {
          pollId: poll.restricted,
          status: 'final',
          totalBallots: 1,
          counts: { park: 0, yard: 1, pier: 0 },
        },
      }),
    );
    const late = await call('POST', `${api}/polls/${poll.restricted}/ballots`, token.alice, {
      choices: ['park'],
    });
    expect(late).toMatchObject(problem(409, 'poll-not-open'));
    const twice = await call('POST', `${api}/polls/${poll.restricted}/close`, token.official);
    expect(twice).toMatchObject(problem(409, 'invalid-state'));

    expect(await call('POST', `${api}/polls/${poll.multiple}/close`, token.official)).toMatchObject(
      { status: 200, body: { status: 'closed' } },
    );
    expect(await call('GET', `${api}/polls/${poll.multiple}/results`)).toEqual(
      expect.objectContaining({
        status: 200,
        body: {
          pollId: poll.multiple,
          status: 'final',
          totalBallots: 3,
          counts: { park: 2, yard: 2, pier: 1 },
        },
      }),
    );
  });

  it('erases personal data on both department peers; the pseudonym and ballots stay', async () => {
    // The audit check finds the purge from here on: a shared ledger may hold more than a page of
    // older events.
    purgeRequestedAt = new Date(Date.now() - 1000).toISOString();
    const purged = await call('DELETE', `${api}/residents/me/personal-data`, token.alice);
    expect(purged).toEqual(expect.objectContaining({ status: 200, body: { purged: true } }));
    expect(await call('DELETE', `${api}/residents/me/personal-data`, token.alice)).toEqual(
      expect.objectContaining({ status: 200, body: { purged: true } }),
    );
    for (const department of fabric.departments) {
      expect(await districtOnPeer(department.mspId, id.alice!)).toEqual({ district: null });
    }
    expect(await call('GET', `${api}/residents/me`, token.alice)).toMatchObject({
      status: 200,
      body: { residentId: id.alice, district: null, personalDataStored: false },
    });
    const mine = await call('GET', `${api}/residents/me/ballots`, token.alice);
    expect(mine.status).toBe(200);
    expect(mine.body.items).toHaveLength(2);
    expect(await call('GET', `${api}/receipts/${tx.revote}`)).toMatchObject({
      status: 200,
      body: { valid: true, residentId: id.alice, choices: ['yard'] },
    });
    const unregistered = await call('DELETE', `${api}/residents/me/personal-data`, token.dora);
    expect(unregistered).toMatchObject(problem(404, 'not-found'));
  });

  it('after erasure, polls with eligibility rules answer 403 not-eligible and polls without accept the ballot', async () => {
    for (const name of ['ruled', 'open'] as const) {
      const extra = name === 'ruled' ? { eligibility: { districts: ['Riverside'] } } : {};
      const created = await call('POST', `${api}/polls`, token.official, draft(name, extra));
      expect(created.status).toBe(201);
      poll[name] = String(created.body.pollId);
      expect(await call('POST', `${api}/polls/${poll[name]}/open`, token.official)).toMatchObject({
        status: 200,
      });
    }
    const ruled = await call('POST', `${api}/polls/${poll.ruled}/ballots`, token.alice, {
      choices: ['park'],
    });
    expect(ruled).toMatchObject(problem(403, 'not-eligible'));
    const open = await call('POST', `${api}/polls/${poll.open}/ballots`, token.alice, {
      choices: ['park'],
    });
    expect(open).toMatchObject({ status: 201, body: { residentId: id.alice } });
  });

  it("serves the audit trail and a poll's history through the regulator's peer, to regulators only", async () => {
    const wanted = ['PollCreated', 'PollOpened', 'BallotCast', 'PollClosed', 'TallyFinalized'];
    let events: Record<string, unknown>[] = [];
    await eventually(
      'the audit trail of the restricted poll',
      async () => {
        events = await auditEvents(`pollId=${poll.restricted}&limit=1000`);
        return wanted.every((action) => events.some((event) => event.action === action));
      },
      5_000,
    );
    for (const event of events) {
      const optional = keysOf(event).filter((key) => !auditEventKeys.includes(key));
      expect(['actorId', 'pollId', 'residentId']).toEqual(expect.arrayContaining(optional));
      expect(event).toMatchObject({ pollId: poll.restricted, validationCode: 'VALID' });
      expect(event.endorsers).toEqual(expect.arrayContaining(['ITDeptMSP', 'CivicChamberMSP']));
    }
    const ballots = events.filter((event) => event.action === 'BallotCast');
    expect(ballots.map((event) => event.txId)).toEqual([tx.first, tx.revote]);
    expect(ballots[0]).toMatchObject({
      actor: 'resident',
      residentId: id.alice,
      mspId: 'ITDeptMSP',
    });

    await eventually(
      "alice's purge in the audit trail",
      async () =>
        (await auditEvents(`limit=1000&since=${purgeRequestedAt}`)).some(
          (event) => event.action === 'ResidentPurged' && event.residentId === id.alice,
        ),
      5_000,
    );

    const history = await call(
      'GET',
      `${api}/audit/polls/${poll.restricted}/history`,
      token.regulator,
    );
    expect(history.status).toBe(200);
    expect(keysOf(history.body)).toEqual(['items']);
    const items = history.body.items as Record<string, unknown>[];
    expect(items.map((item) => item.status)).toEqual(['draft', 'open', 'closed']);
    for (const item of items) {
      expect(keysOf(item)).toEqual(['poll', 'status', 'timestamp', 'txId']);
      expectPoll(item.poll as Record<string, unknown>, ['eligibility']);
    }

    for (const who of ['alice', 'official'] as const) {
      const refused = await call('GET', `${api}/audit/events`, token[who]);
      expect(refused).toMatchObject(problem(403, 'forbidden'));
    }
    expect(await call('GET', `${api}/audit/events`)).toMatchObject(problem(401, 'unauthenticated'));
  });

  describe('privacy scan', () => {
    const aliceDetails = [
      residents.alice.name,
      residents.alice.birthdate,
      residents.alice.phone_number,
    ];

    it("finds planted details in a file, and this run's poll title in every peer's public state", () => {
      // A scan that cannot fail proves nothing: it must find what is known to be there.
      const dir = mkdtempSync(join(tmpdir(), 'veche-scan-'));
      try {
        const planted = join(dir, 'planted.log');
        writeFileSync(planted, `{"msg":"leak","detail":${JSON.stringify(personalDetails)}}\n`);
        expect(findNeedles(logFiles(dir), personalDetails)).toEqual(
          personalDetails.map((needle) => ({ needle, source: planted })),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const title = `Playground ${run}`;
      const peers = publicState(network).filter((source) => source.name.includes('state'));
      expect(peers).toHaveLength(3);
      expect(findNeedles(peers, [title]).map((hit) => hit.source)).toEqual(
        peers.map((source) => source.name),
      );
      // Snappy, as goleveldb compresses table blocks: a literal "abcd", then a copy of 8 bytes
      // from 4 back.
      const compressed = Buffer.from([12, 0x0c, 0x61, 0x62, 0x63, 0x64, 0x11, 0x04]);
      expect(snappyDecompress(compressed).toString()).toBe('abcdabcdabcd');
    });

    it('finds no name, phone or birth date in any block, public state or log after the scenario', async () => {
      const s = system!;
      // Stopped first, so the gateway's and the IdP's logs are complete.
      await stopSystem(s, { keepRuntime: true });
      try {
        const sources = [
          ...blockFiles(network),
          ...publicState(network),
          ...logFiles(join(network, 'logs')),
          ...logFiles(join(s.runtime, 'logs')),
        ];
        expect(
          sources.filter((source) => source.name.includes('blockfile_')).length,
        ).toBeGreaterThanOrEqual(7);
        expect(sources.filter((source) => source.name.includes('gateway')).length).toBeGreaterThan(
          0,
        );
        expect(findNeedles(sources, personalDetails)).toEqual([]);
      } finally {
        rmSync(s.runtime, { recursive: true, force: true });
      }
      // Room for a stop that needs its SIGKILL fallback (twice 45 s) before the scan.
    }, 180_000);

    it('leaves no current private value of the erased resident on the department peers', () => {
      for (const department of ['peer-itdept', 'peer-civic']) {
        const stores = privateData(join(network, 'data', department));
        expect(findNeedles([stores.current], aliceDetails)).toEqual([]);
        // The other residents' details are still stored: the same scan finds them.
        expect(findNeedles([stores.current], [residents.boris.name])).toHaveLength(1);
      }
    });
  });
});
