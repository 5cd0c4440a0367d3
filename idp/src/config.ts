import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The token endpoint accepts exactly one client authentication method per registered client. */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

export interface IdpConfig {
  /** IDP_HOST: the address to listen on; loopback by default, since /dev/token mints any token. */
  readonly host: string;
  /** IDP_PORT: the TCP port to listen on (1..65535). */
  readonly port: number;
  /** IDP_ISSUER: the exact `iss` of every token; an http(s) origin without path, query or fragment. */
  readonly issuer: string;
  /** API_AUDIENCE: the `aud` of every access token, checked by the gateway. */
  readonly apiAudience: string;
  /**
   * The resource indicator (RFC 8707) that stands for the API. oidc-provider requires an absolute
   * URI there, which the default audience `veche-api` is not, so a URN stands in for it.
   */
  readonly apiResource: string;
  readonly client: {
    /** IDP_CLIENT_ID */
    readonly id: string;
    /** IDP_CLIENT_SECRET */
    readonly secret: string;
    /** IDP_REDIRECT_URIS: comma-separated absolute http(s) URLs. */
    readonly redirectUris: readonly string[];
    /** IDP_CLIENT_AUTH_METHOD: openid-client 6 sends client_secret_post unless told otherwise. */
    readonly authMethod: ClientAuthMethod;
  };
  /** IDP_DEMO_RESIDENTS_FILE: the accounts offered on the login page. */
  readonly demoResidentsFile: string;
  /** IDP_KEYS_FILE: the private signing JWK set, generated on first start, so tokens survive restarts. */
  readonly keysFile: string;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

// src/ and dist/ sit at the same depth, so the repository root is two levels up from either.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const authMethods: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post'];

/** Reads and validates the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): IdpConfig {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };

  const port = parsePort(read('IDP_PORT') ?? '3001');
  const host = read('IDP_HOST') ?? '127.0.0.1';
  const issuer = parseIssuer(read('IDP_ISSUER') ?? `http://127.0.0.1:${port}`);

  const apiAudience = read('API_AUDIENCE') ?? 'veche-api';
  if (/\s/.test(apiAudience) || apiAudience.length > 255) {
    throw new ConfigError('API_AUDIENCE', 'must be 1..255 characters without whitespace');
  }

  const clientId = read('IDP_CLIENT_ID') ?? 'veche-gateway';
  if (/\s/.test(clientId)) throw new ConfigError('IDP_CLIENT_ID', 'must not contain whitespace');

  const authMethod = read('IDP_CLIENT_AUTH_METHOD') ?? 'client_secret_post';
  if (!isAuthMethod(authMethod)) {
    throw new ConfigError('IDP_CLIENT_AUTH_METHOD', `must be one of ${authMethods.join(', ')}`);
  }

  return {
    host,
    port,
    issuer,
    apiAudience,
    apiResource: isAbsoluteUri(apiAudience) ? apiAudience : 'urn:veche:api',
    client: {
      id: clientId,
      secret: read('IDP_CLIENT_SECRET') ?? 'dev-secret',
      redirectUris: parseRedirectUris(
        read('IDP_REDIRECT_URIS') ?? 'http://127.0.0.1:3000/auth/callback',
      ),
      authMethod,
    },
    demoResidentsFile: resolve(
      read('IDP_DEMO_RESIDENTS_FILE') ?? resolve(repoRoot, 'idp/fixtures/demo-residents.json'),
    ),
    keysFile: resolve(read('IDP_KEYS_FILE') ?? resolve(repoRoot, '.runtime/idp/jwks.json')),
  };
}

function parsePort(raw: string): number {
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new ConfigError('IDP_PORT', `must be an integer in 1..65535, got "${raw}"`);
  }
  return port;
}

function parseIssuer(raw: string): string {
  const url = URL.parse(raw);
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError('IDP_ISSUER', `must be an http(s) URL, got "${raw}"`);
  }
  // The provider is served at the root of this process; an issuer with a path would advertise
  // endpoint URLs that nothing answers unless a proxy strips the prefix.
  if (url.pathname !== '/' || url.search !== '' || raw.includes('#') || raw.includes('?')) {
    throw new ConfigError(
      'IDP_ISSUER',
      `must be an origin without path, query or fragment: "${raw}"`,
    );
  }
  return raw;
}

function parseRedirectUris(raw: string): string[] {
  const uris = raw
    .split(',')
    .map((uri) => uri.trim())
    .filter((uri) => uri !== '');
  if (uris.length === 0) throw new ConfigError('IDP_REDIRECT_URIS', 'must name at least one URL');
  for (const uri of uris) {
    const url = URL.parse(uri);
    if (url === null || !['http:', 'https:'].includes(url.protocol) || url.hash !== '') {
      throw new ConfigError(
        'IDP_REDIRECT_URIS',
        `"${uri}" is not an absolute http(s) URL without fragment`,
      );
    }
  }
  return uris;
}

function isAbsoluteUri(value: string): boolean {
  return URL.parse(value) !== null && !value.includes('#');
}

function isAuthMethod(value: string): value is ClientAuthMethod {
  return (authMethods as readonly string[]).includes(value);
}
