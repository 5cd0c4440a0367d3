import type { Caller } from '../../../gateway/src/auth/caller.js';
import {
  createIdempotency,
  idempotencyScope,
  type IdempotencyRecords,
  type IdempotentResult,
  type OwnedRecord,
  type RecordClaim,
  type StoredResponse,
} from '../../../gateway/src/redis/idempotency.js';
import { ballotHandlers, ballotRecoveries } from '../../../gateway/src/routes/ballots.js';
import { finalAnswer } from '../../../gateway/src/routes/mount.js';
import { createBallotService } from '../../../gateway/src/services/ballots.js';
import type {
  Ledger,
  LedgerBallot,
  LedgerTransaction,
  WriteOptions,
} from '../../../gateway/src/services/ledger.js';
import { LedgerError } from '../../../gateway/src/services/ledgerErrors.js';
import type { LiveCounts, Locks } from '../../../gateway/src/services/ports.js';
import { ApiProblem } from '../../../gateway/src/services/problems.js';
import type { Poll } from '../../../gateway/src/validation/schemas.js';

const pollId = '0123456789abcdef0123456789abcdef';
const residentId = 'a'.repeat(64);
const ballotId = 'b'.repeat(64);
const recordedAt = '2030-01-02T03:04:05.000Z';
const resident: Caller = {
  subject: 'alice',
  residentId,
  officialId: 'e'.repeat(64),
  department: undefined,
  roles: ['resident'],
  personalClaims: () => Promise.resolve({}),
};

/**
 * The ballot side of the ledger as the chaincode and the regulator's peer answer it. Each
 * CastBallot gets the next txId and does what `next` says: commit in time, or time out waiting
 * for the commit status (the transaction may reach the ledger later, through `commit`).
 * `gate`, when set, holds a submission between its txId and its commit.
 */
function ballotLedger() {
  const transactions = new Map<string, LedgerTransaction>();
  const state = {
    submissions: 0,
    lookups: 0,
    next: 'commit' as 'commit' | 'time out' | 'refuse' | 'unreachable',
    /** What a resubmission does: commit with this validation code, or (`time out`) not in time. */
    resubmitted: 'VALID' as string,
    /** The txIds handed to the orderers again. */
    resubmissions: [] as string[],
    gate: undefined as Promise<void> | undefined,
    latest: undefined as LedgerBallot | undefined,
  };
  const ballotOf = (txId: string, choices: string[]): LedgerBallot => ({
    pollId,
    residentId,
    ballotId,
    choices,
    txId,
    revision: 1,
    recordedAt,
  });
  const blockOf = (txId: string): number => 10 + Number(txId.slice(3));
  /** The transaction reaches the ledger with this validation code. */
  const commit = (txId: string, validationCode: string, choices = ['north']): void => {
    transactions.set(txId, {
      txId,
      validationCode,
      blockNumber: blockOf(txId),
      timestamp: recordedAt,
      mspId: 'ITDeptMSP',
      endorsers: ['ITDeptMSP'],
      function: 'ballots:CastBallot',
      args: [pollId, residentId, JSON.stringify(choices)],
      event: {
        name: 'BallotCast',
        payload: {
          action: 'BallotCast',
          mspId: 'ITDeptMSP',
          actor: 'resident',
          actorId: residentId,
          pollId,
          residentId,
          choices,
          revision: 1,
        },
      },
    });
    if (validationCode === 'VALID') state.latest = ballotOf(txId, choices);
  };
  const poll = {
    pollId,
    status: 'open',
    options: [
      { id: 'north', label: 'North' },
      { id: 'south', label: 'South' },
    ],
    maxChoices: 1,
    resultsVisibility: 'after-close',
  } as Poll;
  const ledger: Partial<Ledger> = {
    getPoll: () => Promise.resolve(poll),
    castBallot: async (_poll, _resident, choices, options?: WriteOptions) => {
      state.submissions += 1;
      const txId = `tx-${String(state.submissions)}`;
      // Endorsement: the chaincode's refusal, or no peer, comes before the txId is noted.
      if (state.next === 'refuse')
        throw new LedgerError({ kind: 'chaincode', code: 'ALREADY_VOTED' });
      if (state.next === 'unreachable') throw new LedgerError({ kind: 'unavailable' });
      await options?.onPrepared?.({ txId, transaction: Buffer.from(txId) });
      if (state.gate !== undefined) await state.gate;
      if (state.next === 'time out') throw new LedgerError({ kind: 'commit-pending', txId });
      commit(txId, 'VALID', choices);
      return { value: ballotOf(txId, choices), txId, blockNumber: blockOf(txId) };
    },
    getBallot: () =>
      state.latest === undefined
        ? Promise.reject(new LedgerError({ kind: 'chaincode', code: 'NOT_FOUND' }))
        : Promise.resolve(state.latest),
    getTransaction: (txId) => {
      state.lookups += 1;
      return Promise.resolve(transactions.get(txId));
    },
  };
  /** The orderers given a noted transaction again: the same txId, committed once at most. */
  const resubmit = (transaction: Uint8Array): Promise<void> => {
    const txId = Buffer.from(transaction).toString();
    state.resubmissions.push(txId);
    if (state.resubmitted === 'time out')
      return Promise.reject(new LedgerError({ kind: 'commit-pending', txId }));
    if (!transactions.has(txId)) commit(txId, state.resubmitted);
    return Promise.resolve();
  };
  return { ledger: ledger as Ledger, state, commit, resubmit };
}

