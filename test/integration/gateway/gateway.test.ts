import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, SignJWT, type JWK } from 'jose';
import request from 'supertest';
import { startDevIdp, devToken, type DevIdp } from '../../helpers/devIdp.js';
import { freePort } from '../../helpers/freePort.js';
import { startRedisServer, type RedisServer } from '../../helpers/redisServer.js';
import { buildGateway, makeIdentities, type TestGateway } from './gatewayApp.js';

const secret = 'integration-secret-integration-secret';
const draft = {
  title: 'New park',
  description: 'Where should it go?',
  options: [
    { id: 'north', label: 'North' },
    { id: 'south', label: 'South' },
  ],
  maxChoices: 1,
  opensAt: '2030-01-01T00:00:00Z',
  closesAt: '2030-02-01T00:00:00Z',
};
// A poll ID of the form the ledger gives, naming no poll: these tests never reach a ledger.
const pollId = '0123456789abcdef0123456789abcdef';
const personal = {
  name: 'Alice Example',
  birthdate: '1990-04-12',
  district: 'north',
  phone_number: '+70000000042',
};

let redis: RedisServer;
let idp: DevIdp;
let keysDir: string;
let gateway: TestGateway;
let env: Record<string, string>;
const tokens: Record<'resident' | 'official' | 'regulator' | 'foreignOfficial', string> = {
  resident: '',
  official: '',
  regulator: '',
  foreignOfficial: '',
};

/** Signs with the IdP's own key, for tokens its /dev/token will not mint (expired, wrong aud). */
async function signWithIdpKey(
  claims: Record<string, unknown>,
  exp: number,
  aud = 'veche-api',
): Promise<string> {
  const jwks = JSON.parse(readFileSync(join(keysDir, 'jwks.json'), 'utf8')) as { keys: JWK[] };
  const jwk = jwks.keys[0]!;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: jwk.kid! })
    .setIssuer(idp.issuer)
    .setAudience(aud)
    .setSubject('mallory')
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(await importJWK(jwk, 'RS256'));
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

beforeAll(async () => {
  redis = await startRedisServer();
  keysDir = mkdtempSync(join(tmpdir(), 'veche-idp-keys-'));
  idp = await startDevIdp({ keysFile: join(keysDir, 'jwks.json') });
  const identities = makeIdentities();
  const deadPort = await freePort();
  env = {
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: 'itest:',
    OIDC_ISSUER: idp.issuer,
    PSEUDONYM_SECRET: secret,
    RATE_LIMIT_IP_PER_SEC: '100000',
    RATE_LIMIT_RESIDENT_PER_MIN: '100000',
    FABRIC_PEERS: `ITDeptMSP=127.0.0.1:${deadPort},RegulatorMSP=127.0.0.1:${deadPort}`,
    FABRIC_IDENTITY_CERTS: identities.certs,
    FABRIC_IDENTITY_KEYS: identities.keys,
    FABRIC_EVALUATE_TIMEOUT_MS: '1000',
    FABRIC_ENDORSE_TIMEOUT_MS: '1000',
  };
  gateway = await buildGateway(env);
  tokens.resident = await devToken(idp.issuer, { sub: 'alice', ...personal });
  tokens.official = await devToken(idp.issuer, {
    sub: 'olga',
    roles: ['official'],
    department: 'ITDeptMSP',
  });
  tokens.foreignOfficial = await devToken(idp.issuer, {
    sub: 'oleg',
    roles: ['official'],
    department: 'EvilMSP',
  });
  tokens.regulator = await devToken(idp.issuer, { sub: 'rita', roles: ['regulator'] });
});

afterAll(async () => {
  await gateway.close();
  await idp.stop();
  await redis.stop();
  rmSync(keysDir, { recursive: true, force: true });
});

