import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { createSessionIndex } from '../../../gateway/src/redis/sessions.js';
import { createLogger } from '../../../gateway/src/middleware/logger.js';
import { createPseudonymizer } from '../../../gateway/src/crypto/pseudonym.js';
import { startDevIdp, type DevIdp } from '../../helpers/devIdp.js';
import { freePort } from '../../helpers/freePort.js';
import { startRedisServer, type RedisServer } from '../../helpers/redisServer.js';
import { buildGateway, makeIdentities, type TestGateway } from './gatewayApp.js';

const secret = 'browser-login-secret-browser-login-secret';
const prefix = 'browser:';
const anna = {
  sub: 'demo-resident-anna',
  name: 'Anna Lindqvist (demo)',
  birthdate: '1988-04-12',
  district: 'Riverside',
  phone_number: '+12025550101',
};

let redis: RedisServer;
let idp: DevIdp;
let gateway: TestGateway;
let server: Server;
let base: string;

interface Cookie {
  readonly value: string;
  readonly attributes: string;
}

/** A minimal browser: follows no redirect by itself and keeps cookies by name, as fetch does not. */
class Browser {
  readonly cookies = new Map<string, Cookie>();

  async request(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = [...this.cookies].map(([name, { value }]) => `${name}=${value}`).join('; ');
    if (cookie !== '') headers.set('cookie', cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (value === '' || expired) this.cookies.delete(name);
      else this.cookies.set(name, { value, attributes: attributes.join(';') });
    }
    return response;
  }

  sessionCookie(): string {
    const cookie = this.cookies.get('veche.sid');
    if (cookie === undefined) throw new Error('no veche.sid cookie');
    return `veche.sid=${cookie.value}`;
  }
}

function location(response: Response, baseUrl: string): URL {
  expect([302, 303]).toContain(response.status);
  return new URL(response.headers.get('location')!, baseUrl);
}

/** Signs in through the IdP's login page; returns the gateway's answer to the callback. */
async function signIn(
  browser: Browser,
  sub: string,
  returnTo?: string,
): Promise<{ callback: Response; authorization: URL; preLogin: string }> {
  const query = returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(returnTo)}`;
  const authorization = location(await browser.request(`${base}/auth/login${query}`), base);
  expect(authorization.origin).toBe(idp.issuer);
  const preLogin = browser.sessionCookie();

  const loginUrl = location(await browser.request(authorization), idp.issuer);
  const html = await (await browser.request(loginUrl)).text();
  const form = new RegExp(
    `<form method="post" action="([^"]+)">\\s*<input type="hidden" name="sub" value="${sub}">`,
  ).exec(html);
  expect(form).not.toBeNull();
  const submitted = await browser.request(new URL(form![1]!, idp.issuer), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ sub }).toString(),
  });
  const resumed = await browser.request(location(submitted, idp.issuer));
  const callbackUrl = location(resumed, idp.issuer);
  expect(`${callbackUrl.origin}${callbackUrl.pathname}`).toBe(`${base}/auth/callback`);
  return { callback: await browser.request(callbackUrl), authorization, preLogin };
}

async function signedIn(sub: string): Promise<Browser> {
  const browser = new Browser();
  const { callback } = await signIn(browser, sub);
  expect(callback.status).toBe(302);
  return browser;
}

