// Extensionless imports: jest loads globalSetup through Node's require, which does not map
// './x.js' to './x.ts' as the ESM test projects do; extensionless works for both.
import { startRedisServer } from './redisServer';
import { stoppers } from './stoppers';

/**
 * Starts the shared infrastructure once per test run and hands its addresses to the test
 * workers through the environment. A Redis already named by VECHE_TEST_REDIS_URL is reused and
 * left running; what this run starts, globalTeardown stops by PID.
 */
export default async function globalSetup(): Promise<void> {
  const reused = process.env.VECHE_TEST_REDIS_URL;
  if (reused !== undefined && reused !== '') {
    process.env.REDIS_URL = reused;
    return;
  }
  const redis = await startRedisServer();
  process.env.REDIS_URL = redis.url;
  stoppers().push(() => redis.stop());
}