describe('routes and the OpenAPI document', () => {
  it('serves exactly the documented operations', async () => {
    const response = await request(gateway.app).get('/openapi.json').expect(200);
    const document = response.body as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(document.openapi).toBe('3.1.0');
    const documented = Object.entries(document.paths)
      .flatMap(([path, item]) =>
        Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
      )
      .sort();
    const router = (
      gateway.app as unknown as {
        router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
      }
    ).router;
    const served = router.stack
      .flatMap((layer) =>
        layer.route === undefined
          ? []
          : Object.keys(layer.route.methods).map(
              (method) => `${method.toUpperCase()} ${layer.route!.path.replace(/:(\w+)/g, '{$1}')}`,
            ),
      )
      .sort();
    expect(served).toEqual(documented);
  });

  it('answers every documented path with something other than 404', async () => {
    const document = (await request(gateway.app).get('/openapi.json')).body as {
      paths: Record<string, Record<string, { 'x-roles'?: string[] }>>;
    };
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const role = operation['x-roles']?.[0] as keyof typeof tokens | undefined;
        const url = path
          .replace('{pollId}', pollId)
          .replace('{txId}', 'ab'.repeat(32))
          .replace('{blockNumber}', '0');
        let call = request(gateway.app)[method as 'get' | 'post' | 'delete'](url);
        if (role !== undefined) call = call.set(bearer(tokens[role]));
        if (path.endsWith('/ballots')) call = call.send({ choices: ['north'] });
        else if (path === '/api/v1/polls' && method === 'post') call = call.send(draft);
        const response = await call;
        expect([path, method, response.status]).not.toEqual([path, method, 404]);
      }
    }
  });

  it('answers unknown paths 404 not-found as problem+json', async () => {
    const response = await request(gateway.app).get('/api/v1/nothing-here').expect(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: 'not-found', status: 404 });
  });
});

describe('service endpoints', () => {
  it('reports liveness, config, metrics', async () => {
    await request(gateway.app).get('/healthz').expect(200, { status: 'ok' });
    await request(gateway.app).get('/api/v1/config').expect(200, { issuer: idp.issuer });
    const metrics = await request(gateway.app).get('/metrics').expect(200);
    expect(metrics.text).toContain('veche_http_request_duration_seconds');
    expect(metrics.text).toContain('veche_fabric_duration_seconds');
    expect(metrics.text).toContain('veche_fabric_endorsement_retries_total 0');
  });

  it('is not ready while the ledger is unreachable, and names it', async () => {
    const response = await request(gateway.app).get('/readyz').expect(503);
    expect(response.body).toMatchObject({
      status: 'unavailable',
      checks: { redis: 'up', ledger: 'down' },
      down: ['ledger'],
    });
  });
});

describe('authentication', () => {
  it('answers 401 without a token, with garbage, a bad signature, expiry, wrong audience or issuer', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await signWithIdpKey({}, now - 3600);
    const wrongAudience = await signWithIdpKey({}, now + 3600, 'other-api');
    const forged = `${tokens.resident.slice(0, -4)}AAAA`;
    for (const headers of [
      {},
      bearer('garbage'),
      bearer(forged),
      bearer(expired),
      bearer(wrongAudience),
    ]) {
      const response = await request(gateway.app)
        .get('/api/v1/residents/me')
        .set(headers)
        .expect(401);
      expect(response.body).toMatchObject({ type: 'unauthenticated', status: 401 });
    }
  });

  it('checks authentication and role before the body', async () => {
    await request(gateway.app).post('/api/v1/polls').send({ bad: true }).expect(401);
    await request(gateway.app)
      .post('/api/v1/polls')
      .set(bearer(tokens.regulator))
      .send({ bad: true })
      .expect(403);
    await request(gateway.app)
      .post(`/api/v1/polls/${pollId}/ballots`)
      .set(bearer(tokens.regulator))
      .send({ choices: [] })
      .expect(403);
    await request(gateway.app)
      .post('/api/v1/polls')
      .set(bearer(tokens.resident))
      .send(draft)
      .expect(403);
    await request(gateway.app)
      .post('/api/v1/polls')
      .set(bearer(tokens.foreignOfficial))
      .send(draft)
      .expect(403);
    await request(gateway.app).get('/api/v1/audit/events').set(bearer(tokens.resident)).expect(403);
  });
});

