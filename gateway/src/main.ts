import { createApp } from './app.js';
import { createConfiguredVerifier } from './auth/verifier.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createFabricLedger } from './fabric/fabricLedger.js';
import { createHttpServer } from './httpServer.js';
import { createLogger } from './middleware/logger.js';
import { createMetrics } from './middleware/metrics.js';
import { createLiveCounts } from './redis/liveCounts.js';
import { createPendingTallies } from './redis/pendingTallies.js';
import { createTallyLocks } from './redis/locks.js';
import { createPollService } from './services/polls.js';
import { createAuditIndex } from './redis/auditIndex.js';
import { createRedisClient, waitForRedis } from './redis/client.js';
import { startAuditIndexer, type AuditIndexer } from './services/auditIndexer.js';
import { createUnconfiguredLedger } from './services/unconfiguredLedger.js';

const shutdownGraceMs = 10_000;

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error: unknown) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  const metrics = createMetrics();
  const redis = createRedisClient(config.redis, logger);
  // Start even if Redis is down: /healthz answers and /readyz reports it until it comes back.
  await waitForRedis(redis, 5000).catch(() => {
    logger.warn('redis not reachable at start');
  });
  const ledger =
    config.fabric === undefined
      ? createUnconfiguredLedger()
      : createFabricLedger(config.fabric, metrics);
  if (config.fabric === undefined)
    logger.warn('no Fabric identities configured: ledger endpoints answer 503');
  const verifier = createConfiguredVerifier(config);
  const app = createApp({ config, logger, redis, ledger, verifier, metrics });
  // Without Fabric there are no blocks to follow; the endpoint serves whatever is indexed.
  const indexer: AuditIndexer | undefined =
    config.fabric === undefined
      ? undefined
      : startAuditIndexer({
          ledger,
          index: createAuditIndex(redis),
          liveCounts: createLiveCounts(redis),
          logger,
        });
  if (config.fabric !== undefined) {
    // API.md: the gateway's start resumes a tally that a stopped gateway left unfinished. It
    // runs beside the server; a failure is logged and the next close or start retries.
    // The same tally lock as a close, so a poll a request is tallying is left to it.
    createPollService(ledger, createLiveCounts(redis), createPendingTallies(redis), {
      tallyLocks: createTallyLocks(redis),
      closeWaitMs: config.closeWaitMs,
    })
      .resumeTallies()
      .then((finished) => {
        if (finished > 0) logger.info({ finished }, 'resumed interrupted tallies');
      })
      .catch((error: unknown) => {
        logger.warn(
          { err: { message: error instanceof Error ? error.message : 'unknown' } },
          'could not resume interrupted tallies',
        );
      });
  }
  const server = createHttpServer(app);
  server.listen(config.port, config.host, () => {
    logger.info({ host: config.host, port: config.port }, 'gateway listening');
  });

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Finish in-flight requests, then close the ledger and Redis connections.
    const force = setTimeout(() => {
      server.closeAllConnections();
    }, shutdownGraceMs);
    force.unref();
    server.close(() => {
      void (async () => {
        await indexer?.stop();
        await ledger.close().catch(() => undefined);
        await redis.quit().catch(() => undefined);
        logger.info('stopped');
        process.exit(0);
      })();
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => {
    shutdown('SIGTERM');
  });
  process.on('SIGINT', () => {
    shutdown('SIGINT');
  });
}

await main();
