import { ledgerEventSchema } from '@veche/common';
import type { Caller } from '../auth/caller.js';
import type { Poll, PollDraft, PollList, Results } from '../validation/schemas.js';
import type { Ledger, WriteOptions } from './ledger.js';
import { pendingWrite, type PendingWrite } from './pendingWrites.js';
import { requirePollIdForm } from './pollIds.js';
import type { HeldLocks, LiveCounts, PendingTallies } from './ports.js';
import { ApiProblem } from './problems.js';

/** Ballots counted per TallyShard transaction: small enough to endorse within the deadline. */
const tallyChunkSize = 5000;
/** TallyShard transactions in flight at once while closing a poll. */
const tallyConcurrency = 16;

export interface CloseOutcome {
  readonly poll: Poll;
  /** The final tally is recorded on the ledger. */
  readonly tallied: boolean;
}

export interface PollServiceOptions {
  /** The per-poll tally lock, shared with the tally resumed at start and other gateways. */
  readonly tallyLocks: HeldLocks;
  /** How long a close waits for its final tally before answering that it goes on. */
  readonly closeWaitMs: number;
  /** A tally that failed after its close already answered; the next close or start resumes it. */
  readonly onTallyError?: (error: unknown, pollId: string) => void;
}

/** One process only: enough for tests and tools that tally alone. */
function processLocks(): HeldLocks {
  const held = new Set<string>();
  return {
    async tryWithLock(name, work) {
      if (held.has(name)) return { ran: false };
      held.add(name);
      try {
        return { ran: true, value: await work() };
      } finally {
        held.delete(name);
      }
    },
  };
}

export interface PollService {
  create(caller: Caller, draft: PollDraft, options?: WriteOptions): Promise<Poll>;
  /** What became of a create whose request ended without an answer, read from the ledger. */
  createOutcome(txId: string): Promise<PendingWrite<Poll>>;
  list(status: string | undefined, limit: number, cursor: string | undefined): Promise<PollList>;
  get(pollId: string): Promise<Poll>;
  open(caller: Caller, pollId: string): Promise<Poll>;
  /**
   * Closes the poll (or resumes its interrupted tally) and waits up to the configured time for
   * the final tally: `tallied` false means it goes on in the background (the route's 202).
   */
  close(caller: Caller, pollId: string): Promise<CloseOutcome>;
  /** Finishes the tallies that a stopped gateway left unfinished; answers how many it finished. */
  resumeTallies(): Promise<number>;
  results(pollId: string): Promise<Results>;
}

/**
 * Every option of the poll with its count, 0 where none is known. Looked up in a Map, never on a
 * plain object: an option called `constructor` or `toString` would find Object.prototype's.
 */
export function countsByOption(
  poll: Pick<Poll, 'options'>,
  counted: ReadonlyMap<string, number>,
): Record<string, number> {
  return Object.fromEntries(poll.options.map((option) => [option.id, counted.get(option.id) ?? 0]));
}

function department(caller: Caller): string {
  if (caller.department === undefined)
    throw new ApiProblem('forbidden', 'Officials act for a known department.');
  return caller.department;
}