describe('input validation', () => {
  const official = (): Record<string, string> => bearer(tokens.official);

  it('answers invalid-request with JSON Pointers for a bad PollDraft', async () => {
    const response = await request(gateway.app)
      .post('/api/v1/polls')
      .set(official())
      .send({
        ...draft,
        title: '',
        options: [
          { id: 'A B', label: 'x' },
          { id: 'ok', label: 'y' },
        ],
        extra: 1,
      })
      .expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const paths = (response.body as { errors: { path: string }[] }).errors.map(
      (error) => error.path,
    );
    expect(paths).toEqual(expect.arrayContaining(['/title', '/options/0/id', '/extra']));
  });

  it('answers invalid-request for bad ballots', async () => {
    const response = await request(gateway.app)
      .post(`/api/v1/polls/${pollId}/ballots`)
      .set(bearer(tokens.resident))
      .send({ choices: ['a', 'a'], other: 1 })
      .expect(400);
    const paths = (response.body as { errors: { path: string }[] }).errors.map(
      (error) => error.path,
    );
    expect(paths).toEqual(expect.arrayContaining(['/choices/1', '/other']));
  });

  it('answers malformed-json, payload-too-large and unsupported-media-type', async () => {
    const malformed = await request(gateway.app)
      .post('/api/v1/polls')
      .set(official())
      .set('content-type', 'application/json')
      .send('{"title": ')
      .expect(400);
    expect(malformed.body).toMatchObject({ type: 'malformed-json' });
    const large = await request(gateway.app)
      .post('/api/v1/polls')
      .set(official())
      .send({ ...draft, description: 'x'.repeat(300 * 1024) })
      .expect(413);
    expect(large.body).toMatchObject({ type: 'payload-too-large' });
    const text = await request(gateway.app)
      .post('/api/v1/polls')
      .set(official())
      .set('content-type', 'text/plain')
      .send('hello')
      .expect(415);
    expect(text.body).toMatchObject({ type: 'unsupported-media-type' });
  });

  it('rejects prototype-pollution keys with 400, never 5xx', async () => {
    for (const body of [
      `{"__proto__": {"admin": true}, "choices": ["north"]}`,
      `{"constructor": {"prototype": {"admin": true}}, "choices": ["north"]}`,
    ]) {
      const response = await request(gateway.app)
        .post(`/api/v1/polls/${pollId}/ballots`)
        .set(bearer(tokens.resident))
        .set('content-type', 'application/json')
        .send(body)
        .expect(400);
      expect(response.body).toMatchObject({ type: 'invalid-request' });
    }
    const nested = await request(gateway.app)
      .post('/api/v1/polls')
      .set(official())
      .set('content-type', 'application/json')
      .send(
        JSON.stringify({ ...draft, eligibility: {} }).replace(
          '"eligibility":{}',
          '"eligibility":{"__proto__":{"x":1}}',
        ),
      )
      .expect(400);
    expect(nested.body).toMatchObject({ type: 'invalid-request' });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('answers 400 for path IDs over 256 characters and bad query parameters', async () => {
    await request(gateway.app)
      .get(`/api/v1/polls/${'p'.repeat(257)}`)
      .expect(400);
    await request(gateway.app)
      .get(`/api/v1/receipts/${'t'.repeat(257)}`)
      .expect(400);
    const response = await request(gateway.app).get('/api/v1/polls?limit=1000&x=1').expect(400);
    const paths = (response.body as { errors: { path: string }[] }).errors.map(
      (error) => error.path,
    );
    expect(paths).toEqual(expect.arrayContaining(['/query/limit', '/query/x']));
  });

  it('validates the Idempotency-Key header', async () => {
    await request(gateway.app)
      .post(`/api/v1/polls/${pollId}/ballots`)
      .set(bearer(tokens.resident))
      .set('idempotency-key', 'k'.repeat(129))
      .send({ choices: ['north'] })
      .expect(400);
  });
});

describe('with the ledger unreachable', () => {
  it('answers every ledger endpoint 503 unavailable as problem+json', async () => {
    const calls = [
      request(gateway.app).get('/api/v1/polls'),
      request(gateway.app).get(`/api/v1/polls/${pollId}`),
      request(gateway.app).get(`/api/v1/polls/${pollId}/results`),
      request(gateway.app).get(`/api/v1/receipts/${'ab'.repeat(32)}`),
      request(gateway.app).post('/api/v1/polls').set(bearer(tokens.official)).send(draft),
      request(gateway.app).post(`/api/v1/polls/${pollId}/open`).set(bearer(tokens.official)),
      request(gateway.app).post(`/api/v1/polls/${pollId}/close`).set(bearer(tokens.official)),
      request(gateway.app)
        .post(`/api/v1/polls/${pollId}/ballots`)
        .set(bearer(tokens.resident))
        .send({ choices: ['north'] }),
      request(gateway.app)
        .post(`/api/v1/polls/${pollId}/ballots`)
        .set(bearer(tokens.resident))
        .set('idempotency-key', 'key-1')
        .send({ choices: ['north'] }),
      request(gateway.app).post('/api/v1/residents/me').set(bearer(tokens.resident)),
      request(gateway.app).get('/api/v1/residents/me').set(bearer(tokens.resident)),
      request(gateway.app).get('/api/v1/residents/me/ballots').set(bearer(tokens.resident)),
      request(gateway.app)
        .delete('/api/v1/residents/me/personal-data')
        .set(bearer(tokens.resident)),
      request(gateway.app)
        .get(`/api/v1/audit/polls/${pollId}/history`)
        .set(bearer(tokens.regulator)),
    ];
    for (const call of calls) {
      const response = await call;
      expect(response.status).toBe(503);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ type: 'unavailable', status: 503 });
      expect(JSON.stringify(response.body)).not.toMatch(/stack|ECONNREFUSED|grpc/i);
    }
  });

  it('still answers the audit trail, which is served from Redis', async () => {
    await request(gateway.app)
      .get('/api/v1/audit/events')
      .set(bearer(tokens.regulator))
      .expect(200, { items: [] });
  });

  it('frees the Idempotency-Key when nothing was recorded, so a retry runs again', async () => {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await request(gateway.app)
        .post(`/api/v1/polls/${pollId}/ballots`)
        .set(bearer(tokens.resident))
        .set('idempotency-key', 'retry-me')
        .send({ choices: ['north'] });
      expect(response.body).toMatchObject({ type: 'unavailable' });
    }
  });
});

