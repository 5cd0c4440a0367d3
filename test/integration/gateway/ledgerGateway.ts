import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import request from 'supertest';
import { devToken, type DevTokenClaims } from '../../helpers/devIdp.js';
import { networkConfigPath } from '../../helpers/fabricNetwork.js';
import type { Ledger } from '../../../gateway/src/services/ledger.js';
import { buildGateway, type TestGateway } from './gatewayApp.js';

/** The FABRIC_* settings network.sh wrote for the gateway, beside network.json. */
export function ledgerEnv(): Record<string, string> {
  const file = join(dirname(networkConfigPath()), 'gateway.env');
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)='(.*)'$/.exec(line.trim());
    if (match !== null) env[match[1]!] = match[2]!;
  }
  return env;
}

/**
 * The real gateway app on the running network, the test run's Redis (under a key prefix of its
 * own, so `prefix` lets two apps share records) and the given IdP. `env` overrides, e.g. a
 * commit-status deadline far shorter than a block; `around` wraps the Fabric adapter.
 */
export function buildLedgerGateway(
  issuer: string,
  env: Record<string, string> = {},
  prefix = `ledger-itest-${randomUUID()}:`,
  around?: (ledger: Ledger) => Ledger,
): Promise<TestGateway> {
  const redisUrl = process.env.REDIS_URL;
  if (redisUrl === undefined) throw new Error('REDIS_URL is set by the global setup');
  return buildGateway(
    {
      ...ledgerEnv(),
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      OIDC_ISSUER: issuer,
      PSEUDONYM_SECRET: 'ledger-integration-secret-ledger-integration',
      RATE_LIMIT_IP_PER_SEC: '100000',
      RATE_LIMIT_RESIDENT_PER_MIN: '100000',
      ...env,
    },
    around,
  );
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** A resident with every claim registration needs; `sub` is unique per call. */
export function residentClaims(): DevTokenClaims {
  return {
    sub: `resident-${randomUUID()}`,
    name: 'Test Resident',
    birthdate: '1990-04-12',
    district: 'Riverside',
    phone_number: '+70000000000',
  };
}

/** Creates and opens a poll of `department` open since a minute ago, through the gateway. */
export async function openPoll(
  gateway: TestGateway,
  officialToken: string,
  overrides: Record<string, unknown> = {},
): Promise<{ pollId: string; poll: Record<string, unknown> }> {
  const now = Date.now();
  const created = await request(gateway.app)
    .post('/api/v1/polls')
    .set(bearer(officialToken))
    .send({
      title: 'Integration poll',
      description: '',
      options: [
        { id: 'north', label: 'North' },
        { id: 'south', label: 'South' },
      ],
      maxChoices: 1,
      opensAt: new Date(now - 60_000).toISOString(),
      closesAt: new Date(now + 24 * 60 * 60_000).toISOString(),
      ...overrides,
    });
  if (created.status !== 201) throw new Error(`create answered ${created.status}: ${created.text}`);
  const pollId = (created.body as { pollId: string }).pollId;
  const opened = await request(gateway.app)
    .post(`/api/v1/polls/${pollId}/open`)
    .set(bearer(officialToken));
  if (opened.status !== 200) throw new Error(`open answered ${opened.status}: ${opened.text}`);
  return { pollId, poll: opened.body as Record<string, unknown> };
}

/** Mints a resident's token and registers them through the gateway; `sub` names them. */
export async function registeredResident(
  gateway: TestGateway,
  issuer: string,
  sub?: string,
): Promise<string> {
  const token = await devToken(issuer, {
    ...residentClaims(),
    ...(sub === undefined ? {} : { sub }),
  });
  const registered = await request(gateway.app).post('/api/v1/residents/me').set(bearer(token));
  if (registered.status !== 201)
    throw new Error(`register answered ${registered.status}: ${registered.text}`);
  return token;
}
