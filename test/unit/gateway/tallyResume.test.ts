import type { Caller } from '../../../gateway/src/auth/caller.js';
import type { Ledger, LedgerTally } from '../../../gateway/src/services/ledger.js';
import { createPollService } from '../../../gateway/src/services/polls.js';
import type { HeldLocks, LiveCounts, PendingTallies } from '../../../gateway/src/services/ports.js';
import type { Poll } from '../../../gateway/src/validation/schemas.js';

const pollId = '0123456789abcdef0123456789abcdef';
const shardCount = 4;

/**
 * The tally steps of the ledger as the chaincode answers them (docs/chaincode-interface.md):
 * shards finish in whatever order they are called, a shard takes `chunks` calls, and
 * FinalizeTally refuses while one is pending. Every tally call is logged.
 */
function tallyLedger(status: Poll['status'], doneShards: number[], chunks = 2) {
  const done = new Set(doneShards);
  const calls: string[] = [];
  const progress = new Map<number, number>();
  let finalized = false;
  const tally = (): LedgerTally => ({
    pollId,
    complete: finalized,
    shardsDone: done.size,
    shardCount,
    pendingShards: finalized ? [] : [...Array(shardCount).keys()].filter((s) => !done.has(s)),
    totalBallots: 0,
    counts: {},
  });
  const poll = { pollId, status, department: 'ITDeptMSP' } as Poll;
  const ledger: Partial<Ledger> = {
    getPoll: () => Promise.resolve({ ...poll }),
    closePoll: () => {
      calls.push('close');
      poll.status = 'closed';
      return Promise.resolve({ value: { ...poll }, txId: 'tx-close', blockNumber: 1 });
    },
    getTally: () => Promise.resolve(tally()),
    tallyShard: (_dept, _poll, shard) => {
      calls.push(`shard ${shard}`);
      const calls_ = (progress.get(shard) ?? 0) + 1;
      progress.set(shard, calls_);
      if (calls_ >= chunks) done.add(shard);
      return Promise.resolve({
        value: { pollId, shard, counted: 1, done: done.has(shard) },
        txId: 'tx',
        blockNumber: 2,
      });
    },
    finalizeTally: () => {
      calls.push('finalize');
      if (done.size !== shardCount) return Promise.reject(new Error('TALLY_PENDING'));
      finalized = true;
      return Promise.resolve({ value: tally(), txId: 'tx-final', blockNumber: 3 });
    },
  };
  return { ledger: ledger as Ledger, calls };
}

function memoryPending(entries: Record<string, string> = {}): PendingTallies & {
  entries: Record<string, string>;
} {
  return {
    entries,
    add: (id, department) => {
      entries[id] = department;
      return Promise.resolve();
    },
    remove: (id) => {
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
      delete entries[id];
      return Promise.resolve();
    },
    list: () =>
      Promise.resolve(
        Object.entries(entries).map(([id, department]) => ({ pollId: id, department })),
      ),
  };
}

const liveCounts = {} as LiveCounts;
const official: Caller = {
  subject: 'olga',
  residentId: 'b'.repeat(64),
  officialId: 'd'.repeat(64),
  roles: ['official'],
  department: 'ITDeptMSP',
  personalClaims: () => Promise.resolve({}),
};

