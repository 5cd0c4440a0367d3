import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devToken } from '../helpers/devIdp';
import { freePort } from '../helpers/freePort';

// `npm start` is scripts/veche.sh start: this runs it as an operator would, on free ports and a
// fresh runtime folder, then checks what a client sees and that Ctrl-C leaves nothing behind.
const resident = {
  sub: 'e2e-resident-1',
  name: 'Zinaida Quillfeather',
  birthdate: '1961-07-19',
  phone_number: '+7 495 555 0199',
  district: 'Riverside',
};

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start (scripts/veche.sh start)', () => {
  let runtime: string;
  let ports: { gateway: number; idp: number; redis: number };
  let system: ChildProcess;
  let output = '';
  let pids: number[] = [];
  let base: string;
  let issuer: string;

  beforeAll(async () => {
    runtime = mkdtempSync(join(tmpdir(), 'veche-e2e-'));
    ports = { gateway: await freePort(), idp: await freePort(), redis: await freePort() };
    base = `http://127.0.0.1:${ports.gateway}`;
    issuer = `http://127.0.0.1:${ports.idp}`;
    system = spawn('bash', ['scripts/veche.sh', 'start'], {
      env: {
        ...process.env,
        PORT: String(ports.gateway),
        IDP_PORT: String(ports.idp),
        REDIS_URL: `redis://127.0.0.1:${ports.redis}`,
        VECHE_RUNTIME_DIR: runtime,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
    };
    system.stdout?.on('data', collect);
    system.stderr?.on('data', collect);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no ready line within 90 s:\n${output}`));
      }, 90_000);
      const check = (): void => {
        if (output.includes('ready: Veche is running')) {
          clearTimeout(timer);
          resolve();
        }
      };
      system.stdout?.on('data', check);
      system.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`veche.sh exited with ${String(code)} before ready:\n${output}`));
      });
    });
    pids = readdirSync(join(runtime, 'pids')).map((file) =>
      Number(readFileSync(join(runtime, 'pids', file), 'utf8')),
    );
  }, 120_000);

  afterAll(async () => {
    if (system.exitCode === null && system.pid !== undefined) {
      system.kill('SIGTERM');
      await new Promise((resolve) => system.once('exit', resolve));
    }
    rmSync(runtime, { recursive: true, force: true });
  });

  it('starts Redis, the development IdP and the gateway, each with a PID file', () => {
    expect(pids).toHaveLength(3);
    expect(pids.every(pidAlive)).toBe(true);
  });

  it('serves health and the configured issuer', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const config = await fetch(`${base}/api/v1/config`);
    expect(await config.json()).toEqual({ issuer });
  });

  it('reports the ledger as down in readiness while no Fabric network runs', async () => {
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(await ready.json())).toContain('ledger');
  });

  it('answers a resident registration with 503 unavailable and no personal details', async () => {
    const token = await devToken(issuer, { ...resident, roles: ['resident'] });
    const response = await fetch(`${base}/api/v1/residents/me`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const body = await response.text();
    expect(JSON.parse(body)).toMatchObject({ type: 'unavailable', status: 503 });
    for (const detail of [resident.name, resident.birthdate, resident.phone_number]) {
      expect(body).not.toContain(detail);
    }
  });

  it('stops everything it started on SIGTERM, and no log holds a token or personal detail', async () => {
    const token = await devToken(issuer, { ...resident, roles: ['resident'] });
    await fetch(`${base}/api/v1/residents/me`, { headers: { authorization: `Bearer ${token}` } });
    system.kill('SIGTERM');
    await new Promise((resolve) => system.once('exit', resolve));
    expect(pids.filter(pidAlive)).toEqual([]);
    for (const port of Object.values(ports)) expect(await portOpen(port)).toBe(false);

    const logs = readdirSync(join(runtime, 'logs')).map((file) =>
      readFileSync(join(runtime, 'logs', file), 'utf8'),
    );
    expect(logs.join('').length).toBeGreaterThan(0);
    for (const secret of [token, resident.name, resident.birthdate, resident.phone_number]) {
      expect(logs.filter((log) => log.includes(secret))).toEqual([]);
    }
  });
});
