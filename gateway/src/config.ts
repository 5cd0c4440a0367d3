import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * A comma-separated list of `MSPID=value` pairs, e.g. `ITDeptMSP=127.0.0.1:8050`. Keyed by MSP
 * ID because the gateway holds one identity per organisation and the set of departments is
 * itself configuration.
 */
const mspMap = (fallback = ''): z.ZodType<Record<string, string>, string | undefined> =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx): Record<string, string> => {
      const map: Record<string, string> = {};
      for (const entry of text.split(',').map((part) => part.trim())) {
        if (entry === '') continue;
        const eq = entry.indexOf('=');
        if (eq <= 0 || eq === entry.length - 1) {
          ctx.addIssue({ code: 'custom', message: `"${entry}" is not MSPID=value` });
          return z.NEVER;
        }
        map[entry.slice(0, eq).trim()] = entry.slice(eq + 1).trim();
      }
      return map;
    });

const list = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== ''),
  )
  .pipe(
    z
      .array(z.string().regex(/^[A-Za-z0-9.-]+$/, 'MSP IDs are letters, digits, dots, dashes'))
      .min(1),
  );

const positiveInt = z.coerce.number().int().positive();

const urlList = z
  .string()
  .default('')
  .transform((text, ctx): string[] => {
    const urls = text
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
    for (const url of urls) {
      if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
        ctx.addIssue({ code: 'custom', message: `"${url}" is not an http(s) URL` });
        return z.NEVER;
      }
    }
    return urls;
  });

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Express's "trust proxy": off, the number of proxy hops in front, or the proxies' addresses. */
export type TrustProxy = false | number | readonly string[];

/** Names proxy-addr knows for whole ranges. */
const proxyRanges = new Set(['loopback', 'linklocal', 'uniquelocal']);

function proxyAddress(entry: string): boolean {
  if (proxyRanges.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

const trustProxy = z
  .string()
  .default('false')
  .transform((text, ctx): TrustProxy => {
    const value = text.trim();
    if (value === '' || value === 'false' || value === '0') return false;
    if (/^\d+$/.test(value)) return Number(value);
    // Trusting every hop lets any client choose its own address with X-Forwarded-For, and so
    // escape the per-address rate limit.
    if (value === 'true') {
      ctx.addIssue({
        code: 'custom',
        message: 'true trusts every client; give a hop count or the proxies',
      });
      return z.NEVER;
    }
    const entries = value.split(',').map((part) => part.trim());
    const bad = entries.filter((entry) => !proxyAddress(entry));
    if (bad.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `not loopback, linklocal, uniquelocal, an address or a CIDR: ${bad.map((entry) => `"${entry}"`).join(', ')}`,
      });
      return z.NEVER;
    }
    return entries;
  });

/**
 * Every environment variable the gateway reads. Each `describe` is the documentation that
 * `.env.example` repeats; `loadConfig` is the only place that touches `process.env`.
 */
const envSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'test', 'production'])
    .default('development')
    .describe('development | test | production; production requires TLS to the peers'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('HTTP port'),
  HOST: z.string().min(1).default('127.0.0.1').describe('HTTP bind address'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level'),
  REDIS_URL: z
    .url()
    .default('redis://127.0.0.1:6379')
    .describe('Redis for limits, idempotency, locks, sessions'),
  REDIS_KEY_PREFIX: z
    .string()
    .default('veche:')
    .describe('prefix of every Redis key this gateway writes'),
  REDIS_COMMAND_TIMEOUT_MS: positiveInt
    .default(1000)
    .describe(
      'a Redis command not answered within this time fails, so a dead Redis answers 503 quickly',
    ),
  OIDC_ISSUER: z
    .url()
    .describe('issuer identifier of the OpenID Connect provider (exact iss of tokens)'),
  API_AUDIENCE: z
    .string()
    .min(1)
    .default('veche-api')
    .describe('aud that access tokens must contain'),
  OIDC_CLIENT_ID: z
    .string()
    .min(1)
    .default('veche-gateway')
    .describe('client ID of the gateway at the IdP, for browser sign-in'),
  OIDC_CLIENT_SECRET: z
    .string()
    .min(1)
    .optional()
    .describe('client secret of the gateway at the IdP; required in production, else dev-secret'),
  OIDC_REDIRECT_URI: z
    .url()
    .optional()
    .describe(
      'the gateway\u2019s /auth/callback URL as registered at the IdP; default http://<HOST>:<PORT>/auth/callback',
    ),
  SESSION_SECRET: z
    .string()
    .optional()
    .describe(
      'key signing session cookies and sealing session data (at least 32 bytes); required in production',
    ),
  SESSION_SECRET_FILE: z
    .string()
    .optional()
    .describe('file holding SESSION_SECRET, used when SESSION_SECRET is unset'),
  SESSION_TTL_SECONDS: positiveInt
    .default(8 * 60 * 60)
    .describe('lifetime of a browser session from sign-in (not extended by use)'),
  PSEUDONYM_SECRET: z
    .string()
    .optional()
    .describe('HMAC key of residentId pseudonyms (at least 32 bytes)'),
  PSEUDONYM_SECRET_FILE: z
    .string()
    .optional()
    .describe('file holding PSEUDONYM_SECRET, used when PSEUDONYM_SECRET is unset'),
  TRUST_PROXY: trustProxy.describe(
    'proxies in front of the gateway whose X-Forwarded-For/-Proto to believe (Express "trust proxy"): false, a hop count, or a comma list of loopback, linklocal, uniquelocal, addresses and CIDRs',
  ),
  RATE_LIMIT_IP_PER_SEC: positiveInt
    .default(200)
    .describe('requests per second per client address'),
  RATE_LIMIT_RESIDENT_PER_MIN: positiveInt
    .default(60)
    .describe('requests per minute per authenticated caller'),
  CITY_TIME_ZONE: z
    .string()
    .default('Europe/Moscow')
    .refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Moscow')
    .describe('the city\u2019s time zone: dates on the web page, eligibility marks by age'),
  CLOSE_WAIT_MS: positiveInt
    .default(20000)
    .describe(
      'how long POST /close waits for the final tally before answering 202 (the tally goes on)',
    ),
  DEPARTMENT_MSP_IDS: z
    .string()
    .default('ITDeptMSP,CivicChamberMSP')
    .pipe(list)
    .describe('MSP IDs of the department organisations (officials, endorsement of private data)'),
  FABRIC_GATEWAY_MSP_ID: z
    .string()
    .default('ITDeptMSP')
    .describe('organisation whose peer and identity carry residents\u2019 transactions'),
  FABRIC_REGULATOR_MSP_ID: z
    .string()
    .default('RegulatorMSP')
    .describe('organisation whose read-only peer serves receipts, history and audit'),
  FABRIC_CHANNEL: z.string().min(1).default('civic').describe('channel name'),
  FABRIC_CHAINCODE: z.string().min(1).default('veche').describe('chaincode name'),
  FABRIC_PEERS: mspMap('ITDeptMSP=127.0.0.1:8050,RegulatorMSP=127.0.0.1:8070').describe(
    'peer gRPC endpoint per organisation: MSPID=host:port,...',
  ),
  FABRIC_PEER_HOST_ALIASES: mspMap().describe(
    'TLS server name per organisation when it differs from the endpoint host: MSPID=name,...',
  ),
  FABRIC_TLS_CA_FILES: mspMap().describe(
    'PEM file of the peer TLS CA per organisation: MSPID=path,...; unset means plaintext (not in production)',
  ),
  FABRIC_IDENTITY_CERTS: mspMap().describe(
    'PEM client certificate per organisation: MSPID=path,... (gateway, each department, regulator); unset disables the ledger',
  ),
  FABRIC_IDENTITY_KEYS: mspMap().describe('PEM private key per organisation: MSPID=path,...'),
  FABRIC_ORDERER_HEALTH_URLS: urlList.describe(
    'health URL of every orderer\u2019s operations endpoint (http://host:port/healthz), comma-separated; /readyz then requires a BFT quorum of them to answer; unset skips the check',
  ),
  FABRIC_EVALUATE_TIMEOUT_MS: positiveInt.default(5000).describe('deadline of a ledger read'),
  FABRIC_ENDORSE_TIMEOUT_MS: positiveInt.default(15000).describe('deadline of an endorsement'),
  FABRIC_SUBMIT_TIMEOUT_MS: positiveInt
    .default(5000)
    .describe('deadline of the submit to ordering'),
  FABRIC_COMMIT_TIMEOUT_MS: positiveInt
    .default(30000)
    .describe('how long to wait for the commit status before answering 503 commit-pending'),
});

export interface FabricOrgConfig {
  readonly mspId: string;
  readonly certPath: string;
  readonly keyPath: string;
}

