// The whole system as `npm start` runs it (scripts/veche.sh: Redis, the development IdP and the
// gateway, on the running network), on free ports and a throw-away runtime folder, with rate
// limits lifted because every request of a benchmark comes from 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test/helpers/freePort.js';
import { networkDir } from '../../test/helpers/networkScript.js';

export interface RunningSystem {
  readonly gateway: string;
  readonly issuer: string;
  stop(): Promise<void>;
}

export async function startSystem(): Promise<RunningSystem> {
  const runtime = mkdtempSync(join(tmpdir(), 'veche-bench-'));
  const [gatewayPort, idpPort, redisPort] = [await freePort(), await freePort(), await freePort()];
  const child: ChildProcess = spawn('bash', ['scripts/veche.sh', 'start'], {
    env: {
      ...process.env,
      PORT: String(gatewayPort),
      IDP_PORT: String(idpPort),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      VECHE_RUNTIME_DIR: runtime,
      VECHE_NETWORK_DIR: networkDir(),
      RATE_LIMIT_IP_PER_SEC: '1000000',
      RATE_LIMIT_RESIDENT_PER_MIN: '1000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`veche.sh not ready within 180 s:\n${output}`));
    }, 180_000);
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('ready: Veche is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(`veche.sh exited with ${String(code)} before ready:\n${output.slice(-3000)}`),
      );
    });
  });
  try {
    await ready;
  } catch (error) {
    // veche.sh stops what it started when it fails; the folder is this function's to remove.
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    await exited;
    rmSync(runtime, { recursive: true, force: true });
    throw error;
  }
  return {
    gateway: `http://127.0.0.1:${gatewayPort}`,
    issuer: `http://127.0.0.1:${idpPort}`,
    async stop(): Promise<void> {
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
      await exited;
      rmSync(runtime, { recursive: true, force: true });
    },
  };
}