interface MemoryRecord {
  readonly bodyHash: string;
  state: 'pending' | 'complete';
  owner: number;
  txId?: string;
  transaction?: Uint8Array;
  /** The owner's lease has not run out. */
  live: boolean;
  response?: StoredResponse;
}

/** The record store's transitions (the Redis adapter's, minus Redis), one record per key. */
function memoryRecords(): IdempotencyRecords & { readonly records: Map<string, MemoryRecord> } {
  const records = new Map<string, MemoryRecord>();
  let owners = 0;
  function owned(id: string, owner: number): OwnedRecord {
    const mine = (): MemoryRecord | undefined => {
      const record = records.get(id);
      return record?.state === 'pending' && record.owner === owner ? record : undefined;
    };
    return {
      notePrepared: ({ txId, transaction }) => {
        const record = mine();
        if (record === undefined) return Promise.reject(new Error('taken over'));
        Object.assign(record, { txId, transaction });
        return Promise.resolve();
      },
      forgetPrepared: () => {
        const record = mine();
        if (record !== undefined) {
          delete record.txId;
          delete record.transaction;
        }
        return Promise.resolve();
      },
      complete: (response) => {
        const record = mine();
        if (record !== undefined) Object.assign(record, { state: 'complete', response });
        return Promise.resolve();
      },
      release: () => {
        const record = mine();
        if (record !== undefined) record.live = false;
        return Promise.resolve();
      },
      abandon: () => {
        if (mine() !== undefined) records.delete(id);
        return Promise.resolve();
      },
    };
  }
  return {
    records,
    claim: (scope, key, bodyHash): Promise<RecordClaim> => {
      const id = `${scope}|${key}`;
      const owner = (owners += 1);
      const record = records.get(id);
      if (record === undefined) {
        records.set(id, { bodyHash, state: 'pending', owner, live: true });
        return Promise.resolve({ kind: 'claimed', record: owned(id, owner) });
      }
      if (record.bodyHash !== bodyHash) return Promise.resolve({ kind: 'conflict' });
      if (record.state === 'complete')
        return Promise.resolve({ kind: 'complete', response: record.response! });
      if (record.live)
        return Promise.resolve(
          record.txId === undefined ? { kind: 'busy' } : { kind: 'busy', txId: record.txId },
        );
      Object.assign(record, { owner, live: true });
      return Promise.resolve(
        record.txId === undefined
          ? { kind: 'claimed', record: owned(id, owner) }
          : {
              kind: 'orphaned',
              txId: record.txId,
              ...(record.transaction === undefined ? {} : { transaction: record.transaction }),
              record: owned(id, owner),
            },
      );
    },
  };
}

function setup(waitMs = 2000, resubmitting = true) {
  const { ledger, state, commit, resubmit } = ballotLedger();
  const locks: Locks = { withLock: (_name, work) => work() };
  const liveCounts = {} as LiveCounts;
  const ballots = createBallotService(ledger, locks, liveCounts);
  const handler = ballotHandlers(ballots).castBallot;
  const recover = ballotRecoveries(ballots).castBallot;
  const store = memoryRecords();
  const idempotency = createIdempotency(store, {
    waitMs,
    pollMs: 10,
    ...(resubmitting ? { resubmit } : {}),
  });
  /** POST /api/v1/polls/{pollId}/ballots with Idempotency-Key `key-1`, as mount runs it. */
  const post = (choices = ['north']): Promise<IdempotentResult<StoredResponse>> =>
    idempotency.execute({
      scope: `${residentId}|castBallot|/api/v1/polls/${pollId}/ballots`,
      key: 'key-1',
      body: { choices },
      run: (writeOptions) =>
        handler({
          caller: resident,
          params: { pollId },
          query: {},
          body: { choices },
          writeOptions,
        }),
      recover,
      finalAnswer,
    });
  return { state, commit, store, post };
}