describe('API.md conformance of paths and methods', () => {
  it('answers 404 for a transaction ID of another form without asking the ledger', async () => {
    for (const txId of ['abc', 'AB'.repeat(32), 'g'.repeat(64)]) {
      const response = await request(gateway.app).get(`/api/v1/receipts/${txId}`);
      expect([txId, response.status, (response.body as { type: string }).type]).toEqual([
        txId,
        404,
        'not-found',
      ]);
    }
  });

  it('answers 400 invalid-request, not 500, for a path with a bad percent-escape', async () => {
    for (const path of [`/api/v1/polls/%E0%A4%A`, `/api/v1/receipts/%ZZ`, `/api/v1/polls/%`]) {
      const response = await request(gateway.app).get(path);
      expect([path, response.status]).toEqual([path, 400]);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ type: 'invalid-request' });
    }
  });

  it('answers 405 with Allow for a known path asked with a method it does not serve', async () => {
    const cases: [string, string, string][] = [
      ['delete', `/api/v1/polls/${pollId}`, 'GET, HEAD'],
      ['put', '/api/v1/polls', 'GET, HEAD, POST'],
      ['get', `/api/v1/polls/${pollId}/open`, 'POST'],
      ['post', `/api/v1/receipts/${'ab'.repeat(32)}`, 'GET, HEAD'],
      ['patch', '/API/V1/RESIDENTS/ME/', 'GET, HEAD, POST'],
    ];
    for (const [method, path, allow] of cases) {
      const response = await request(gateway.app)[method as 'get'](path);
      expect([method, path, response.status, response.headers.allow]).toEqual([
        method,
        path,
        405,
        allow,
      ]);
      expect(response.body).toMatchObject({ type: 'method-not-allowed', status: 405 });
    }
    await request(gateway.app).delete('/api/v1/nothing-here').expect(404);
  });

  it('says nothing about what was recorded when a read fails', async () => {
    const response = await request(gateway.app).get(`/api/v1/polls/${pollId}`).expect(503);
    expect(response.body).toMatchObject({ type: 'unavailable' });
    expect(JSON.stringify(response.body)).not.toMatch(/record/i);
  });
});

