import { ConfigError, loadConfig } from '../../../gateway/src/config.js';

const base = {
  OIDC_ISSUER: 'http://127.0.0.1:3001',
  PSEUDONYM_SECRET: 'p'.repeat(32),
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error: unknown) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('loadConfig, browser sign-in', () => {
  it('defaults the client, callback and a per-process session secret in development', () => {
    const config = loadConfig({ ...base, PORT: '3456' });
    expect(config.oidc).toMatchObject({
      clientId: 'veche-gateway',
      clientSecret: 'dev-secret',
      redirectUri: 'http://127.0.0.1:3456/auth/callback',
    });
    expect(Buffer.byteLength(config.session.secret)).toBeGreaterThanOrEqual(32);
    expect(loadConfig(base).session.secret).not.toBe(config.session.secret);
    expect(config.session).toMatchObject({ ttlSeconds: 28800, secureCookie: false });
  });

  it('requires the client secret and a session secret of 32 bytes in production', () => {
    const found = problems({ ...base, NODE_ENV: 'production' });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^OIDC_CLIENT_SECRET/),
        expect.stringMatching(/^SESSION_SECRET/),
      ]),
    );
    expect(problems({ ...base, SESSION_SECRET: 'short' })).toEqual([
      expect.stringMatching(/^SESSION_SECRET/),
    ]);
  });

  it('sets Secure cookies in production only', () => {
    const config = loadConfig({
      ...base,
      NODE_ENV: 'production',
      OIDC_CLIENT_SECRET: 'real-secret',
      SESSION_SECRET: 's'.repeat(32),
      OIDC_REDIRECT_URI: 'https://veche.example/auth/callback',
    });
    expect(config.session.secureCookie).toBe(true);
    expect(config.oidc.redirectUri).toBe('https://veche.example/auth/callback');
    expect(loadConfig({ ...base, NODE_ENV: 'test' }).session.secureCookie).toBe(false);
  });
});

describe('loadConfig, TRUST_PROXY', () => {
  it('trusts no proxy by default', () => {
    expect(loadConfig(base).trustProxy).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: 'false' }).trustProxy).toBe(false);
  });

  it('accepts a hop count, or names, addresses and CIDRs', () => {
    expect(loadConfig({ ...base, TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(
      loadConfig({ ...base, TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8,192.0.2.1' }).trustProxy,
    ).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.0.2.1']);
  });

  it('refuses true, unknown names and bad CIDRs', () => {
    for (const value of [
      'true',
      'everyone',
      '10.0.0.0/33',
      '10.0.0/8',
      'loopback,',
      '1.2.3.4/8/8',
    ]) {
      expect(problems({ ...base, TRUST_PROXY: value })).toEqual([
        expect.stringMatching(/^TRUST_PROXY: /),
      ]);
    }
  });
});

describe('loadConfig, FABRIC_ORDERER_HEALTH_URLS', () => {
  const fabric = {
    ...base,
    FABRIC_IDENTITY_CERTS: 'ITDeptMSP=a,CivicChamberMSP=b,RegulatorMSP=c',
    FABRIC_IDENTITY_KEYS: 'ITDeptMSP=a,CivicChamberMSP=b,RegulatorMSP=c',
  };

  it('skips the quorum check when unset', () => {
    expect(loadConfig(fabric).fabric?.ordererHealthUrls).toEqual([]);
  });

  it('reads a comma list of http(s) URLs', () => {
    expect(
      loadConfig({
        ...fabric,
        FABRIC_ORDERER_HEALTH_URLS:
          'http://127.0.0.1:7052/healthz, https://o2.example:7062/healthz',
      }).fabric?.ordererHealthUrls,
    ).toEqual(['http://127.0.0.1:7052/healthz', 'https://o2.example:7062/healthz']);
  });

  it('refuses what is not an http(s) URL', () => {
    for (const value of ['127.0.0.1:7052', 'ftp://127.0.0.1/healthz']) {
      expect(problems({ ...fabric, FABRIC_ORDERER_HEALTH_URLS: value })).toEqual([
        expect.stringMatching(/^FABRIC_ORDERER_HEALTH_URLS: /),
      ]);
    }
  });
});
