import type { Logger } from 'pino';
import type { AuditBlockStream, Ledger } from './ledger.js';
import type { AuditIndex, LiveCounts } from './ports.js';

export interface AuditIndexer {
  /** Closes the block stream and resolves once the loop has ended. */
  stop(): Promise<void>;
}

export interface AuditIndexerOptions {
  readonly ledger: Pick<Ledger, 'auditBlocks'>;
  readonly index: Pick<AuditIndex, 'addBlock' | 'checkpoint'>;
  /** Live counts follow the ledger's ballots too, so they can be rebuilt by a replay. */
  readonly liveCounts: Pick<LiveCounts, 'apply'>;
  readonly logger: Logger;
  /** First wait after a failure, doubled on each further failure up to `maxBackoffMs`. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

const stopGraceMs = 5000;

function message(error: unknown): string {
  return error instanceof Error ? error.message : 'unknown';
}

/**
 * Keeps the audit index up to date: follows the regulator's peer's blocks from the block after
 * the checkpoint, writes each block's events together with the new checkpoint, and reconnects
 * with backoff when the stream or Redis fails. It runs beside the HTTP server, never in a
 * request, so the audit endpoint answers from Redis whatever state the peer is in.
 */
export function startAuditIndexer(options: AuditIndexerOptions): AuditIndexer {
  const { ledger, index, liveCounts, logger } = options;
  const initialBackoffMs = options.initialBackoffMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const stopping = new AbortController();
  const stopped = (): boolean => stopping.signal.aborted;
  let stream: AuditBlockStream | undefined;
  let backoffMs = initialBackoffMs;

  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      stopping.signal.addEventListener('abort', done, { once: true });
      function done(): void {
        clearTimeout(timer);
        stopping.signal.removeEventListener('abort', done);
        resolve();
      }
    });
  }

  async function follow(): Promise<void> {
    const last = await index.checkpoint();
    const startBlock = last === undefined ? 0 : last + 1;
    if (stopped()) return;
    stream = await ledger.auditBlocks(startBlock);
    if (stopped()) return;
    logger.info({ startBlock }, 'audit indexer following blocks');
    for await (const block of stream) {
      // Ballots first: applying one twice changes nothing, so a crash before the checkpoint
      // moves only repeats work.
      for (const { ballot } of block.records)
        if (ballot !== undefined) await liveCounts.apply(ballot);
      await index.addBlock(block);
      backoffMs = initialBackoffMs;
    }
  }

  const loop = (async (): Promise<void> => {
    while (!stopped()) {
      try {
        await follow();
        if (!stopped()) logger.warn('audit block stream ended; reconnecting');
      } catch (error: unknown) {
        if (!stopped())
          logger.warn({ err: { message: message(error) }, backoffMs }, 'audit indexer interrupted');
      } finally {
        stream?.close();
        stream = undefined;
      }
      if (stopped()) break;
      await pause(backoffMs);
      backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
    }
  })();

  return {
    async stop(): Promise<void> {
      stopping.abort();
      stream?.close();
      // A stream that ignores its cancellation must not hold up the shutdown.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        loop,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, stopGraceMs);
        }),
      ]);
      clearTimeout(timer);
    },
  };
}
