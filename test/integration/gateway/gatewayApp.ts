import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import { createApp } from '../../../gateway/src/app.js';
import { createConfiguredVerifier } from '../../../gateway/src/auth/verifier.js';
import { loadConfig, type Config } from '../../../gateway/src/config.js';
import { createFabricLedger } from '../../../gateway/src/fabric/fabricLedger.js';
import { createLogger } from '../../../gateway/src/middleware/logger.js';
import { createMetrics } from '../../../gateway/src/middleware/metrics.js';
import { createRedisClient, waitForRedis } from '../../../gateway/src/redis/client.js';
import type { Ledger } from '../../../gateway/src/services/ledger.js';

export const orgs = ['ITDeptMSP', 'CivicChamberMSP', 'RegulatorMSP'] as const;

/** Self-signed P-256 client identities: real keys the Fabric client signs with. */
export function makeIdentities(): { certs: string; keys: string } {
  const dir = mkdtempSync(join(tmpdir(), 'veche-fabric-id-'));
  for (const org of orgs) {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, `${org}-key.pem`),
        '-out',
        join(dir, `${org}-cert.pem`),
        '-subj',
        `/CN=gateway.${org}`,
        '-days',
        '1',
      ],
      { stdio: 'ignore' },
    );
  }
  return {
    certs: orgs.map((org) => `${org}=${join(dir, `${org}-cert.pem`)}`).join(','),
    keys: orgs.map((org) => `${org}=${join(dir, `${org}-key.pem`)}`).join(','),
  };
}

export interface TestGateway {
  readonly app: Express;
  readonly config: Config;
  readonly redis: Redis;
  readonly ledger: Ledger;
  readonly logs: string[];
  close(): Promise<void>;
}

/**
 * The real app with real Redis, the real IdP and a Fabric adapter whose peers are not there.
 * `around` may stand between the app and the adapter, e.g. to stop a write midway.
 */
export async function buildGateway(
  env: Record<string, string>,
  around: (ledger: Ledger) => Ledger = (ledger) => ledger,
): Promise<TestGateway> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info', ...env });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done): void {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger(config.logLevel, sink);
  const metrics = createMetrics();
  const redis = createRedisClient(config.redis, logger);
  await waitForRedis(redis, 5000);
  if (config.fabric === undefined) throw new Error('test gateway needs Fabric identities');
  const ledger = createFabricLedger(config.fabric, metrics);
  const verifier = createConfiguredVerifier(config);
  const app = createApp({ config, logger, redis, ledger: around(ledger), verifier, metrics });
  return {
    app,
    config,
    redis,
    ledger,
    logs,
    async close(): Promise<void> {
      await ledger.close();
      redis.disconnect();
    },
  };
}
