// Extensionless imports: jest loads globalSetup through Node's require, which does not map
// './x.js' to './x.ts' as the ESM test projects do; extensionless works for both.
import { join } from 'node:path';
import {
  fabricBinariesBuilt,
  networkDir,
  networkRunning,
  networkScript,
  networkStopped,
} from './networkScript';
import { startRedisServer } from './redisServer';
import { stoppers } from './stoppers';

/**
 * Starts the shared infrastructure once per test run and hands its addresses to the test
 * workers through the environment. A Redis already named by VECHE_TEST_REDIS_URL is reused and
 * left running; what this run starts, globalTeardown stops by PID.
 */
export default async function globalSetup(): Promise<void> {
  await startFabricNetwork();
  await startRedis();
}

async function startRedis(): Promise<void> {
  const reused = process.env.VECHE_TEST_REDIS_URL;
  if (reused !== undefined && reused !== '') {
    process.env.REDIS_URL = reused;
    return;
  }
  const redis = await startRedisServer();
  process.env.REDIS_URL = redis.url;
  stoppers().push(() => redis.stop());
}

/**
 * The Fabric network of scripts/network.sh, described to the workers by
 * VECHE_TEST_NETWORK_CONFIG (the path of its network.json). A network whose every process is
 * up is reused as it is. One that is entirely down is brought up and, after the run, down
 * again (ledgers stay). One that is partly up is repaired with `up` and left running after
 * the run: its operator started it, and this run only restarted what had died.
 */
async function startFabricNetwork(): Promise<void> {
  if (!(await fabricBinariesBuilt())) {
    throw new Error(
      'The integration and end-to-end tests need the Fabric network, but the Fabric binaries are ' +
        'not built: run `npm run install:fabric` first.',
    );
  }
  process.env.VECHE_TEST_NETWORK_CONFIG = join(networkDir(), 'config', 'network.json');
  if (await networkRunning()) return;
  const stopped = networkStopped(await networkScript('status'));
  process.stderr.write(
    stopped
      ? '\nStarting the Fabric network for this test run (scripts/network.sh up)\n'
      : '\nThe Fabric network is partly down: restarting what stopped (scripts/network.sh up); it stays up afterwards\n',
  );
  await networkScript('up', { echo: true });
  if (stopped) {
    stoppers().push(async () => {
      await networkScript('down', { echo: true });
    });
  }
}
