import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startDevIdp, devToken, type DevIdp } from '../../helpers/devIdp.js';
import { eventually } from '../../helpers/eventually.js';
import { openFabricNetwork } from '../../helpers/fabricNetwork.js';
import { createPseudonymizer } from '../../../gateway/src/crypto/pseudonym.js';
import type { Ledger, PreparedWrite } from '../../../gateway/src/services/ledger.js';
import type { TestGateway } from './gatewayApp.js';
import { bearer, buildLedgerGateway, openPoll, registeredResident } from './ledgerGateway.js';
import { pollFields } from '../../helpers/apiFields.js';

let idp: DevIdp;
let gateway: TestGateway;
let official: string;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  idp = await startDevIdp();
  gateway = await buildLedgerGateway(idp.issuer);
  official = await devToken(idp.issuer, {
    sub: `official-${randomUUID()}`,
    roles: ['official'],
    department: 'ITDeptMSP',
  });
});

afterAll(async () => {
  await gateway.close();
  await idp.stop();
});

/** Replays `send` until the outcome is known: at most `attempts` times, 250 ms apart. */
async function untilKnown(send: () => Promise<request.Response>, attempts = 40) {
  let response = await send();
  for (let i = 1; i < attempts && response.status === 503; i += 1) {
    await sleep(250);
    response = await send();
  }
  return response;
}

/**
 * A resident's ballot with Idempotency-Key `vote-once`, sent first through a gateway with `env`
 * (a deadline far shorter than a block), which must answer 503 commit-pending with a txId, then
 * handed to `replay` with a patient gateway that shares the first one's idempotency records.
 */
async function impatientThenPatient(
  env: Record<string, string>,
  choice: string,
  replay: (args: { pollId: string; txId: string; send: () => request.Test }) => Promise<void>,
): Promise<void> {
  const prefix = `ledger-itest-${randomUUID()}:`;
  const impatient = await buildLedgerGateway(idp.issuer, env, prefix);
  const patient = await buildLedgerGateway(idp.issuer, {}, prefix);
  try {
    const { pollId } = await openPoll(patient, official);
    const resident = await registeredResident(patient, idp.issuer);
    const cast = (app: TestGateway) => () =>
      request(app.app)
        .post(`/api/v1/polls/${pollId}/ballots`)
        .set(bearer(resident))
        .set('Idempotency-Key', 'vote-once')
        .send({ choices: [choice] });

    const first = await cast(impatient)();
    expect(first.status).toBe(503);
    expect(first.body).toMatchObject({ type: 'commit-pending' });
    const txId = (first.body as { txId: string }).txId;
    expect(txId).toMatch(/^[0-9a-f]{64}$/);
    await replay({ pollId, txId, send: cast(patient) });
  } finally {
    await impatient.close();
    await patient.close();
  }
}

/** The replay, sent until its outcome is known, answers 201 with the first request's txId. */
async function replayAnswersFirstTransaction(
  send: () => request.Test,
  expected: { pollId: string; txId: string; choice: string },
): Promise<request.Response> {
  const replay = await untilKnown(send);
  expect(replay.status).toBe(201);
  expect(replay.body).toMatchObject({
    pollId: expected.pollId,
    txId: expected.txId,
    choices: [expected.choice],
  });
  return replay;
}

describe('a ballot whose outcome is not known in time, on the real network', () => {
  it('answers 503 commit-pending with the txId when the commit status outlasts its deadline, and the replay with the same key answers the 201 of that txId', async () => {
    await impatientThenPatient(
      { FABRIC_COMMIT_TIMEOUT_MS: '1' },
      'north',
      async ({ pollId, txId, send }) => {
        const replay = await replayAnswersFirstTransaction(send, { pollId, txId, choice: 'north' });
        expect(replay.headers['idempotent-replayed']).toBe('true');
      },
    );
  });

  it('answers 503 commit-pending with the txId when submitting to the orderers fails, and the replay hands that same transaction to them and answers its 201', async () => {
    await impatientThenPatient(
      { FABRIC_SUBMIT_TIMEOUT_MS: '1' },
      'south',
      async ({ pollId, txId, send }) => {
        // The orderers may or may not have it: the replay answers that transaction, never another.
        await replayAnswersFirstTransaction(send, { pollId, txId, choice: 'south' });
      },
    );
  });
});

