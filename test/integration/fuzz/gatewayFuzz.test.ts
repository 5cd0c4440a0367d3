import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Network } from '@hyperledger/fabric-gateway';
import fc from 'fast-check';
import request from 'supertest';
import type { z } from 'zod';
import { createPseudonymizer } from '../../../gateway/src/crypto/pseudonym.js';
import { createHttpServer } from '../../../gateway/src/httpServer.js';
import { routeSpecs, type RouteSpec } from '../../../gateway/src/validation/registry.js';
import { IdempotencyKey } from '../../../gateway/src/validation/schemas.js';
import { transactionsBetween, txValidationCodes } from '../../helpers/blockScan.js';
import { devToken, startDevIdp, type DevIdp } from '../../helpers/devIdp.js';
import { openFabricNetwork, type FabricNetwork } from '../../helpers/fabricNetwork.js';
import { chainHeight } from '../../helpers/ledgerQueries.js';
import type { TestGateway } from '../gateway/gatewayApp.js';
import { buildLedgerGateway, openPoll, registeredResident } from '../gateway/ledgerGateway.js';
import { fuzz, headerText, junkJson, junkString, mutated } from './junk.js';

// Every route of the registry (the one /openapi.json is built from, so a new route is fuzzed
// without anyone adding it here) gets generated junk in its path, query, headers and body, as a
// resident, an official, a regulator and nobody: no answer is a 5xx, every 4xx is problem+json,
// and the ledger shows no write by any of those callers. A request to a route that writes always
// carries at least one fault the contract refuses, so a write would be the gateway's defect.

type Identity = 'resident' | 'official' | 'regulator' | 'anonymous';
type Fault =
  | 'anonymous'
  | 'wrong-role'
  | 'junk-authorization'
  | 'unknown-query'
  | 'bad-body'
  | 'non-json-body'
  | 'bad-idempotency-key'
  | 'long-path-param';

interface JunkRequest {
  readonly identity: Identity;
  readonly authorization?: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: string;
  readonly contentType?: string;
  readonly idempotencyKey?: string;
  readonly body?: string;
  readonly faults: readonly Fault[];
}

const secret = `fuzz-${randomBytes(24).toString('hex')}`;
let idp: DevIdp;
let gateway: TestGateway;
/** The gateway's own HTTP server, so requests Node's parser refuses get its answer too. */
let server: Server;
let base: string;
let fabric: FabricNetwork;
let regulatorChannel: Network;
let pollId: string;
const tokens = new Map<Identity, string>();
const subjects = new Map<Identity, string>();
const before = { height: 0, submits: 0 };
let answered = 0;

async function submitsSoFar(): Promise<number> {
  const metrics = await request(base).get('/metrics');
  let total = 0;
  for (const line of metrics.text.split('\n')) {
    if (line.startsWith('veche_fabric_duration_seconds_count{') && line.includes('phase="submit"'))
      total += Number(line.split(' ').at(-1));
  }
  return total;
}

