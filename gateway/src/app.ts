import express, { type Express } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createBrowserLogin } from './auth/browserLogin.js';
import { createAuthenticator } from './auth/passport.js';
import { createSessionAuth } from './auth/sessions.js';
import type { AuthVerifier } from './auth/verifier.js';
import type { Config } from './config.js';
import { createSealer } from './crypto/sealer.js';
import { certificateExpiry, probeOrdererHealth } from './fabric/networkProbes.js';
import { errorForLog, errorHandler, notFoundHandler } from './middleware/errors.js';
import { createHttpLogger } from './middleware/logger.js';
import type { Metrics } from './middleware/metrics.js';
import { createAuditIndex } from './redis/auditIndex.js';
import { createIdempotency, createIdempotencyRecords } from './redis/idempotency.js';
import { createLiveCounts } from './redis/liveCounts.js';
import { createPendingTallies } from './redis/pendingTallies.js';
import { createLocks, createTallyLocks } from './redis/locks.js';
import { createRateLimits } from './redis/rateLimits.js';
import { createSessionIndex, createSessionStore } from './redis/sessions.js';
import { auditHandlers } from './routes/audit.js';
import { authHandlers } from './routes/auth.js';
import { ballotHandlers, ballotRecoveries } from './routes/ballots.js';
import { ledgerHandlers } from './routes/ledger.js';
import { methodNotAllowed, mountRoutes, type Handlers } from './routes/mount.js';
import { pollHandlers, pollRecoveries } from './routes/polls.js';
import { residentHandlers } from './routes/residents.js';
import { serviceHandlers } from './routes/service.js';
import { createAuditService } from './services/audit.js';
import { createBallotService } from './services/ballots.js';
import { createBlockService } from './services/blocks.js';
import type { Ledger } from './services/ledger.js';
import {
  createNetworkHealth,
  readinessOf,
  type NetworkHealth,
  type NetworkSnapshot,
} from './services/networkHealth.js';
import { createPollService } from './services/polls.js';
import { createResidentService } from './services/residents.js';
import { buildOpenApi } from './validation/openapi.js';
import { createWebRouter } from './web/webRouter.js';
import { routeSpecs } from './validation/registry.js';
import type { Readiness } from './validation/schemas.js';

export interface AppDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly redis: Redis;
  readonly ledger: Ledger;
  readonly verifier: AuthVerifier;
  readonly metrics: Metrics;
}

const readinessTimeoutMs = 2000;
/** However often /readyz and /metrics are asked, the orderers and peers are probed this rarely. */
const networkRefreshMs = 5000;
const ordererProbeTimeoutMs = 1000;

/** Service endpoints stay outside the address limit so probes and scrapes are never refused. */
const unlimitedPaths = new Set(['/healthz', '/readyz', '/metrics']);

function publishNetwork(metrics: Metrics, snapshot: NetworkSnapshot): void {
  const { network } = metrics;
  network.orderers.set(snapshot.orderers?.configured ?? 0);
  network.orderersReachable.set(snapshot.orderers?.reachable ?? 0);
  network.ordererQuorum.set(snapshot.orderers?.quorum ?? 0);
  // Reset first, so a peer or certificate that stopped answering loses its stale value.
  network.peerHeight.reset();
  for (const [msp, height] of Object.entries(snapshot.peerHeights))
    network.peerHeight.set({ msp }, height);
  network.certificateExpiry.reset();
  for (const [msp, expiry] of Object.entries(snapshot.certificateExpiry))
    network.certificateExpiry.set({ msp }, expiry);
}

function createAppNetworkHealth(config: Config, ledger: Ledger, metrics: Metrics): NetworkHealth {
  const identities = config.fabric?.identities ?? {};
  return createNetworkHealth(
    {
      ordererUrls: config.fabric?.ordererHealthUrls ?? [],
      probeOrderer: (url) => probeOrdererHealth(url, ordererProbeTimeoutMs),
      peerHeights: () => within(ledger.peerHeights(), readinessTimeoutMs),
      certificateExpiry: () => certificateExpiry(identities),
    },
    {
      refreshMs: networkRefreshMs,
      onSnapshot: (snapshot) => {
        publishNetwork(metrics, snapshot);
      },
    },
  );
}

async function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error('timeout'));
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A ballot lock outlives a missed renewal or two (renewed every 2 s). */
const ballotLockTtlMs = 6000;

