import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface RedisOptions {
  readonly url: string;
  readonly keyPrefix: string;
  readonly commandTimeoutMs: number;
}

/**
 * The process's one Redis client. No offline queue and a command timeout: while Redis is down
 * a command fails at once, so requests answer 503 instead of hanging; the client keeps
 * reconnecting in the background and recovers by itself.
 */
export function createRedisClient(options: RedisOptions, logger: Logger): Redis {
  const client = new Redis(options.url, {
    keyPrefix: options.keyPrefix,
    enableOfflineQueue: false,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: options.commandTimeoutMs,
    maxRetriesPerRequest: 0,
    lazyConnect: true,
    retryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
  });
  let down = false;
  client.on('error', (error: Error) => {
    // Reconnect attempts fail every second while Redis is down; log the change, not each try.
    if (!down) logger.warn({ err: { message: error.message } }, 'redis unreachable');
    down = true;
  });
  client.on('ready', () => {
    if (down) logger.info('redis reachable again');
    down = false;
  });
  return client;
}

/** Resolves when the client is connected, or rejects after the timeout. */
export async function waitForRedis(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  if (client.status === 'wait') void client.connect().catch(() => undefined);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`redis not ready within ${timeoutMs} ms`));
    }, timeoutMs);
    function onReady(): void {
      clearTimeout(timer);
      resolve();
    }
    client.once('ready', onReady);
  });
}
