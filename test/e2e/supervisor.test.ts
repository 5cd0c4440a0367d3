import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../helpers/eventually';
import { networkDir } from '../helpers/networkScript';
import {
  call,
  pidAlive,
  startSystem,
  startTimeoutMs,
  stopSystem,
  type VecheSystem,
} from '../helpers/vecheSystem';

// `npm start` supervises the services it started (scripts/veche.sh): a gateway killed with
// SIGKILL comes back on the same port, ready, after a logged backoff that doubles on the next
// crash; SIGTERM then stops everything by PID and nothing is restarted during the stop.

function pidOf(system: VecheSystem, name: string): number {
  return Number(readFileSync(join(system.runtime, 'pids', `${name}.pid`), 'utf8').trim());
}

async function readyz(system: VecheSystem): Promise<number> {
  try {
    return (await call('GET', `${system.base}/readyz`)).status;
  } catch {
    return 0;
  }
}

describe('npm start supervises Redis, the IdP and the gateway', () => {
  let system: VecheSystem | undefined;

  beforeAll(async () => {
    // No reset of the backoff within this test, however slow the machine.
    system = await startSystem(networkDir(), { VECHE_RESTART_RESET_AFTER: '600' });
  }, startTimeoutMs + 10_000);

  afterAll(async () => {
    await stopSystem(system);
  });

  it('restarts a gateway killed with SIGKILL on the same port, ready, and logs the restart', async () => {
    const s = system!;
    const first = pidOf(s, 'gateway');
    process.kill(first, 'SIGKILL');
    await eventually(
      'the supervisor logs the gateway’s restart',
      () =>
        Promise.resolve(
          s
            .output()
            .includes(
              `supervisor: gateway (PID ${first}) exited with status 137 (SIGKILL); restarting it in 1 s (attempt 1)`,
            ),
        ),
      15_000,
    );
    await eventually(
      'the restarted gateway answers /readyz 200',
      async () => (await readyz(s)) === 200,
      60_000,
    );
    const second = pidOf(s, 'gateway');
    expect(second).not.toBe(first);
    expect(pidAlive(second)).toBe(true);
    expect(s.output()).toContain(`started gateway (PID ${second}`);
  }, 90_000);

  it('waits twice as long before the second restart in a row', async () => {
    const s = system!;
    const second = pidOf(s, 'gateway');
    process.kill(second, 'SIGKILL');
    await eventually(
      'the supervisor logs the second restart with a 2 s backoff',
      () =>
        Promise.resolve(
          s
            .output()
            .includes(
              `gateway (PID ${second}) exited with status 137 (SIGKILL); restarting it in 2 s (attempt 2)`,
            ),
        ),
      15_000,
    );
    await eventually('the gateway is ready again', async () => (await readyz(s)) === 200, 60_000);
    expect(pidOf(s, 'gateway')).not.toBe(second);
  }, 90_000);

  it('restarts Redis killed with SIGKILL, and the gateway is ready again', async () => {
    const s = system!;
    const redis = pidOf(s, 'redis');
    process.kill(redis, 'SIGKILL');
    await eventually(
      'the supervisor logs the Redis restart',
      () =>
        Promise.resolve(
          s.output().includes(`supervisor: redis (PID ${redis}) exited with status 137 (SIGKILL)`),
        ),
      15_000,
    );
    await eventually(
      'the gateway is ready with Redis back',
      async () => (await readyz(s)) === 200,
      60_000,
    );
    expect(pidAlive(pidOf(s, 'redis'))).toBe(true);
  }, 90_000);

  it('stops every service by PID on SIGTERM and restarts none of them meanwhile', async () => {
    const s = system!;
    const pids = s.pids();
    expect(pids).toHaveLength(3);
    const restartsBefore = s.output().split('supervisor:').length;
    s.child.kill('SIGTERM');
    await s.exited;
    expect(pids.filter(pidAlive)).toEqual([]);
    expect(s.pids()).toEqual([]);
    expect(s.output().split('supervisor:').length).toBe(restartsBefore);
    expect(await readyz(s)).toBe(0);
  }, 60_000);
});