beforeAll(async () => {
  idp = await startDevIdp();
  gateway = await buildLedgerGateway(idp.issuer, { PSEUDONYM_SECRET: secret });
  server = createHttpServer(gateway.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fabric = openFabricNetwork();
  regulatorChannel = fabric
    .gateway({ as: fabric.regulator.mspId })
    .getNetwork(fabric.description.channel);
  for (const identity of ['resident', 'official', 'regulator'] as const)
    subjects.set(identity, `fuzz-${identity}-${randomUUID()}`);
  tokens.set(
    'official',
    await devToken(idp.issuer, {
      sub: subjects.get('official')!,
      roles: ['official'],
      department: 'ITDeptMSP',
    }),
  );
  tokens.set(
    'regulator',
    await devToken(idp.issuer, { sub: subjects.get('regulator')!, roles: ['regulator'] }),
  );
  // A registered resident and an open poll, so junk reaches the ledger's own checks too.
  tokens.set('resident', await registeredResident(gateway, idp.issuer, subjects.get('resident')));
  ({ pollId } = await openPoll(gateway, tokens.get('official')!));
  before.height = await chainHeight(regulatorChannel);
  before.submits = await submitsSoFar();
}, 180_000);

afterAll(async () => {
  fabric.close();
  await new Promise((resolve) => server.close(resolve));
  await gateway.close();
  await idp.stop();
});

const unreserved = /[A-Za-z0-9\-._~]/;
/** Percent-encodes the UTF-8 bytes of a string (lone surrogates become U+FFFD, as on the wire). */
function encode(value: string | Uint8Array): string {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
  let out = '';
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && unreserved.test(char) ? char : `%${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

const accessOf = (spec: RouteSpec): Identity[] =>
  spec.access === 'public' ? ['resident', 'official', 'regulator', 'anonymous'] : [spec.access];
const writes = (spec: RouteSpec): boolean => spec.ledger && spec.method !== 'get';
const paramNames = (spec: RouteSpec): string[] =>
  [...spec.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);

/** The gateway's own rule: no body, or a JSON object or array without keys, is no body. */
const isEmptyBody = (value: unknown): boolean =>
  value === undefined ||
  (typeof value === 'object' && value !== null && Object.keys(value).length === 0);

/** As the HTTP parser hands a header value over: without surrounding spaces and tabs. */
const onTheWire = (header: string): string => header.replace(/^[ \t]+|[ \t]+$/g, '');

const pathParam = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(encode(pollId)) },
    { weight: 4, arbitrary: junkString.map(encode) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 12 }).map(encode) },
    {
      weight: 2,
      arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '..', '.', '%2F', '0', '-1'),
    },
  );

const queryKeys = ['status', 'limit', 'cursor', 'pollId', 'since', 'until', 'returnTo', 'code'];
const junkQuery: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc
    .array(
      fc.tuple(fc.oneof(fc.constantFrom(...queryKeys), junkString), fc.oneof(junkString, fc.nat())),
      { maxLength: 4 },
    )
    .map((pairs) =>
      pairs.map(([key, value]) => `${encode(key)}=${encode(String(value))}`).join('&'),
    ),
  fc.constantFrom('a[b]=c', 'limit=1&limit=2', '&&=&', '%zz=%zz', 'status[]=open', 'limit=1e3'),
);

const contentTypes = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/merge-patch+json',
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    '',
  ),
  headerText(60),
);

const authorizations = fc.oneof(
  headerText(200),
  headerText(200).map((junk) => `Bearer ${junk}`),
  fc.constantFrom('Bearer', 'Bearer ', 'Basic dmVjaGU6dmVjaGU=', 'bearer x.y.z', 'Bearer a.b.c.d'),
);

/** A JSON body that the route's schema refuses, or, for a route without one, that is not empty. */
function badJsonBody(spec: RouteSpec): fc.Arbitrary<unknown> {
  const schema: z.ZodType | undefined = spec.body;
  if (schema === undefined) return junkJson.filter((value) => !isEmptyBody(value));
  const shaped =
    spec.operationId === 'createPoll' ? mutated(validDraft()) : mutated({ choices: ['north'] });
  const candidates: fc.Arbitrary<unknown>[] = [junkJson, shaped];
  if (spec.operationId === 'castBallot') {
    // Well-formed choices the poll itself refuses: unknown, duplicated or too many options.
    candidates.push(
      fc
        .array(
          fc.oneof(fc.constantFrom('north', 'south'), fc.stringMatching(/^[a-z0-9-]{1,32}$/)),
          {
            minLength: 1,
            maxLength: 4,
          },
        )
        .map((choices) => ({ choices })),
    );
  }
  return fc
    .oneof(...candidates)
    .filter((value) => !schema.safeParse(value).success || !accepted(spec, value));
}

/** Whether the fuzzed poll would take this well-formed body: one of its two options, once. */
function accepted(spec: RouteSpec, value: unknown): boolean {
  if (spec.operationId !== 'castBallot') return true;
  const choices = (value as { choices: string[] }).choices;
  return choices.length === 1 && (choices[0] === 'north' || choices[0] === 'south');
}

function validDraft(): Record<string, unknown> {
  const now = Date.now();
  return {
    title: 'Fuzzed poll',
    description: '',
    options: [
      { id: 'north', label: 'North' },
      { id: 'south', label: 'South' },
    ],
    maxChoices: 1,
    opensAt: new Date(now).toISOString(),
    closesAt: new Date(now + 86_400_000).toISOString(),
  };
}

/** Junk for every part of a request to `spec`; a request to a writing route has a fault. */
function junkRequest(spec: RouteSpec): fc.Arbitrary<JunkRequest> {
  const names = paramNames(spec);
  const faults: Fault[] = ['unknown-query', 'bad-body', 'non-json-body'];
  if (spec.access !== 'public') faults.push('anonymous', 'wrong-role', 'junk-authorization');
  if (spec.idempotent === true) faults.push('bad-idempotency-key');
  if (names.length > 0) faults.push('long-path-param');

  const base = fc.record({
    identity: fc.constantFrom<Identity>('resident', 'official', 'regulator', 'anonymous'),
    authorization: fc.option(authorizations, { freq: 5, nil: undefined }),
    params: fc.tuple(...names.map(() => pathParam())),
    query: junkQuery,
    contentType: fc.option(contentTypes, { freq: 3, nil: undefined }),
    idempotencyKey: fc.option(headerText(300), { freq: 2, nil: undefined }),
    body: fc.option(
      fc.oneof(
        junkJson.map((value) => JSON.stringify(value)),
        junkString,
        fc.constantFrom('{', '{"a":', '[1,]', '{"a":1}{"b":2}', '\ufeff{}', 'nul'),
      ),
      { freq: 2, nil: undefined },
    ),
    fault: writes(spec) ? fc.constantFrom(...faults) : fc.constant(undefined),
    faultBody: badJsonBody(spec),
    faultKey: headerText(300).filter((key) => !IdempotencyKey.safeParse(onTheWire(key)).success),
    wrongRole: fc.constantFrom(
      ...(['resident', 'official', 'regulator'] as Identity[]).filter(
        (identity) => !accessOf(spec).includes(identity),
      ),
      'anonymous' as Identity,
    ),
    junkAuthorization: authorizations,
    nonJsonType: contentTypes.filter(
      (type) =>
        !/^application\/([a-z0-9.+-]*\+)?json$/.test(type.split(';')[0]!.trim().toLowerCase()),
    ),
    unknownKey: junkString.map((key) => `fuzz-${encode(key)}`),
    longParam: fc.integer({ min: 257, max: 2000 }).map((length) => 'p'.repeat(length)),
  });

  return base.map((drawn): JunkRequest => {
    const params: Record<string, string> = {};
    names.forEach((name, index) => {
      params[name] = drawn.params[index]!;
    });
    let request: JunkRequest = {
      identity: drawn.identity,
      ...(drawn.authorization === undefined ? {} : { authorization: drawn.authorization }),
      params,
      query: drawn.query,
      ...(drawn.contentType === undefined ? {} : { contentType: drawn.contentType }),
      ...(drawn.idempotencyKey === undefined ? {} : { idempotencyKey: drawn.idempotencyKey }),
      ...(drawn.body === undefined ? {} : { body: drawn.body }),
      faults: [],
    };
    switch (drawn.fault) {
      case undefined:
        return request;
      case 'anonymous':
        request = { ...request, identity: 'anonymous' };
        delete (request as { authorization?: string }).authorization;
        break;
      case 'wrong-role':
        request = { ...request, identity: drawn.wrongRole };
        delete (request as { authorization?: string }).authorization;
        break;
      case 'junk-authorization':
        request = { ...request, authorization: drawn.junkAuthorization };
        break;
      case 'unknown-query':
        request = {
          ...request,
          query: [request.query, `${drawn.unknownKey}=1`].filter((part) => part !== '').join('&'),
        };
        break;
      case 'bad-body':
        request = {
          ...request,
          contentType: 'application/json',
          body: JSON.stringify(drawn.faultBody),
        };
        break;
      case 'non-json-body':
        request = { ...request, contentType: drawn.nonJsonType, body: request.body || 'x' };
        break;
      case 'bad-idempotency-key':
        request = { ...request, idempotencyKey: drawn.faultKey };
        break;
      case 'long-path-param':
        request = { ...request, params: { ...params, [names[0]!]: drawn.longParam } };
        break;
    }
    return { ...request, faults: [drawn.fault] };
  });
}

/** The start of an answer's body; a block is bytes, which supertest leaves without text. */
function shown(response: request.Response): string {
  const body: unknown = response.text;
  return typeof body === 'string' ? body.slice(0, 300) : '(binary)';
}

/** What a failure message shows of a request: enough to replay it, no token. */
function describeRequest(spec: RouteSpec, junk: JunkRequest): string {
  const shown = {
    ...junk,
    body: junk.body?.slice(0, 300),
    authorization: junk.authorization?.slice(0, 80),
  };
  return `${spec.method.toUpperCase()} ${spec.path} ${JSON.stringify(shown)}`;
}

async function send(spec: RouteSpec, junk: JunkRequest): Promise<request.Response> {
  const path = spec.path.replace(/\{(\w+)\}/g, (_match, name: string) => junk.params[name] ?? '');
  const url = junk.query === '' ? path : `${path}?${junk.query}`;
  let pending = request(base)[spec.method](url);
  const token = tokens.get(junk.identity);
  if (junk.authorization !== undefined) pending = pending.set('Authorization', junk.authorization);
  else if (token !== undefined) pending = pending.set('Authorization', `Bearer ${token}`);
  if (junk.idempotencyKey !== undefined)
    pending = pending.set('Idempotency-Key', junk.idempotencyKey);
  if (junk.contentType !== undefined) pending = pending.set('Content-Type', junk.contentType);
  if (junk.body !== undefined) {
    if (junk.contentType === undefined) pending = pending.set('Content-Type', 'application/json');
    pending = pending.send(junk.body);
  }
  return pending;
}

describe('generated junk sent to every route of the gateway, on the real network', () => {
  it('covers every route of the registry that /openapi.json describes', async () => {
    const document = (await request(base).get('/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method} ${path}`),
    );
    expect(routeSpecs.map((spec) => `${spec.method} ${spec.path}`).sort()).toEqual(
      documented.sort(),
    );
  });

  it.each(routeSpecs.map((spec) => [`${spec.method.toUpperCase()} ${spec.path}`, spec] as const))(
    'answers junk sent to %s without a 5xx, every 4xx as problem+json',
    async (_name, spec: RouteSpec) => {
      const cases = await fuzz(junkRequest(spec), async (junk) => {
        const response = await send(spec, junk);
        answered += 1;
        const what = `${describeRequest(spec, junk)} answered ${response.status}: ${shown(response)}`;
        if (response.status >= 500) throw new Error(`5xx: ${what}`);
        if (junk.faults.length > 0 && response.status < 400)
          throw new Error(`a request with the fault ${junk.faults[0]} was accepted: ${what}`);
        if (response.status >= 400) {
          if (!String(response.headers['content-type']).startsWith('application/problem+json'))
            throw new Error(`a 4xx that is not problem+json: ${what}`);
          const problem = JSON.parse(response.text) as Record<string, unknown>;
          if (
            typeof problem.type !== 'string' ||
            typeof problem.title !== 'string' ||
            typeof problem.detail !== 'string' ||
            problem.status !== response.status
          )
            throw new Error(`a problem without type, title, detail or its status: ${what}`);
        }
      });
      expect(cases).toBeGreaterThan(0);
    },
  );

  it('left no write on the ledger: nothing submitted, no transaction of the fuzzing callers or poll', async () => {
    expect(answered).toBeGreaterThan(0);
    expect(await submitsSoFar()).toBe(before.submits);
    const pseudonyms = createPseudonymizer(secret);
    const marks = [pollId];
    for (const subject of subjects.values()) {
      marks.push(
        pseudonyms.residentId(idp.issuer, subject),
        pseudonyms.officialId(idp.issuer, subject),
      );
    }
    const height = await chainHeight(regulatorChannel);
    // Other tests may write to a shared network meanwhile; none of theirs names these callers.
    const ours = (await transactionsBetween(regulatorChannel, before.height, height)).filter(
      (tx) =>
        tx.chaincode === fabric.description.chaincode &&
        tx.validationCode === txValidationCodes.VALID &&
        marks.some(
          (mark) => tx.args.some((arg) => arg.includes(mark)) || tx.eventPayload?.includes(mark),
        ),
    );
    expect(ours).toEqual([]);
    process.stderr.write(
      `gateway fuzz: ${answered} requests to ${routeSpecs.length} routes; channel height ${before.height} -> ${height}${height === before.height ? '' : ' (blocks of other writers, none naming the fuzzing callers)'}\n`,
    );
  });
});