/** The 201 body an in-time commit of `txId` answers. */
function receiptOf(txId: string): Record<string, unknown> {
  return {
    pollId,
    residentId,
    ballotId,
    choices: ['north'],
    txId,
    blockNumber: 10 + Number(txId.slice(3)),
    recordedAt,
  };
}

/** The txId of the 503 commit-pending the request answers, from the ledger port or a replay. */
async function commitPendingOf(work: Promise<unknown>): Promise<string | undefined> {
  const error = await work.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (error instanceof LedgerError && error.failure.kind === 'commit-pending')
    return error.failure.txId;
  if (error instanceof ApiProblem && error.type === 'commit-pending') return error.extra.txId;
  throw new Error('expected a commit-pending answer');
}

describe('idempotent replays of a write whose first request ended without an answer', () => {
  it('answers a VALID commit with the same 201 body the first request would have given', async () => {
    const { state, commit, post } = setup();
    const inTime = await setup().post();
    state.next = 'time out';
    expect(await commitPendingOf(post())).toBe('tx-1');
    commit('tx-1', 'VALID');

    const replay = await post();
    expect(replay).toEqual({ replayed: true, response: { status: 201, body: receiptOf('tx-1') } });
    expect(replay.response).toEqual(inTime.response);
    // Stored now: a further replay needs no ledger lookup.
    const lookups = state.lookups;
    await expect(post()).resolves.toEqual(replay);
    expect(state.lookups).toBe(lookups);
    expect(state.submissions).toBe(1);
  });

  it('takes over the record of an owner that died after noting its txId', async () => {
    const { state, commit, store, post } = setup();
    state.gate = new Promise<void>(() => undefined);
    void post().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The process died: its lease lapses with the transaction still committing.
    for (const record of store.records.values()) record.live = false;
    commit('tx-1', 'VALID');
    await expect(post()).resolves.toEqual({
      replayed: true,
      response: { status: 201, body: receiptOf('tx-1') },
    });
  });

  it('submits once more, as a fresh request, when the first transaction ended INVALID', async () => {
    const { state, commit, post } = setup();
    state.next = 'time out';
    await commitPendingOf(post());
    commit('tx-1', 'MVCC_READ_CONFLICT');
    state.next = 'commit';

    await expect(post()).resolves.toEqual({
      replayed: false,
      response: { status: 201, body: receiptOf('tx-2') },
    });
    expect(state.submissions).toBe(2);
    await expect(post()).resolves.toMatchObject({ replayed: true, response: { status: 201 } });
    expect(state.submissions).toBe(2);
  });

  it('hands the noted transaction to the orderers again when the ledger does not know it, and answers from its commit', async () => {
    const { state, store, post } = setup();
    state.next = 'time out';
    await commitPendingOf(post());

    await expect(post()).resolves.toEqual({
      replayed: true,
      response: { status: 201, body: receiptOf('tx-1') },
    });
    // The same transaction, not a second ballot.
    expect(state.resubmissions).toEqual(['tx-1']);
    expect(state.submissions).toBe(1);
    expect([...store.records.values()]).toEqual([
      expect.objectContaining({
        state: 'complete',
        response: { status: 201, body: receiptOf('tx-1') },
      }),
    ]);
  });

  it('submits the write afresh when its transaction, handed over again, commits INVALID', async () => {
    const { state, post } = setup();
    state.next = 'time out';
    await commitPendingOf(post());
    state.resubmitted = 'MVCC_READ_CONFLICT';
    state.next = 'commit';

    await expect(post()).resolves.toEqual({
      replayed: false,
      response: { status: 201, body: receiptOf('tx-2') },
    });
    expect(state.resubmissions).toEqual(['tx-1']);
  });

  it('answers 503 commit-pending with the same txId while the orderers cannot take the transaction again', async () => {
    const { state, commit, store, post } = setup();
    state.next = 'time out';
    await commitPendingOf(post());
    state.resubmitted = 'time out';

    expect(await commitPendingOf(post())).toBe('tx-1');
    expect(state.submissions).toBe(1);
    expect([...store.records.values()]).toEqual([
      expect.objectContaining({ state: 'pending', txId: 'tx-1', live: false }),
    ]);
    // Released again, so the replay after the commit finds out.
    commit('tx-1', 'VALID');
    await expect(post()).resolves.toMatchObject({ replayed: true, response: { status: 201 } });
    expect(state.resubmissions).toEqual(['tx-1']);
  });

  it('answers 503 commit-pending, handing nothing over, for a record noted before records kept the transaction', async () => {
    const { state, commit, store, post } = setup();
    state.next = 'time out';
    await commitPendingOf(post());
    for (const record of store.records.values()) delete record.transaction;

    expect(await commitPendingOf(post())).toBe('tx-1');
    expect(state.resubmissions).toEqual([]);
    commit('tx-1', 'VALID');
    await expect(post()).resolves.toMatchObject({ replayed: true, response: { status: 201 } });
  });

  it('answers 503 commit-pending while the ledger does not know the transaction, when nothing can hand it over again', async () => {
    const { state, commit, post } = setup(2000, false);
    state.next = 'time out';
    await commitPendingOf(post());

    expect(await commitPendingOf(post())).toBe('tx-1');
    commit('tx-1', 'VALID');
    await expect(post()).resolves.toMatchObject({ replayed: true, response: { status: 201 } });
    expect(state.submissions).toBe(1);
  });

  it('waits for a live owner and then answers with its result, without asking the ledger', async () => {
    const { state, post } = setup();
    let open = (): void => undefined;
    state.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const first = post();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const replay = post();
    setTimeout(open, 100);

    const [original, replayed] = await Promise.all([first, replay]);
    expect(original).toEqual({
      replayed: false,
      response: { status: 201, body: receiptOf('tx-1') },
    });
    expect(replayed).toEqual({ replayed: true, response: original.response });
    expect(state.lookups).toBe(0);
    expect(state.submissions).toBe(1);
  });

  it('answers commit-pending with the owner’s txId when a live owner outlasts the wait', async () => {
    const { state, post } = setup(50);
    state.gate = new Promise<void>(() => undefined);
    void post().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await commitPendingOf(post())).toBe('tx-1');
    expect(state.lookups).toBe(0);
  });

  it('answers idempotency-conflict for another body under the same key', async () => {
    const { post } = setup();
    await post(['north']);
    await expect(post(['south'])).rejects.toMatchObject({ type: 'idempotency-conflict' });
  });

  it('stores a refusal and answers a replay with the same status and body, without a second submission', async () => {
    const { state, post } = setup();
    state.next = 'refuse';
    const first = await post().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(first).toMatchObject({ failure: { kind: 'chaincode', code: 'ALREADY_VOTED' } });
    state.next = 'commit';
    await expect(post()).resolves.toEqual({
      replayed: true,
      response: {
        status: 409,
        body: {
          type: 'already-voted',
          title: 'The resident has already voted in this poll',
          status: 409,
          detail: 'This poll does not allow a second ballot.',
        },
      },
    });
    expect(state.submissions).toBe(1);
  });

  it('frees the key after 503 unavailable, so the retry submits', async () => {
    const { state, post } = setup();
    state.next = 'unreachable';
    await expect(post()).rejects.toMatchObject({ failure: { kind: 'unavailable' } });
    state.next = 'commit';
    await expect(post()).resolves.toMatchObject({ replayed: false, response: { status: 201 } });
  });
});

describe('the scope of an Idempotency-Key', () => {
  it('is the caller, the operation and the decoded path parameters, whatever the path’s spelling', () => {
    expect(idempotencyScope(residentId, 'castBallot', { pollId })).toBe(
      idempotencyScope(residentId, 'castBallot', Object.assign(Object.create(null), { pollId })),
    );
    expect(idempotencyScope(residentId, 'castBallot', { pollId })).not.toBe(
      idempotencyScope(residentId, 'castBallot', { pollId: 'f'.repeat(32) }),
    );
    expect(idempotencyScope(residentId, 'castBallot', {})).not.toBe(
      idempotencyScope(residentId, 'createPoll', {}),
    );
  });
});