describe('rate limits', () => {
  it('answers 429 rate-limited with Retry-After when limits are low', async () => {
    const limited = await buildGatewayWith({
      REDIS_KEY_PREFIX: 'rl-test:',
      RATE_LIMIT_IP_PER_SEC: '1000',
      RATE_LIMIT_RESIDENT_PER_MIN: '2',
    });
    try {
      const statuses: number[] = [];
      let last: request.Response | undefined;
      for (let i = 0; i < 4; i += 1) {
        last = await request(limited.app).get('/api/v1/residents/me').set(bearer(tokens.resident));
        statuses.push(last.status);
      }
      expect(statuses.slice(2)).toEqual([429, 429]);
      expect(last!.body).toMatchObject({ type: 'rate-limited', status: 429 });
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
      const metrics = await request(limited.app).get('/metrics');
      expect(metrics.text).toMatch(/veche_rate_limit_rejections_total\{scope="caller"\} 2/);
    } finally {
      await limited.close();
    }
  });

  it('limits requests per client address', async () => {
    const limited = await buildGatewayWith({
      REDIS_KEY_PREFIX: 'rl-addr:',
      RATE_LIMIT_IP_PER_SEC: '3',
    });
    try {
      const statuses = await Promise.all(
        Array.from({ length: 6 }, () =>
          request(limited.app)
            .get('/api/v1/config')
            .then((r) => r.status),
        ),
      );
      expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(3);
    } finally {
      await limited.close();
    }
  });
  it('keys the address limit on X-Forwarded-For only from a trusted proxy', async () => {
    const forwarded = (app: TestGateway['app'], address?: string): Promise<number> => {
      const call = request(app).get('/api/v1/config');
      return (address === undefined ? call : call.set('x-forwarded-for', address)).then(
        (r) => r.status,
      );
    };
    const behindProxy = await buildGatewayWith({
      REDIS_KEY_PREFIX: 'rl-proxy:',
      RATE_LIMIT_IP_PER_SEC: '1',
      TRUST_PROXY: 'loopback',
    });
    try {
      expect(await forwarded(behindProxy.app, '203.0.113.7')).toBe(200);
      expect(await forwarded(behindProxy.app, '203.0.113.7')).toBe(429);
      // Another client behind the same proxy, and the proxy's own request, have their own budgets.
      expect(await forwarded(behindProxy.app, '203.0.113.8')).toBe(200);
      expect(await forwarded(behindProxy.app)).toBe(200);
      expect(await forwarded(behindProxy.app)).toBe(429);
      const keys = await behindProxy.redis.keys('rl-proxy:rl:addr:*');
      expect(keys.sort()).toEqual(
        expect.arrayContaining(['rl-proxy:rl:addr:203.0.113.7', 'rl-proxy:rl:addr:203.0.113.8']),
      );
      expect(keys.some((key) => key.endsWith('127.0.0.1'))).toBe(true);
    } finally {
      await behindProxy.close();
    }

    const direct = await buildGatewayWith({
      REDIS_KEY_PREFIX: 'rl-direct:',
      RATE_LIMIT_IP_PER_SEC: '1',
    });
    try {
      // Without TRUST_PROXY a client cannot pick its address: both count against the socket's.
      expect(await forwarded(direct.app, '203.0.113.7')).toBe(200);
      expect(await forwarded(direct.app, '203.0.113.9')).toBe(429);
      const keys = await direct.redis.keys('rl-direct:rl:addr:*');
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatch(/127\.0\.0\.1$/);
    } finally {
      await direct.close();
    }
  });
});

function buildGatewayWith(extra: Record<string, string>): Promise<TestGateway> {
  return buildGateway({ ...env, ...extra });
}

describe('when Redis goes away', () => {
  it('answers /readyz and writes 503 while it is down, and recovers after a restart', async () => {
    const port = redis.port;
    await redis.stop();
    try {
      const ready = await request(gateway.app).get('/readyz').expect(503);
      expect((ready.body as { down: string[] }).down).toEqual(
        expect.arrayContaining(['redis', 'ledger']),
      );
      const write = await request(gateway.app)
        .post(`/api/v1/polls/${pollId}/ballots`)
        .set(bearer(tokens.resident))
        .set('idempotency-key', 'while-down')
        .send({ choices: ['north'] });
      expect(write.status).toBe(503);
      expect(write.body).toMatchObject({ type: 'unavailable' });
      await request(gateway.app).get('/healthz').expect(200);
    } finally {
      redis = await startRedisServer(port);
    }
    const deadline = Date.now() + 10_000;
    let body: { checks?: { redis?: string } } = {};
    while (Date.now() < deadline) {
      body = (await request(gateway.app).get('/readyz')).body as typeof body;
      if (body.checks?.redis === 'up') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(body.checks?.redis).toBe('up');
    expect(await gateway.redis.ping()).toBe('PONG');
  });
});

describe('logs', () => {
  it('give a failed request one line, with its status and the ledger error’s cause, and no stack', async () => {
    const requestId = 'one-line-per-failure';
    await request(gateway.app)
      .get(`/api/v1/polls/${pollId}`)
      .set('X-Request-Id', requestId)
      .expect(503);
    const lines = gateway.logs
      .join('')
      .split('\n')
      .filter((line) => line.includes(requestId));
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      msg: 'request failed',
      res: { statusCode: 503 },
      err: {
        class: 'LedgerError',
        problem: 'unavailable',
        ledger: { kind: 'unavailable', write: false },
        client: { grpcCode: expect.any(String) as unknown },
      },
    });
    expect(lines[0]).not.toMatch(/stack| {4}at /);
  });

  it('hold request IDs but no token and no personal detail', () => {
    const text = gateway.logs.join('');
    expect(text).toContain('"req":{"id"');
    for (const token of Object.values(tokens)) expect(text).not.toContain(token.slice(-20));
    for (const value of Object.values(personal)) expect(text).not.toContain(value);
    expect(text).not.toMatch(/Bearer /);
  });
});