/**
 * The Fabric adapter of a gateway whose process dies right after its ballot's endorsed
 * transaction was noted with the Idempotency-Key, before submitting it: the write waits on
 * `death`, and `noted` learns what was noted.
 */
function dyingAfterNoting(
  ledger: Ledger,
  death: Promise<never>,
  noted: (prepared: PreparedWrite) => void,
): Ledger {
  return new Proxy(ledger, {
    get(target, property) {
      if (property !== 'castBallot') {
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      }
      const castBallot: Ledger['castBallot'] = (pollId, residentId, choices, options) =>
        target.castBallot(pollId, residentId, choices, {
          onPrepared: async (prepared) => {
            await options?.onPrepared?.(prepared);
            noted(prepared);
            await death;
          },
        });
      return castBallot;
    },
  });
}

describe('a gateway killed between noting a ballot’s transaction and submitting it', () => {
  it('lets the replay through another gateway submit that very transaction and answer its 201 at once', async () => {
    const prefix = `ledger-itest-${randomUUID()}:`;
    let noted: PreparedWrite | undefined;
    let kill: (reason: Error) => void = () => undefined;
    const death = new Promise<never>((_resolve, reject) => {
      kill = reject;
    });
    const dying = await buildLedgerGateway(idp.issuer, {}, prefix, (ledger) =>
      dyingAfterNoting(ledger, death, (prepared) => {
        noted = prepared;
      }),
    );
    const survivor = await buildLedgerGateway(idp.issuer, {}, prefix);
    try {
      const { pollId } = await openPoll(survivor, official);
      const resident = await registeredResident(survivor, idp.issuer);
      const cast = (app: TestGateway) =>
        request(app.app)
          .post(`/api/v1/polls/${pollId}/ballots`)
          .set(bearer(resident))
          .set('Idempotency-Key', 'cut-off')
          .send({ choices: ['north'] });

      const cut = cast(dying).then(
        () => undefined,
        () => undefined,
      );
      await eventually(
        'the dying gateway noted its transaction',
        () => Promise.resolve(noted !== undefined),
        30_000,
      );
      // Its process dies: no more heartbeat or record updates, and nothing reached the orderers.
      await dying.close();
      kill(new Error('SIGKILL'));
      await cut;

      // Within a few replays (the dead process's heartbeat lapses in 6 s), not after the
      // orderers' 180 s request expiry: nobody else could ever submit that transaction.
      const replay = await untilKnown(() => cast(survivor));
      expect(replay.status).toBe(201);
      expect(replay.body).toMatchObject({ pollId, txId: noted!.txId, choices: ['north'] });
      expect(replay.headers['idempotent-replayed']).toBe('true');
      // The one ballot of the resident on the ledger, and the one that counts.
      const receipt = await request(survivor.app).get(`/api/v1/receipts/${noted!.txId}`);
      expect(receipt.body).toMatchObject({ valid: true, superseded: false, choices: ['north'] });
      const metrics = await request(survivor.app).get('/metrics');
      expect(metrics.text).toMatch(
        /^veche_idempotency_resubmissions_total\{outcome="committed"\} 1$/m,
      );
      const again = await cast(survivor);
      expect(again.status).toBe(201);
      expect(again.body as unknown).toEqual(replay.body as unknown);
    } finally {
      await survivor.close();
    }
  });
});

