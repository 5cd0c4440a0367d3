import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import * as oidc from 'openid-client';
import { devIdpClient, devToken, startDevIdp, type DevIdp } from '../../helpers/devIdp.js';
import { freePort } from '../../helpers/freePort.js';

let idp: DevIdp;
let keysDir: string;

beforeAll(async () => {
  keysDir = mkdtempSync(join(tmpdir(), 'veche-idp-test-'));
  idp = await startDevIdp({ keysFile: join(keysDir, 'jwks.json') });
});

afterAll(async () => {
  await idp.stop();
  rmSync(keysDir, { recursive: true, force: true });
});

async function verifyAccessToken(token: string, issuer = idp.issuer): Promise<JWTPayload> {
  const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
  const { payload } = await jwtVerify(token, jwks, { issuer, audience: devIdpClient.audience });
  return payload;
}

describe('discovery', () => {
  it('advertises the code flow with S256 PKCE and the Veche claims', async () => {
    const response = await fetch(`${idp.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as Record<string, unknown>;

    expect(doc.issuer).toBe(idp.issuer);
    expect(doc.authorization_endpoint).toBe(`${idp.issuer}/auth`);
    expect(doc.token_endpoint).toBe(`${idp.issuer}/token`);
    expect(doc.userinfo_endpoint).toBe(`${idp.issuer}/me`);
    expect(doc.jwks_uri).toBe(`${idp.issuer}/jwks`);
    expect(doc.response_types_supported).toEqual(['code']);
    expect(doc.code_challenge_methods_supported).toEqual(['S256']);
    expect(doc.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'phone']));
    expect(doc.claims_supported).toEqual(
      expect.arrayContaining(['sub', 'name', 'birthdate', 'phone_number', 'district', 'roles']),
    );
  });

  it('publishes public signing keys only, each with a kid', async () => {
    const jwks = (await (await fetch(`${idp.issuer}/jwks`)).json()) as {
      keys: Record<string, unknown>[];
    };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) {
      expect(typeof key.kid).toBe('string');
      expect(key.d).toBeUndefined();
    }
  });
});

describe('POST /dev/token', () => {
  it('mints a JWT that verifies against the published keys and carries the given claims', async () => {
    const claims = {
      sub: 'dev-official-1',
      roles: ['resident', 'official'] as ('resident' | 'official')[],
      department: 'ITDeptMSP',
      name: 'Test Official',
      birthdate: '1990-02-03',
      district: 'Riverside',
      phone_number: '+12025550199',
    };
    const token = await devToken(idp.issuer, claims);
    const payload = await verifyAccessToken(token);

    expect(payload).toMatchObject(claims);
    expect(payload.iss).toBe(idp.issuer);
    expect(payload.aud).toBe('veche-api');
    expect(payload.exp! - payload.iat!).toBeGreaterThanOrEqual(3600);
  });

  it('includes only the claims it was given', async () => {
    const payload = await verifyAccessToken(await devToken(idp.issuer, { sub: 'bare' }));
    expect(payload.sub).toBe('bare');
    for (const claim of ['roles', 'department', 'name', 'birthdate', 'district', 'phone_number']) {
      expect(payload).not.toHaveProperty(claim);
    }
  });

  it.each([
    ['no sub', { roles: ['resident'] }],
    ['an empty sub', { sub: '' }],
    ['a sub of 256 characters', { sub: 'x'.repeat(256) }],
    ['a numeric sub', { sub: 42 }],
    ['an unknown role', { sub: 'a', roles: ['admin'] }],
    ['roles that are not an array', { sub: 'a', roles: 'official' }],
    ['a repeated role', { sub: 'a', roles: ['resident', 'resident'] }],
    ['an over-long district', { sub: 'a', district: 'd'.repeat(256) }],
    ['a non-string name', { sub: 'a', name: { first: 'x' } }],
    ['an unknown member', { sub: 'a', role: ['official'] }],
    ['an array', [{ sub: 'a' }]],
  ])('answers 400 to a body with %s', async (_case, body) => {
    const response = await fetch(`${idp.issuer}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('answers 400 to a body that is not JSON', async () => {
    const response = await fetch(`${idp.issuer}/dev/token`, { method: 'POST', body: '{sub:' });
    expect(response.status).toBe(400);
  });
});

describe('userinfo', () => {
  it('answers the claims a /dev/token token was minted with', async () => {
    const token = await devToken(idp.issuer, { sub: 'u-77', district: 'Old Town', name: 'N' });
    const response = await fetch(`${idp.issuer}/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: 'u-77', district: 'Old Town', name: 'N' });
  });

  it('answers 401 to a token whose signature does not verify', async () => {
    const token = await devToken(idp.issuer, { sub: 'u-78' });
    const [header, payload] = token.split('.');
    const forged = `${header!}.${payload!}.${Buffer.from('forged').toString('base64url')}`;
    const response = await fetch(`${idp.issuer}/me`, {
      headers: { authorization: `Bearer ${forged}` },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('invalid_token');
  });
});

/** A minimal browser: follows nothing by itself and keeps the IdP's cookies between requests. */
class Browser {
  readonly #cookies = new Map<string, string>();

  async request(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (cookie !== '') headers.set('cookie', cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      this.#cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return response;
  }

  static location(response: Response, base: string): URL {
    expect([302, 303]).toContain(response.status);
    return new URL(response.headers.get('location')!, base);
  }
}

/** Drives the login page as a person would: open it, press the demo resident's button. */
async function signIn(authorizationUrl: URL, sub: string): Promise<URL> {
  const browser = new Browser();
  const loginUrl = Browser.location(await browser.request(authorizationUrl), idp.issuer);
  expect(loginUrl.pathname).toMatch(/^\/interaction\//);

  const page = await browser.request(loginUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('Development IdP');
  const form = new RegExp(
    `<form method="post" action="([^"]+)">\\s*<input type="hidden" name="sub" value="${sub}">`,
  ).exec(html);
  expect(form).not.toBeNull();

  const submitted = await browser.request(new URL(form![1]!, idp.issuer), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ sub }).toString(),
  });
  const resumeUrl = Browser.location(submitted, idp.issuer);
  return Browser.location(await browser.request(resumeUrl), idp.issuer);
}

describe('authorization code flow with PKCE', () => {
  let config: oidc.Configuration;

  beforeAll(async () => {
    config = await oidc.discovery(
      new URL(idp.issuer),
      devIdpClient.id,
      devIdpClient.secret,
      undefined,
      // The development IdP speaks plain HTTP on loopback, the case this escape hatch is for.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      { execute: [oidc.allowInsecureRequests] },
    );
  });

  async function logIn(sub: string): Promise<{
    accessToken: string;
    idToken: Record<string, unknown>;
  }> {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const authorizationUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: devIdpClient.redirectUri,
      scope: 'openid profile phone veche',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    const callback = await signIn(authorizationUrl, sub);
    expect(`${callback.origin}${callback.pathname}`).toBe(devIdpClient.redirectUri);
    expect(callback.searchParams.get('code')).toBeTruthy();

    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.id_token).toBeDefined();
    return { accessToken: tokens.access_token, idToken: { ...tokens.claims() } };
  }

  it('signs in a demo resident and issues an ID token and a JWT access token for the API', async () => {
    const { accessToken, idToken } = await logIn('demo-resident-anna');

    expect(idToken.sub).toBe('demo-resident-anna');
    expect(idToken.iss).toBe(idp.issuer);
    expect(idToken.aud).toBe(devIdpClient.id);

    const access = await verifyAccessToken(accessToken);
    expect(access.sub).toBe('demo-resident-anna');
    expect(access.aud).toBe('veche-api');
    expect(access.roles).toEqual(['resident']);
    // Personal details are left to userinfo, as the gateway expects.
    expect(access).not.toHaveProperty('district');

    const userinfo = await oidc.fetchUserInfo(config, accessToken, 'demo-resident-anna');
    expect(userinfo).toMatchObject({
      sub: 'demo-resident-anna',
      district: 'Riverside',
      birthdate: '1988-04-12',
      roles: ['resident'],
    });
    expect(typeof userinfo.name).toBe('string');
    expect(typeof userinfo.phone_number).toBe('string');
  });

  it('puts an official’s department into the access token', async () => {
    const { accessToken } = await logIn('demo-official-vera');
    const access = decodeJwt(accessToken);
    expect(access.roles).toEqual(['official']);
    expect(access.department).toBe('ITDeptMSP');
  });

  it('refuses to exchange a code without the matching code_verifier', async () => {
    const authorizationUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: devIdpClient.redirectUri,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const callback = await signIn(authorizationUrl, 'demo-resident-boris');
    await expect(
      oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses an authorization request without a PKCE challenge', async () => {
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: devIdpClient.redirectUri,
      scope: 'openid',
      state: oidc.randomState(),
    });
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(devIdpClient.redirectUri);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
  });
});

describe('process', () => {
  it('keeps its signing key across a restart, so earlier tokens still verify', async () => {
    const token = await devToken(idp.issuer, { sub: 'survivor' });
    const second = await startDevIdp({ keysFile: join(keysDir, 'jwks.json') });
    try {
      const jwks = createRemoteJWKSet(new URL(`${second.issuer}/jwks`));
      // The first IdP's issuer: the key, not the address, is what must survive.
      const { payload } = await jwtVerify(token, jwks, { issuer: idp.issuer });
      expect(payload.sub).toBe('survivor');
    } finally {
      await second.stop();
    }
  });

  it('exits 1 with a one-line error when its port is taken', async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    const child = spawn(process.execPath, [join(process.cwd(), 'idp/dist/main.js')], {
      env: {
        ...process.env,
        IDP_HOST: '127.0.0.1',
        IDP_PORT: String(port),
        IDP_KEYS_FILE: join(keysDir, 'jwks.json'),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

      expect(code).toBe(1);
      const lines = stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      const entry = JSON.parse(lines[0]!) as { level?: unknown; msg?: unknown };
      expect(entry.level).toBe('error');
      expect(entry.msg).toContain(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