async function me(cookie: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${base}/api/v1/residents/me`, {
    ...init,
    headers: { ...(init.headers as Record<string, string> | undefined), cookie },
  });
}

async function sessionValues(): Promise<string[]> {
  // A client of its own without the key prefix sees the keys exactly as stored.
  const plain = new Redis(redis.url);
  try {
    const keys = await plain.keys(`${prefix}sess:*`);
    const values = await Promise.all(keys.map((key) => plain.get(key)));
    return values.filter((value): value is string => value !== null);
  } finally {
    plain.disconnect();
  }
}

function residentId(sub: string): string {
  return createPseudonymizer(secret).residentId(idp.issuer, sub);
}

beforeAll(async () => {
  redis = await startRedisServer();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  idp = await startDevIdp({ env: { IDP_REDIRECT_URIS: `${base}/auth/callback` } });
  const identities = makeIdentities();
  const deadPort = await freePort();
  gateway = await buildGateway({
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: prefix,
    OIDC_ISSUER: idp.issuer,
    OIDC_REDIRECT_URI: `${base}/auth/callback`,
    PORT: String(port),
    PSEUDONYM_SECRET: secret,
    RATE_LIMIT_IP_PER_SEC: '100000',
    RATE_LIMIT_RESIDENT_PER_MIN: '100000',
    FABRIC_PEERS: `ITDeptMSP=127.0.0.1:${deadPort},RegulatorMSP=127.0.0.1:${deadPort}`,
    FABRIC_IDENTITY_CERTS: identities.certs,
    FABRIC_IDENTITY_KEYS: identities.keys,
    FABRIC_EVALUATE_TIMEOUT_MS: '1000',
    FABRIC_ENDORSE_TIMEOUT_MS: '1000',
  });
  // The IdP redirects a real browser to a real address, so the app listens on a real port.
  server = createServer(gateway.app);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await gateway.close();
  await idp.stop();
  await redis.stop();
});

describe('browser sign-in', () => {
  it('signs in through the IdP, sets a rotated HttpOnly SameSite=Lax cookie and returns to returnTo', async () => {
    const browser = new Browser();
    const { callback, authorization } = await signIn(browser, anna.sub, '/polls/p-1?tab=results');

    const params = authorization.searchParams;
    expect(params.get('response_type')).toBe('code');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toBeTruthy();
    expect(params.get('state')).toBeTruthy();
    expect(params.get('nonce')).toBeTruthy();
    expect(params.get('scope')).toBe('openid profile phone veche');
    expect(params.get('redirect_uri')).toBe(`${base}/auth/callback`);
    expect(params.get('returnTo')).toBeNull();

    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/polls/p-1?tab=results');
    const setCookie = callback.headers.getSetCookie().find((c) => c.startsWith('veche.sid='));
    expect(setCookie).toBeDefined();
    expect(setCookie).toMatch(/;\s*HttpOnly/i);
    expect(setCookie).toMatch(/;\s*SameSite=Lax/i);
    expect(setCookie).not.toMatch(/;\s*Secure/i);

    const response = await me(browser.sessionCookie());
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ type: 'unavailable', status: 503 });
  });

  it('rotates the session ID at sign-in, ending the pre-login session', async () => {
    const browser = new Browser();
    const { callback, preLogin } = await signIn(browser, anna.sub);
    expect(callback.status).toBe(302);
    expect(browser.sessionCookie()).not.toBe(preLogin);
    expect((await me(preLogin)).status).toBe(401);
    expect((await me(browser.sessionCookie())).status).toBe(503);
  });

  it('takes roles from the verified access token, as for Bearer tokens', async () => {
    const browser = await signedIn(anna.sub);
    const audit = await fetch(`${base}/api/v1/audit/events`, {
      headers: { cookie: browser.sessionCookie() },
    });
    expect(audit.status).toBe(403);
    expect(await audit.json()).toMatchObject({ type: 'forbidden' });
  });

  it('registers through the session, reading the details from userinfo at that moment', async () => {
    const browser = await signedIn(anna.sub);
    // 503 (no ledger), not 400: the claims reached the ledger call, so userinfo answered them.
    const response = await me(browser.sessionCookie(), { method: 'POST' });
    expect(response.status).toBe(503);
    const body = await response.text();
    for (const detail of Object.values(anna).slice(1)) expect(body).not.toContain(detail);
  });

  it('refuses a cookie-authenticated write from another origin', async () => {
    const browser = await signedIn(anna.sub);
    const response = await me(browser.sessionCookie(), {
      method: 'POST',
      headers: { origin: 'http://evil.example' },
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ type: 'forbidden' });
  });

  it('keeps no personal detail and no token in the Redis session', async () => {
    await signedIn(anna.sub);
    const values = await sessionValues();
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) {
      for (const detail of Object.values(anna).slice(1)) expect(value).not.toContain(detail);
      expect(value).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    }
    const signed = values
      .map((value) => JSON.parse(value) as { caller?: Record<string, unknown> })
      .find((value) => value.caller !== undefined);
    expect(signed?.caller).toEqual({
      subject: anna.sub,
      roles: ['resident'],
      residentId: residentId(anna.sub),
      officialId: createPseudonymizer(secret).officialId(idp.issuer, anna.sub),
      issuer: idp.issuer,
    });
  });

  it('logs out: 204, the cookie cleared, and the same cookie then answers 401', async () => {
    const browser = await signedIn(anna.sub);
    const cookie = browser.sessionCookie();
    const response = await fetch(`${base}/auth/logout`, { method: 'POST', headers: { cookie } });
    expect(response.status).toBe(204);
    const cleared = response.headers.getSetCookie().find((c) => c.startsWith('veche.sid='));
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/i);

    const after = await me(cookie);
    expect(after.status).toBe(401);
    expect(after.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await after.json()).toMatchObject({ type: 'unauthenticated', status: 401 });
    const again = await fetch(`${base}/auth/logout`, { method: 'POST' });
    expect(again.status).toBe(204);
  });

  it.each(['//evil.example', 'https://evil.example', '/\\evil', '/\t/evil.example'])(
    'returns to / when returnTo is %j',
    async (returnTo) => {
      const { callback } = await signIn(new Browser(), anna.sub, returnTo);
      expect(callback.status).toBe(302);
      expect(callback.headers.get('location')).toBe('/');
    },
  );

  it('answers 401 problem+json to a callback with a wrong state, an IdP error or no session', async () => {
    const browser = new Browser();
    const login = location(await browser.request(`${base}/auth/login`), base);
    const state = login.searchParams.get('state')!;
    const wrongState = await browser.request(`${base}/auth/callback?code=abc&state=wrong`);
    expect(wrongState.status).toBe(401);
    expect(wrongState.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = await wrongState.text();
    expect(JSON.parse(body)).toMatchObject({ type: 'unauthenticated', status: 401 });
    expect(body).not.toMatch(/state|stack|OAUTH_/i);

    // The failed callback used up the pre-login session: even the right state is refused now.
    const replay = await browser.request(`${base}/auth/callback?code=abc&state=${state}`);
    expect(replay.status).toBe(401);

    const second = new Browser();
    const secondLogin = location(await second.request(`${base}/auth/login`), base);
    const denied = await second.request(
      `${base}/auth/callback?error=access_denied&state=${secondLogin.searchParams.get('state')!}`,
    );
    expect(denied.status).toBe(401);

    const noSession = await fetch(`${base}/auth/callback?code=abc&state=x`, { redirect: 'manual' });
    expect(noSession.status).toBe(401);
    expect(await noSession.json()).toMatchObject({ type: 'unauthenticated' });
  });
});

describe('ending a resident\u2019s sessions', () => {
  it('keeps the sessions when the ledger purge fails', async () => {
    const browser = await signedIn(anna.sub);
    const purge = await fetch(`${base}/api/v1/residents/me/personal-data`, {
      method: 'DELETE',
      headers: { cookie: browser.sessionCookie() },
    });
    expect(purge.status).toBe(503);
    expect((await me(browser.sessionCookie())).status).toBe(503);
  });

  it('destroys every session of that residentId and no other', async () => {
    const borisOne = await signedIn('demo-resident-boris');
    const borisTwo = await signedIn('demo-resident-boris');
    const other = await signedIn(anna.sub);
    for (const browser of [borisOne, borisTwo, other]) {
      expect((await me(browser.sessionCookie())).status).toBe(503);
    }

    const sink = new Writable({
      write(_chunk, _encoding, done): void {
        done();
      },
    });
    const index = createSessionIndex(gateway.redis, createLogger('silent', sink));
    await index.endAll(residentId('demo-resident-boris'));

    for (const browser of [borisOne, borisTwo]) {
      expect((await me(browser.sessionCookie())).status).toBe(401);
    }
    expect((await me(other.sessionCookie())).status).toBe(503);
    expect(await gateway.redis.exists(`sess-of:${residentId('demo-resident-boris')}`)).toBe(0);
    expect(await gateway.redis.exists(`sess-of:${residentId(anna.sub)}`)).toBe(1);
  });
});

describe('logs of browser sign-in', () => {
  it('hold no cookie, code, state, token or personal detail', () => {
    const text = gateway.logs.join('');
    expect(text).toContain('/auth/callback');
    expect(text).not.toMatch(/veche\.sid=|code=|state=|eyJ[\w-]+\./);
    for (const detail of Object.values(anna).slice(1)) expect(text).not.toContain(detail);
  });
});