export function createPollService(
  ledger: Ledger,
  liveCounts: LiveCounts,
  pendingTallies: PendingTallies,
  options: PollServiceOptions = { tallyLocks: processLocks(), closeWaitMs: 20000 },
): PollService {
  const tallyLock = (pollId: string): string => `tally:${pollId}`;

  /**
   * Closes an open poll and tallies it, holding the poll's tally lock so that no second close,
   * and no resume at start, tallies it at the same time. `closed` settles once the poll is
   * closed on the ledger (or another holder has the lock), `tallied` once the tally is final.
   */
  function closeAndTally(
    dept: string,
    pollId: string,
    officialId: string,
  ): { closed: Promise<Poll>; tallied: Promise<boolean> } {
    let markClosed: (poll: Poll) => void = () => undefined;
    const closed = new Promise<Poll>((resolve) => {
      markClosed = resolve;
    });
    const tallied = options.tallyLocks
      .tryWithLock(tallyLock(pollId), async () => {
        let poll = await ledger.getPoll(pollId);
        if (poll.status === 'open') {
          // Noted before the close, so a gateway dying between the close and the final tally
          // leaves a note for the next start.
          await pendingTallies.add(pollId, dept);
          poll = (await ledger.closePoll(dept, pollId, officialId)).value;
        }
        markClosed(poll);
        await finishTally(dept, pollId);
      })
      .then(async (outcome) => {
        // Another request or gateway holds the lock: it closes and tallies; this one reports.
        if (!outcome.ran) markClosed(await ledger.getPoll(pollId));
        return outcome.ran;
      });
    // A failure before the close settles `closed` through `tallied`'s rejection below.
    return {
      closed: Promise.race([closed, tallied.then(() => closed)]),
      tallied,
    };
  }

  async function ownPoll(caller: Caller, pollId: string): Promise<Poll> {
    requirePollIdForm(pollId);
    const poll = await ledger.getPoll(pollId);
    if (poll.department !== caller.department) {
      throw new ApiProblem(
        'forbidden',
        'Only officials of the poll\u2019s department may do this.',
      );
    }
    return poll;
  }

  async function finishTally(dept: string, pollId: string): Promise<void> {
    let tally = await ledger.getTally(pollId);
    if (tally.complete) {
      await pendingTallies.remove(pollId);
      return;
    }
    // Shards share no key (each TallyShard writes only its own shard's tally), so they commit
    // side by side without MVCC conflicts; one after another, 64 shards kept a close waiting
    // for 64 blocks.
    const pending = [...tally.pendingShards];
    const failures: unknown[] = [];
    const worker = async (): Promise<void> => {
      for (let shard = pending.shift(); shard !== undefined; shard = pending.shift()) {
        if (failures.length > 0) return;
        try {
          for (;;) {
            const { value } = await ledger.tallyShard(dept, pollId, shard, tallyChunkSize);
            if (value.done) break;
          }
        } catch (error: unknown) {
          failures.push(error);
        }
      }
    };
    await Promise.all(Array.from({ length: tallyConcurrency }, worker));
    if (failures.length > 0) throw failures[0];
    tally = (await ledger.finalizeTally(dept, pollId)).value;
    if (!tally.complete)
      throw new ApiProblem('tally-pending', 'The final tally is not yet recorded.');
    await pendingTallies.remove(pollId);
  }

  return {
    async create(caller, draft, options): Promise<Poll> {
      return (await ledger.createPoll(department(caller), draft, caller.officialId, options)).value;
    },
    createOutcome(txId): Promise<PendingWrite<Poll>> {
      return pendingWrite(ledger, txId, async (tx): Promise<Poll> => {
        const event = ledgerEventSchema.safeParse(tx.event?.payload);
        const pollId =
          event.success && event.data.action === 'PollCreated' ? event.data.pollId : undefined;
        if (pollId === undefined) throw new Error('the transaction did not create a poll');
        // The poll as this transaction wrote it, a draft, as the first request would have
        // answered; the poll itself may have been opened or closed since.
        const created = (await ledger.getPollHistory(pollId)).items.find(
          (item) => item.txId === txId,
        );
        if (created === undefined) throw new Error('the poll history lacks its creation');
        return created.poll;
      });
    },
    list(status, limit, cursor): Promise<PollList> {
      return ledger.listPolls(status ?? '', limit, cursor ?? '');
    },
    async get(pollId): Promise<Poll> {
      requirePollIdForm(pollId);
      return ledger.getPoll(pollId);
    },
    async open(caller, pollId): Promise<Poll> {
      await ownPoll(caller, pollId);
      return (await ledger.openPoll(department(caller), pollId, caller.officialId)).value;
    },
    async close(caller, pollId): Promise<CloseOutcome> {
      const poll = await ownPoll(caller, pollId);
      const dept = department(caller);
      if (poll.status === 'draft')
        throw new ApiProblem('invalid-state', 'A draft poll cannot be closed.');
      if (poll.status === 'closed' && (await ledger.getTally(pollId)).complete)
        throw new ApiProblem('invalid-state', 'The poll is closed and tallied.');
      const job = closeAndTally(dept, pollId, caller.officialId);
      const closed = await job.closed;
      let timer: NodeJS.Timeout | undefined;
      const waited = await Promise.race([
        job.tallied.then((ran) => (ran ? 'tallied' : 'elsewhere')),
        new Promise<'waiting'>((resolve) => {
          timer = setTimeout(() => {
            resolve('waiting');
          }, options.closeWaitMs);
        }),
      ]).finally(() => {
        clearTimeout(timer);
      });
      if (waited === 'tallied') return { poll: closed, tallied: true };
      // Answered before the tally ends: its failure can only be logged now, and the pending
      // note makes the next close or start resume it.
      job.tallied.catch((error: unknown) => options.onTallyError?.(error, pollId));
      return { poll: closed, tallied: false };
    },
    async resumeTallies(): Promise<number> {
      let finished = 0;
      for (const { pollId, department: dept } of await pendingTallies.list()) {
        // The same lock as a close: a poll another request or gateway is tallying is theirs.
        const outcome = await options.tallyLocks.tryWithLock(tallyLock(pollId), async () => {
          const poll = await ledger.getPoll(pollId);
          // A close that never reached the ledger leaves an open poll: nothing to finish.
          if (poll.status !== 'closed') {
            await pendingTallies.remove(pollId);
            return false;
          }
          await finishTally(dept, pollId);
          return true;
        });
        if (outcome.ran && outcome.value) finished += 1;
      }
      return finished;
    },
    async results(pollId): Promise<Results> {
      requirePollIdForm(pollId);
      const poll = await ledger.getPoll(pollId);
      if (poll.status === 'closed') {
        const tally = await ledger.getTally(pollId);
        if (!tally.complete)
          throw new ApiProblem('tally-pending', 'The final tally is not yet recorded.');
        return {
          pollId,
          status: 'final',
          totalBallots: tally.totalBallots,
          counts: countsByOption(poll, new Map(Object.entries(tally.counts))),
        };
      }
      if ((poll.resultsVisibility ?? 'after-close') === 'after-close') {
        throw new ApiProblem('results-sealed', 'Results are published when the poll closes.');
      }
      const live = await liveCounts.read(pollId);
      return {
        pollId,
        status: 'live',
        totalBallots: live.total,
        counts: countsByOption(poll, live.counts),
      };
    },
  };
}
