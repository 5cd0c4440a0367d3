import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../helpers/freePort.js';
import { waitForPing } from '../../helpers/redisServer.js';

// A Redis the fault suite stops and starts again on the same port and folder, with its
// append-only file, as an operator's Redis would keep its data over a restart. npm start uses
// it (it answers at REDIS_URL) and does not supervise it, so it stays down while the test wants.

export class RestartableRedis {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<RestartableRedis> {
    const redis = new RestartableRedis(
      await freePort(),
      mkdtempSync(join(tmpdir(), 'veche-faults-redis-')),
    );
    await redis.resume();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async resume(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    await waitForPing(this.port, 10_000);
  }

  async ensureRunning(): Promise<void> {
    if (this.child?.exitCode !== null || this.child.signalCode !== null) await this.resume();
  }

  /** SIGTERM, as `systemctl stop` would: Redis flushes its append-only file and exits. */
  async halt(): Promise<void> {
    const child = this.child;
    if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        resolve();
      }),
    );
    process.kill(child.pid, 'SIGTERM');
    await exited;
  }

  async remove(): Promise<void> {
    await this.halt();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
