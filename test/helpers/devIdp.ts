import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from './freePort';

export interface DevIdp {
  /** The exact `iss` of its tokens, also the base URL of every endpoint. */
  readonly issuer: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface DevIdpOptions {
  port?: number;
  /** Where the signing keys live; by default a temporary file removed on stop(). */
  keysFile?: string;
  /** Extra environment for the IdP process, e.g. IDP_REDIRECT_URIS. */
  env?: Readonly<Record<string, string>>;
}

/** The client the development IdP registers when IDP_CLIENT_* are not set. */
export const devIdpClient = {
  id: 'veche-gateway',
  secret: 'dev-secret',
  redirectUri: 'http://127.0.0.1:3000/auth/callback',
  audience: 'veche-api',
} as const;

export interface DevTokenClaims {
  sub: string;
  roles?: ('resident' | 'official' | 'regulator')[];
  department?: string;
  name?: string;
  birthdate?: string;
  district?: string;
  phone_number?: string;
}

const readyTimeoutMs = 15_000;
const stopTimeoutMs = 5_000;

/**
 * Starts `node idp/dist/main.js` (build it first) on a free loopback port and resolves once it
 * logs its ready line; rejects with its stderr if it exits first.
 */
export async function startDevIdp(opts: DevIdpOptions = {}): Promise<DevIdp> {
  const port = opts.port ?? (await freePort());
  const issuer = `http://127.0.0.1:${port}`;
  const tempDir =
    opts.keysFile === undefined ? mkdtempSync(join(tmpdir(), 'veche-idp-')) : undefined;
  const keysFile = opts.keysFile ?? join(tempDir!, 'jwks.json');

  const child = spawn(process.execPath, [join(process.cwd(), 'idp/dist/main.js')], {
    env: {
      ...process.env,
      ...opts.env,
      IDP_HOST: '127.0.0.1',
      IDP_PORT: String(port),
      IDP_ISSUER: issuer,
      IDP_KEYS_FILE: keysFile,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the development IdP process did not start');

  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      resolve(code);
    });
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });

  const ready = new Promise<void>((resolve) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.includes('"msg":"dev-idp ready"')) resolve();
    });
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      resolve('timeout');
    }, readyTimeoutMs);
  });
  const outcome = await Promise.race([ready.then(() => 'ready' as const), exited, timedOut]);
  clearTimeout(timer);

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(pid, 'SIGTERM');
      const killer = setTimeout(() => {
        if (child.exitCode === null) process.kill(pid, 'SIGKILL');
      }, stopTimeoutMs);
      await exited;
      clearTimeout(killer);
    }
    if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
  };

  if (outcome !== 'ready') {
    await stop();
    const why = outcome === 'timeout' ? `not ready within ${readyTimeoutMs} ms` : 'exited';
    throw new Error(`development IdP ${why} (port ${port}): ${stderr.trim()}`);
  }
  return { issuer, port, pid, stop };
}

/** Mints an access token through the IdP's `POST /dev/token`. */
export async function devToken(issuer: string, claims: DevTokenClaims): Promise<string> {
  const response = await fetch(`${issuer}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(claims),
  });
  const body = (await response.json()) as { access_token?: unknown; error_description?: unknown };
  if (response.status !== 200 || typeof body.access_token !== 'string') {
    throw new Error(`POST /dev/token answered ${response.status}: ${JSON.stringify(body)}`);
  }
  return body.access_token;
}