describe('ballots on the real network', () => {
  it('answers 201 for a ballot committed VALID even when Redis fails to apply its live counts, and logs it', async () => {
    const { pollId } = await openPoll(gateway, official, { resultsVisibility: 'live' });
    const resident = await registeredResident(gateway, idp.issuer);
    // A value of the wrong type under the live counts' key: every HINCRBY on it fails.
    await gateway.redis.set(`live:${pollId}`, 'not a hash');

    const cast = await request(gateway.app)
      .post(`/api/v1/polls/${pollId}/ballots`)
      .set(bearer(resident))
      .send({ choices: ['north'] });
    expect(cast.status).toBe(201);
    const txId = (cast.body as { txId: string }).txId;
    expect(gateway.logs.join('')).toContain(txId);
    expect(gateway.logs.join('')).toMatch(/live counts not updated/);
  });

  it('answers a double click without an Idempotency-Key 201 and 409 already-voted, never 503', async () => {
    const { pollId } = await openPoll(gateway, official);
    const resident = await registeredResident(gateway, idp.issuer);
    const cast = () =>
      request(gateway.app)
        .post(`/api/v1/polls/${pollId}/ballots`)
        .set(bearer(resident))
        .send({ choices: ['north'] });
    const answers = await Promise.all([cast(), cast()]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
    expect(answers.find((answer) => answer.status === 409)?.body).toMatchObject({
      type: 'already-voted',
    });
  });
});

describe('re-votes on the real network', () => {
  it('accepts every re-vote residents send the moment their last one was answered, though the second endorser may not have its block yet', async () => {
    const { pollId } = await openPoll(gateway, official, { allowRevote: true });
    // Many residents at once keep blocks coming, so a peer is often a block behind the other.
    const residents = await Promise.all(
      Array.from({ length: 16 }, () => registeredResident(gateway, idp.issuer)),
    );
    const revote = async (resident: string): Promise<number[]> => {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i += 1) {
        const cast = await request(gateway.app)
          .post(`/api/v1/polls/${pollId}/ballots`)
          .set(bearer(resident))
          .send({ choices: [i % 2 === 0 ? 'north' : 'south'] });
        statuses.push(cast.status);
      }
      return statuses;
    };
    const statuses = (await Promise.all(residents.map(revote))).flat();
    expect(statuses).toHaveLength(128);
    expect(statuses.filter((status) => status !== 201)).toEqual([]);
  });
});

describe('a second click while the first is still committing', () => {
  it('waits for the first request’s lock to be released rather than answering 503', async () => {
    const { pollId } = await openPoll(gateway, official);
    const sub = `resident-${randomUUID()}`;
    const resident = await registeredResident(gateway, idp.issuer, sub);
    const residentId = createPseudonymizer(gateway.config.pseudonymSecret).residentId(
      idp.issuer,
      sub,
    );
    // The first click holds the lock through a commit slower than usual (6 s).
    await gateway.redis.set(`lock:ballot:${pollId}:${residentId}`, 'first-click', 'PX', 6000);

    const second = await request(gateway.app)
      .post(`/api/v1/polls/${pollId}/ballots`)
      .set(bearer(resident))
      .send({ choices: ['south'] });
    expect(second.status).toBe(201);
  });
});

describe('officials on the real network', () => {
  it('records an official’s acts under an officialId that is not their residentId', async () => {
    const sub = `official-${randomUUID()}`;
    const token = await devToken(idp.issuer, { sub, roles: ['official'], department: 'ITDeptMSP' });
    const { poll } = await openPoll(gateway, token);
    const pseudonyms = createPseudonymizer(gateway.config.pseudonymSecret);
    const officialId = pseudonyms.officialId(idp.issuer, sub);
    const residentId = pseudonyms.residentId(idp.issuer, sub);

    let created = await gateway.ledger.getTransaction(poll.txId as string);
    for (let i = 0; created === undefined && i < 40; i += 1) {
      await sleep(250);
      created = await gateway.ledger.getTransaction(poll.txId as string);
    }
    expect(created?.event?.payload).toMatchObject({ action: 'PollCreated', actorId: officialId });
    expect(created?.args).toContain(officialId);
    expect(JSON.stringify(created)).not.toContain(residentId);
  });
});

