import { shardTallyFields, tallyFields, type TallySummary } from '@veche/common';
import { z } from 'zod';
import { fail } from '../errors';
import type { Poll } from './poll';

/** DESIGN.md bounds one tally transaction to 50,000 ballots read. */
export const MAX_CHUNK_SIZE = 50000;

export type Counts = Record<string, number>;

/** One shard's partial count (the fields in @veche/common, which the verifier reads too). */
export const shardTallySchema = z.strictObject(shardTallyFields);
export type ShardTally = z.output<typeof shardTallySchema>;

export const tallySchema = z.strictObject(tallyFields);
export type Tally = z.output<typeof tallySchema>;

export type { TallySummary };

/**
 * A ballot as the tally sees it: the key's resident ID and a lazy read of its choices, so that
 * ballots skipped on resumption are never parsed.
 */
export interface ShardEntry {
  readonly residentId: string;
  readonly choices: () => readonly string[];
}

export interface ChunkResult {
  readonly tally: ShardTally;
  readonly counted: number;
}

export function zeroCounts(poll: Poll): Counts {
  return Object.fromEntries(poll.options.map((o) => [o.id, 0]));
}

export function emptyShardTally(poll: Poll, shard: number): ShardTally {
  return {
    pollId: poll.pollId,
    shard,
    counts: zeroCounts(poll),
    totalBallots: 0,
    lastResidentId: null,
    done: false,
  };
}

export function assertChunkSize(chunkSize: number): void {
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
    fail('INVALID_ARGUMENT', `chunkSize must be an integer in 1..${MAX_CHUNK_SIZE}`);
  }
}

/**
 * One shard's ballots as a tally chunk reads them: ranges of its keys in key order, one entry per
 * resident (a re-vote replaces the key, so each entry is that resident's latest ballot).
 */
export interface ShardRange {
  /**
   * The shard's ballots after `residentId` (from its first key when null), in key order. Like any
   * non-paginated Fabric range it may end early without an error: the peer stops at its
   * `ledger.state.totalQueryLimit`.
   */
  entriesAfter(residentId: string | null): AsyncIterable<ShardEntry> | Iterable<ShardEntry>;
}

async function firstEntry(
  entries: AsyncIterable<ShardEntry> | Iterable<ShardEntry>,
): Promise<ShardEntry | undefined> {
  for await (const entry of entries) {
    return entry;
  }
  return undefined;
}

/**
 * Counts up to `chunkSize` ballots of one shard after the stored position, reading only the keys
 * after it. Iteration stops as soon as the chunk is full and one more entry shows the shard is
 * not finished; the range's iterator is then closed by `for await`. A range that ends before
 * that may have been cut by the peer's query limit, which Fabric does silently, so the shard is
 * done only when a second read after the last ballot counted finds nothing; otherwise the chunk
 * keeps what it counted (a cut range is a prefix) and the next chunk continues after it.
 */
export async function tallyChunk(
  progress: ShardTally,
  range: ShardRange,
  chunkSize: number,
): Promise<ChunkResult> {
  assertChunkSize(chunkSize);
  if (progress.done) {
    return { tally: progress, counted: 0 };
  }
  const resumeAfter = progress.lastResidentId;
  const counts: Counts = { ...progress.counts };
  let totalBallots = progress.totalBallots;
  let lastResidentId = resumeAfter;
  let counted = 0;
  let full = false;
  for await (const entry of range.entriesAfter(resumeAfter)) {
    if (lastResidentId !== null && entry.residentId <= lastResidentId) {
      fail('INVALID_STATE', 'a shard range returned ballots out of key order');
    }
    if (counted === chunkSize) {
      full = true;
      break;
    }
    for (const choice of entry.choices()) {
      counts[choice] = (counts[choice] ?? 0) + 1;
    }
    totalBallots += 1;
    counted += 1;
    lastResidentId = entry.residentId;
  }
  const done = !full && (await firstEntry(range.entriesAfter(lastResidentId))) === undefined;
  return { tally: { ...progress, counts, totalBallots, lastResidentId, done }, counted };
}

function sumShards(poll: Poll, shards: readonly ShardTally[]): Counts {
  const counts = zeroCounts(poll);
  for (const shard of shards) {
    for (const [option, n] of Object.entries(shard.counts)) {
      counts[option] = (counts[option] ?? 0) + n;
    }
  }
  return counts;
}

/** `shards[i]` is shard i's stored progress, or null when no chunk of it ran yet. */
export function summarizeTally(poll: Poll, shards: readonly (ShardTally | null)[]): TallySummary {
  const present = shards.filter((s): s is ShardTally => s !== null);
  return {
    pollId: poll.pollId,
    complete: false,
    shardsDone: present.filter((s) => s.done).length,
    shardCount: poll.shardCount,
    pendingShards: Array.from({ length: poll.shardCount }, (_, shard) => shard).filter(
      (shard) => shards[shard]?.done !== true,
    ),
    totalBallots: present.reduce((sum, s) => sum + s.totalBallots, 0),
    counts: sumShards(poll, present),
  };
}

export interface FinalizeTransaction {
  readonly txId: string;
  readonly txTime: Date;
}

/** The final tally, once every shard of a closed poll is done; otherwise TALLY_PENDING. */
export function finalizeTally(
  poll: Poll,
  shards: readonly (ShardTally | null)[],
  tx: FinalizeTransaction,
): Tally {
  if (poll.status !== 'closed') {
    fail('INVALID_STATE', `cannot finalize the tally of a poll that is ${poll.status}`);
  }
  const { pendingShards, ...summary } = summarizeTally(poll, shards);
  if (shards.length !== poll.shardCount || pendingShards.length > 0) {
    fail('TALLY_PENDING', `${summary.shardsDone} of ${poll.shardCount} shards are tallied`);
  }
  return {
    ...summary,
    complete: true,
    finalizedAt: tx.txTime.toISOString(),
    txId: tx.txId,
  };
}

export function tallySummaryOf(tally: Tally): TallySummary {
  return {
    pollId: tally.pollId,
    complete: true,
    shardsDone: tally.shardsDone,
    shardCount: tally.shardCount,
    pendingShards: [],
    totalBallots: tally.totalBallots,
    counts: tally.counts,
  };
}