export function createApp(deps: AppDeps): Express {
  const { config, logger, redis, ledger, metrics } = deps;
  const liveCounts = createLiveCounts(redis);
  const timeouts = config.fabric?.timeouts ?? {
    evaluateMs: 5000,
    endorseMs: 15000,
    submitMs: 5000,
    commitMs: 30000,
  };
  // A ballot's lock is held through endorsement plus the commit wait, renewed meanwhile; its
  // short TTL only bounds how long a holder that died, or lost Redis, blocks the next request.
  const lockHoldMs =
    timeouts.evaluateMs + timeouts.endorseMs + timeouts.submitMs + timeouts.commitMs + 10000;
  // A second request (a double click) waits as long as the first can hold the lock, then gets
  // the ledger's answer (already-voted, or a re-vote), never a 503 for having waited.
  const lockWaitMs = lockHoldMs;
  const locks = createLocks(redis, { ttlMs: ballotLockTtlMs, waitMs: lockWaitMs });
  // The owner of an idempotency record works at most a lock wait, a read and a write; a lease
  // beyond that lapses only when its process died, and a replay may then take the record over.
  const leaseMs =
    lockWaitMs +
    timeouts.evaluateMs +
    timeouts.endorseMs +
    timeouts.submitMs +
    timeouts.commitMs +
    10000;
  const idempotency = createIdempotency(
    createIdempotencyRecords(redis, {
      ttlSeconds: 25 * 60 * 60,
      pendingTtlSeconds: Math.ceil(leaseMs / 1000) + 60,
      leaseMs,
      // A killed gateway's records are taken over within about three beats (6 s), not 130 s.
      heartbeatMs: 2000,
    }),
    {
      waitMs: 3000,
      resubmit: async (transaction) => {
        try {
          await ledger.resubmit(transaction);
          metrics.resubmissions.inc({ outcome: 'committed' });
        } catch (error: unknown) {
          metrics.resubmissions.inc({ outcome: 'unknown' });
          throw error;
        }
      },
      onStoreError: (error: unknown) => {
        logger.warn(
          { err: { message: error instanceof Error ? error.message : 'unknown' } },
          'idempotency record not stored',
        );
      },
    },
  );
  const rateLimits = createRateLimits(redis, config.rateLimits, (scope) => {
    metrics.rateLimitRejections.inc({ scope });
  });

  let openApi: unknown;
  const network = createAppNetworkHealth(config, ledger, metrics);
  const readiness = async (): Promise<Readiness> => {
    const [redisUp, ledgerUp, snapshot] = await Promise.all([
      within(redis.ping(), readinessTimeoutMs).then(
        () => true,
        () => false,
      ),
      within(ledger.ping(), readinessTimeoutMs).then(
        () => true,
        () => false,
      ),
      network.snapshot(),
    ]);
    return readinessOf({
      redis: redisUp,
      ledger: ledgerUp,
      ...(snapshot.orderers === undefined ? {} : { orderers: snapshot.orderers }),
    });
  };

  const sessionIndex = createSessionIndex(redis, logger);
  const sessions = createSessionAuth({
    store: createSessionStore(redis),
    index: sessionIndex,
    sealer: createSealer(config.session.secret, 'session idp token'),
    verifier: deps.verifier,
    secret: config.session.secret,
    ttlSeconds: config.session.ttlSeconds,
    secureCookie: config.session.secureCookie,
    issuer: config.oidc.issuer,
    departmentMspIds: config.departmentMspIds,
    origin: new URL(config.oidc.redirectUri).origin,
  });
  const login = createBrowserLogin({
    issuer: config.oidc.issuer,
    clientId: config.oidc.clientId,
    clientSecret: config.oidc.clientSecret,
    redirectUri: config.oidc.redirectUri,
    allowHttpIssuer: config.nodeEnv !== 'production',
  });

  const polls = createPollService(ledger, liveCounts, createPendingTallies(redis), {
    tallyLocks: createTallyLocks(redis),
    closeWaitMs: config.closeWaitMs,
    onTallyError: (error, pollId) => {
      logger.error(
        { pollId, err: errorForLog(error) },
        'tally failed after its close answered 202; the next close or start resumes it',
      );
    },
  });
  const ballots = createBallotService(ledger, locks, liveCounts, (error, txId) => {
    logger.warn(
      { txId, err: errorForLog(error) },
      'live counts not updated for a committed ballot; the block indexer applies it',
    );
  });
  const residents = createResidentService(ledger, sessionIndex);
  const authenticate = createAuthenticator(deps.verifier, sessions);
  const handlers: Handlers = {
    ...serviceHandlers({
      metrics,
      issuer: config.oidc.issuer,
      openApi: () => (openApi ??= buildOpenApi(routeSpecs, { version: '1.0.0' })),
      readiness,
      beforeScrape: async () => {
        await network.snapshot();
      },
    }),
    ...authHandlers({ login, sessions, verifier: deps.verifier, issuer: config.oidc.issuer }),
    ...residentHandlers(residents),
    ...pollHandlers(polls),
    ...ballotHandlers(ballots),
    ...auditHandlers(createAuditService(ledger, createAuditIndex(redis))),
    ...ledgerHandlers(createBlockService(ledger)),
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Behind a TLS-terminating proxy req.ip and req.secure must be the client's: the address
  // limit keys on req.ip, and express-session sets a Secure cookie only when req.secure.
  app.set('trust proxy', config.trustProxy);
  app.use(createHttpLogger(logger));
  app.use(async (req, _res, next) => {
    if (!unlimitedPaths.has(req.path))
      await rateLimits.consumeAddress(req.ip ?? req.socket.remoteAddress ?? 'unknown');
    next();
  });
  mountRoutes(app, routeSpecs, handlers, {
    authenticate,
    rateLimits,
    idempotency,
    recoveries: { ...pollRecoveries(polls), ...ballotRecoveries(ballots) },
    metrics,
  });
  // The residents' page: HTML over the same services, at / and below (paths the API leaves free).
  app.use(
    createWebRouter({
      polls,
      ballots,
      residents,
      authenticate,
      sessions,
      timeZone: config.timeZone,
      publicOrigin: new URL(config.oidc.redirectUri).origin,
      receiptPeer: config.fabric?.regulatorMspId,
      cacheTemplates: config.nodeEnv !== 'development',
    }),
  );
  app.use(methodNotAllowed(routeSpecs));
  app.use(notFoundHandler);
  app.use(errorHandler());
  return app;
}