export interface FabricPeerConfig {
  readonly mspId: string;
  readonly endpoint: string;
  readonly hostAlias: string | undefined;
  readonly tlsCaPath: string | undefined;
}

export interface FabricConfig {
  readonly channel: string;
  readonly chaincode: string;
  readonly gatewayMspId: string;
  readonly regulatorMspId: string;
  readonly departmentMspIds: readonly string[];
  /** Peers the gateway connects to: the gateway organisation's and the regulator's. */
  readonly peers: Readonly<Record<string, FabricPeerConfig>>;
  /** Client identities, one per organisation the gateway signs for. */
  readonly identities: Readonly<Record<string, FabricOrgConfig>>;
  /** Health URLs of all the orderers, for the quorum check; empty skips it. */
  readonly ordererHealthUrls: readonly string[];
  readonly timeouts: {
    readonly evaluateMs: number;
    readonly endorseMs: number;
    readonly submitMs: number;
    readonly commitMs: number;
  };
}

export interface Config {
  readonly nodeEnv: 'development' | 'test' | 'production';
  readonly port: number;
  readonly host: string;
  readonly logLevel: string;
  readonly redis: {
    readonly url: string;
    readonly keyPrefix: string;
    readonly commandTimeoutMs: number;
  };
  readonly oidc: {
    readonly issuer: string;
    readonly audience: string;
    /** The gateway as an OpenID client, for browser sign-in. */
    readonly clientId: string;
    readonly clientSecret: string;
    readonly redirectUri: string;
  };
  readonly session: {
    readonly secret: string;
    readonly ttlSeconds: number;
    /** Secure cookies everywhere but development and test, which run on plain-HTTP loopback. */
    readonly secureCookie: boolean;
  };
  readonly pseudonymSecret: string;
  /**
   * Which proxies' forwarded headers to believe, so the client address (rate limits, logs) and
   * the scheme (Secure session cookies) are the client's, not the TLS-terminating proxy's.
   */
  readonly trustProxy: TrustProxy;
  readonly rateLimits: { readonly ipPerSecond: number; readonly callerPerMinute: number };
  /** How long a close waits for its final tally before answering 202 Accepted. */
  readonly closeWaitMs: number;
  /** IANA zone of the city, the chaincode's own (VECHE_TIME_ZONE at deployment). */
  readonly timeZone: string;
  readonly departmentMspIds: readonly string[];
  /** Undefined when no identities are configured: every ledger endpoint then answers 503. */
  readonly fabric: FabricConfig | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid gateway configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export const configVariables: readonly { name: string; description: string }[] = Object.entries(
  envSchema.shape,
).map(([name, schema]) => ({ name, description: schema.description ?? '' }));

/** Reads and validates the environment once; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];

  const secret = readSecret(
    e.PSEUDONYM_SECRET,
    e.PSEUDONYM_SECRET_FILE,
    'PSEUDONYM_SECRET',
    problems,
  );
  // A short key would make pseudonyms guessable from the public (iss, sub) pairs.
  if (secret === undefined || Buffer.byteLength(secret) < 32) {
    problems.push('PSEUDONYM_SECRET or PSEUDONYM_SECRET_FILE: required, at least 32 bytes');
  }

  const production = e.NODE_ENV === 'production';
  let sessionSecret = readSecret(
    e.SESSION_SECRET,
    e.SESSION_SECRET_FILE,
    'SESSION_SECRET',
    problems,
  );
  // Outside production a per-process key is enough: sessions then end when the gateway restarts.
  if (sessionSecret === undefined && !production) sessionSecret = randomBytes(32).toString('hex');
  if (sessionSecret === undefined || Buffer.byteLength(sessionSecret) < 32) {
    problems.push(
      'SESSION_SECRET or SESSION_SECRET_FILE: required in production, at least 32 bytes',
    );
  }
  // The development IdP's client secret is public; production must name its own.
  const clientSecret = e.OIDC_CLIENT_SECRET ?? (production ? undefined : 'dev-secret');
  if (clientSecret === undefined) problems.push('OIDC_CLIENT_SECRET: required in production');
  // A wildcard bind address is no place to return a browser to; loopback is where it runs.
  const bindHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? '127.0.0.1' : e.HOST;
  const callbackHost = bindHost.includes(':') ? `[${bindHost}]` : bindHost;

  const fabric = fabricConfig(e, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    redis: {
      url: e.REDIS_URL,
      keyPrefix: e.REDIS_KEY_PREFIX,
      commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
    },
    oidc: {
      issuer: e.OIDC_ISSUER,
      audience: e.API_AUDIENCE,
      clientId: e.OIDC_CLIENT_ID,
      clientSecret: clientSecret ?? '',
      redirectUri: e.OIDC_REDIRECT_URI ?? `http://${callbackHost}:${String(e.PORT)}/auth/callback`,
    },
    session: {
      secret: sessionSecret ?? '',
      ttlSeconds: e.SESSION_TTL_SECONDS,
      secureCookie: e.NODE_ENV === 'production',
    },
    pseudonymSecret: secret ?? '',
    trustProxy: e.TRUST_PROXY,
    rateLimits: {
      ipPerSecond: e.RATE_LIMIT_IP_PER_SEC,
      callerPerMinute: e.RATE_LIMIT_RESIDENT_PER_MIN,
    },
    closeWaitMs: e.CLOSE_WAIT_MS,
    timeZone: e.CITY_TIME_ZONE,
    departmentMspIds: e.DEPARTMENT_MSP_IDS,
    fabric,
  };
}

/** A secret given directly or, when unset or empty, read from a file. */
function readSecret(
  value: string | undefined,
  file: string | undefined,
  name: string,
  problems: string[],
): string | undefined {
  if (value !== undefined && value !== '') return value;
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    problems.push(`${name}_FILE: cannot read ${file}`);
    return undefined;
  }
}