describe('resuming interrupted tallies', () => {
  it('tallies only the shards still pending, then finalizes and forgets the poll', async () => {
    const { ledger, calls } = tallyLedger('closed', [0, 2]);
    const pending = memoryPending({ [pollId]: 'ITDeptMSP' });
    await expect(createPollService(ledger, liveCounts, pending).resumeTallies()).resolves.toBe(1);
    // Shards are tallied side by side, so only the multiset of calls and the final step's
    // place are fixed.
    expect(calls.slice(0, -1).sort()).toEqual(['shard 1', 'shard 1', 'shard 3', 'shard 3']);
    expect(calls.at(-1)).toBe('finalize');
    expect(pending.entries).toEqual({});
  });

  it('tallies shards side by side, and finalizes only once every shard is done', async () => {
    const { ledger, calls } = tallyLedger('closed', []);
    let inFlight = 0;
    let most = 0;
    const slow: Ledger = {
      ...ledger,
      tallyShard: async (...args) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight -= 1;
        return ledger.tallyShard(...args);
      },
    };
    const pending = memoryPending({ [pollId]: 'ITDeptMSP' });
    await expect(createPollService(slow, liveCounts, pending).resumeTallies()).resolves.toBe(1);
    expect(most).toBe(shardCount);
    expect(calls.filter((call) => call.startsWith('shard'))).toHaveLength(shardCount * 2);
    expect(calls.at(-1)).toBe('finalize');
  });

  it('does not finalize when a shard fails, and reports the failure', async () => {
    const { ledger, calls } = tallyLedger('closed', []);
    const failing: Ledger = {
      ...ledger,
      tallyShard: (dept, poll, shard, size) =>
        shard === 2
          ? Promise.reject(new Error('peer down'))
          : ledger.tallyShard(dept, poll, shard, size),
    };
    const pending = memoryPending({ [pollId]: 'ITDeptMSP' });
    await expect(createPollService(failing, liveCounts, pending).resumeTallies()).rejects.toThrow(
      'peer down',
    );
    expect(calls).not.toContain('finalize');
    expect(pending.entries).toEqual({ [pollId]: 'ITDeptMSP' });
  });

  it('forgets a poll whose close never reached the ledger, without tallying it', async () => {
    const { ledger, calls } = tallyLedger('open', []);
    const pending = memoryPending({ [pollId]: 'ITDeptMSP' });
    await expect(createPollService(ledger, liveCounts, pending).resumeTallies()).resolves.toBe(0);
    expect(calls).toEqual([]);
    expect(pending.entries).toEqual({});
  });

  it('keeps the poll listed when the tally fails, so the next start tries again', async () => {
    const { ledger } = tallyLedger('closed', [], 1);
    const failing = { ...ledger, tallyShard: () => Promise.reject(new Error('peer down')) };
    const pending = memoryPending({ [pollId]: 'ITDeptMSP' });
    await expect(createPollService(failing, liveCounts, pending).resumeTallies()).rejects.toThrow(
      'peer down',
    );
    expect(pending.entries).toEqual({ [pollId]: 'ITDeptMSP' });
  });

  it('notes a close before it reaches the ledger and clears the note once the tally is final', async () => {
    const { ledger, calls } = tallyLedger('open', [], 1);
    const pending = memoryPending();
    const seen: string[] = [];
    const watching: PendingTallies = {
      ...pending,
      add: async (id, department) => {
        seen.push(`noted before ${calls.length === 0 ? 'close' : calls[calls.length - 1]!}`);
        await pending.add(id, department);
      },
    };
    await createPollService(ledger, liveCounts, watching).close(official, pollId);
    expect(seen).toEqual(['noted before close']);
    expect(calls).toEqual(['close', 'shard 0', 'shard 1', 'shard 2', 'shard 3', 'finalize']);
    expect(pending.entries).toEqual({});
  });
});

/** One lock table shared by every service built with it, as Redis is across gateways. */
function sharedLocks(): HeldLocks {
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

/** The ledger of tallyLedger whose TallyShard calls wait until `open()`. */
function gatedLedger() {
  const { ledger, calls } = tallyLedger('open', [], 1);
  let open = (): void => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const gated: Ledger = {
    ...ledger,
    tallyShard: async (...args) => {
      await gate;
      return ledger.tallyShard(...args);
    },
  };
  return { ledger: gated, calls, open };
}

describe('closing a poll under its tally lock', () => {
  it('answers that the tally goes on when it outlasts the wait, and finishes it in the background', async () => {
    const { ledger, calls, open } = gatedLedger();
    const pending = memoryPending();
    let finish = (): void => undefined;
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const watched: PendingTallies = {
      ...pending,
      remove: async (id) => {
        await pending.remove(id);
        finish();
      },
    };
    const service = createPollService(ledger, liveCounts, watched, {
      tallyLocks: sharedLocks(),
      closeWaitMs: 1,
    });
    const outcome = await service.close(official, pollId);
    expect(outcome.tallied).toBe(false);
    expect(outcome.poll.status).toBe('closed');
    expect(pending.entries).toEqual({ [pollId]: 'ITDeptMSP' });
    open();
    await finished;
    expect(calls.at(-1)).toBe('finalize');
    expect(pending.entries).toEqual({});
  });

  it('answers tallied once the final tally is recorded within the wait', async () => {
    const { ledger } = tallyLedger('open', [], 1);
    const service = createPollService(ledger, liveCounts, memoryPending(), {
      tallyLocks: sharedLocks(),
      closeWaitMs: 60000,
    });
    await expect(service.close(official, pollId)).resolves.toMatchObject({ tallied: true });
  });

  it('lets neither a second close nor the resume at start tally a poll whose close holds the lock', async () => {
    const { ledger, calls, open } = gatedLedger();
    const pending = memoryPending();
    const locks = sharedLocks();
    const options = { tallyLocks: locks, closeWaitMs: 1 };
    const first = createPollService(ledger, liveCounts, pending, options);
    await expect(first.close(official, pollId)).resolves.toMatchObject({ tallied: false });

    const second = createPollService(ledger, liveCounts, pending, options);
    await expect(second.close(official, pollId)).resolves.toMatchObject({
      poll: { status: 'closed' },
      tallied: false,
    });
    await expect(second.resumeTallies()).resolves.toBe(0);
    expect(calls).toEqual(['close']);
    open();
  });
});