describe('closing a poll on the real network', () => {
  it('answers 200 with the closed poll once its final tally is recorded within the wait', async () => {
    const { pollId } = await openPoll(gateway, official);
    const resident = await registeredResident(gateway, idp.issuer);
    await request(gateway.app)
      .post(`/api/v1/polls/${pollId}/ballots`)
      .set(bearer(resident))
      .send({ choices: ['north'] })
      .expect(201);
    const closed = await request(gateway.app)
      .post(`/api/v1/polls/${pollId}/close`)
      .set(bearer(official));
    expect([closed.status, (closed.body as { status: string }).status]).toEqual([200, 'closed']);
    const results = await request(gateway.app).get(`/api/v1/polls/${pollId}/results`).expect(200);
    expect(results.body).toEqual({
      pollId,
      status: 'final',
      totalBallots: 1,
      counts: { north: 1, south: 0 },
    });
  });

  it('answers 202 with the closed poll and Location of its results when the tally outlasts CLOSE_WAIT_MS, and the results turn final', async () => {
    const hurried = await buildLedgerGateway(idp.issuer, { CLOSE_WAIT_MS: '1' });
    try {
      const { pollId } = await openPoll(hurried, official, { resultsVisibility: 'live' });
      const resident = await registeredResident(hurried, idp.issuer);
      await request(hurried.app)
        .post(`/api/v1/polls/${pollId}/ballots`)
        .set(bearer(resident))
        .send({ choices: ['south'] })
        .expect(201);

      const closed = await request(hurried.app)
        .post(`/api/v1/polls/${pollId}/close`)
        .set(bearer(official));
      expect(closed.status).toBe(202);
      expect(closed.headers.location).toBe(`/api/v1/polls/${pollId}/results`);
      expect(closed.body).toMatchObject({ pollId, status: 'closed' });

      let results = await request(hurried.app).get(`/api/v1/polls/${pollId}/results`);
      for (let i = 0; results.status === 409 && i < 80; i += 1) {
        expect(results.body).toMatchObject({ type: 'tally-pending' });
        await sleep(250);
        results = await request(hurried.app).get(`/api/v1/polls/${pollId}/results`);
      }
      expect(results.status).toBe(200);
      expect(results.body).toEqual({
        pollId,
        status: 'final',
        totalBallots: 1,
        counts: { north: 0, south: 1 },
      });
      await request(hurried.app)
        .post(`/api/v1/polls/${pollId}/close`)
        .set(bearer(official))
        .expect(409);
      // The background tally ended well, not merely with a final tally on the ledger.
      let pending = await hurried.redis.hget('tally:pending', pollId);
      for (let i = 0; pending !== null && i < 40; i += 1) {
        await sleep(250);
        pending = await hurried.redis.hget('tally:pending', pollId);
      }
      expect(pending).toBeNull();
      expect(hurried.logs.join('')).not.toMatch(/tally failed/);
    } finally {
      await hurried.close();
    }
  });
});

describe('receipts on the real network', () => {
  it('answers a receipt checked right after its 201 with 200, never a 404 from a regulator’s peer a block behind', async () => {
    const { pollId } = await openPoll(gateway, official, { allowRevote: true });
    const resident = await registeredResident(gateway, idp.issuer);
    for (const choice of ['north', 'south', 'north', 'south', 'north', 'south']) {
      const cast = await request(gateway.app)
        .post(`/api/v1/polls/${pollId}/ballots`)
        .set(bearer(resident))
        .send({ choices: [choice] })
        .expect(201);
      const { txId, blockNumber } = cast.body as { txId: string; blockNumber: number };
      const receipt = await request(gateway.app).get(`/api/v1/receipts/${txId}`);
      expect([receipt.status, receipt.body]).toEqual([
        200,
        expect.objectContaining({ txId, blockNumber, valid: true, choices: [choice] }),
      ]);
    }
  });

  it('answers 404 for another chaincode’s transaction, which is no ballot', async () => {
    const fabric = openFabricNetwork();
    try {
      const commit = await fabric
        .gateway({ as: 'ITDeptMSP' })
        .getNetwork(fabric.description.channel)
        .getContract(fabric.description.baselineChaincode)
        .submitAsync('Put', { arguments: [`receipt-${randomUUID()}`, 'value'] });
      expect((await commit.getStatus()).successful).toBe(true);
      const receipt = await request(gateway.app).get(
        `/api/v1/receipts/${commit.getTransactionId()}`,
      );
      expect([receipt.status, (receipt.body as { type: string }).type]).toEqual([404, 'not-found']);
    } finally {
      fabric.close();
    }
  });

  it('answers 404 for a transaction ID of the ledger’s form that names no transaction', async () => {
    await request(gateway.app)
      .get(`/api/v1/receipts/${'0'.repeat(64)}`)
      .expect(404);
  });
});

describe('what the chaincode answers, as the gateway passes it on', () => {
  it('answers a Poll with exactly the fields API.md names, never the chaincode’s shardCount', async () => {
    const { pollId, poll } = await openPoll(gateway, official);
    const read = await request(gateway.app).get(`/api/v1/polls/${pollId}`).expect(200);
    const listed = await request(gateway.app).get('/api/v1/polls?limit=5').expect(200);
    const apiFields: readonly string[] = pollFields;
    for (const answer of [poll, read.body as Record<string, unknown>]) {
      expect(Object.keys(answer).sort()).toEqual(apiFields);
    }
    for (const item of (listed.body as { items: Record<string, unknown>[] }).items) {
      expect(item).not.toHaveProperty('shardCount');
    }
  });
});