function fabricConfig(e: z.infer<typeof envSchema>, problems: string[]): FabricConfig | undefined {
  const certs = e.FABRIC_IDENTITY_CERTS;
  const keys = e.FABRIC_IDENTITY_KEYS;
  if (Object.keys(certs).length === 0 && Object.keys(keys).length === 0) return undefined;

  const signers = [
    ...new Set([e.FABRIC_GATEWAY_MSP_ID, e.FABRIC_REGULATOR_MSP_ID, ...e.DEPARTMENT_MSP_IDS]),
  ];
  const identities: Record<string, FabricOrgConfig> = {};
  for (const mspId of signers) {
    const certPath = certs[mspId];
    const keyPath = keys[mspId];
    if (certPath === undefined) problems.push(`FABRIC_IDENTITY_CERTS: missing ${mspId}`);
    if (keyPath === undefined) problems.push(`FABRIC_IDENTITY_KEYS: missing ${mspId}`);
    if (certPath !== undefined && keyPath !== undefined)
      identities[mspId] = { mspId, certPath, keyPath };
  }

  const peers: Record<string, FabricPeerConfig> = {};
  for (const mspId of [e.FABRIC_GATEWAY_MSP_ID, e.FABRIC_REGULATOR_MSP_ID]) {
    const endpoint = e.FABRIC_PEERS[mspId];
    if (endpoint === undefined || !/^[^\s:]+:\d{1,5}$/.test(endpoint)) {
      problems.push(`FABRIC_PEERS: ${mspId} needs host:port`);
      continue;
    }
    const tlsCaPath = e.FABRIC_TLS_CA_FILES[mspId];
    // Plaintext gRPC would expose signed proposals and transient personal data on the wire.
    if (tlsCaPath === undefined && e.NODE_ENV === 'production') {
      problems.push(`FABRIC_TLS_CA_FILES: ${mspId} requires TLS in production`);
    }
    peers[mspId] = { mspId, endpoint, hostAlias: e.FABRIC_PEER_HOST_ALIASES[mspId], tlsCaPath };
  }

  return {
    channel: e.FABRIC_CHANNEL,
    chaincode: e.FABRIC_CHAINCODE,
    gatewayMspId: e.FABRIC_GATEWAY_MSP_ID,
    regulatorMspId: e.FABRIC_REGULATOR_MSP_ID,
    departmentMspIds: e.DEPARTMENT_MSP_IDS,
    peers,
    identities,
    ordererHealthUrls: e.FABRIC_ORDERER_HEALTH_URLS,
    timeouts: {
      evaluateMs: e.FABRIC_EVALUATE_TIMEOUT_MS,
      endorseMs: e.FABRIC_ENDORSE_TIMEOUT_MS,
      submitMs: e.FABRIC_SUBMIT_TIMEOUT_MS,
      commitMs: e.FABRIC_COMMIT_TIMEOUT_MS,
    },
  };
}
