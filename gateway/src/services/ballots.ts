import { ledgerEventSchema } from '@veche/common';
import type { Caller } from '../auth/caller.js';
import type { Receipt, ReceiptCheck } from '../validation/schemas.js';
import type {
  CountedBallot,
  Ledger,
  LedgerBallot,
  LedgerTransaction,
  WriteOptions,
} from './ledger.js';
import { createBallotRulesCache } from './ballotRules.js';
import { LedgerError } from './ledgerErrors.js';
import { pendingWrite, type PendingWrite } from './pendingWrites.js';
import { requirePollIdForm, requireTxIdForm } from './pollIds.js';
import type { LiveCounts, Locks } from './ports.js';
import { ApiProblem, invalidRequest, jsonPointer } from './problems.js';

export interface BallotService {
  cast(caller: Caller, pollId: string, choices: string[], options?: WriteOptions): Promise<Receipt>;
  receipt(txId: string): Promise<ReceiptCheck>;
  /** What became of a cast whose request ended without an answer, read from the ledger. */
  castOutcome(txId: string): Promise<PendingWrite<Receipt>>;
}

/** The ballot a transaction cast, from its chaincode event; undefined for any other transaction. */
function castBy(
  tx: LedgerTransaction,
): { pollId: string; residentId: string; choices: string[] } | undefined {
  if (tx.event?.name !== 'BallotCast') return undefined;
  const parsed = ledgerEventSchema.safeParse(tx.event.payload);
  if (!parsed.success) return undefined;
  const { action, pollId, residentId, choices } = parsed.data;
  if (action !== 'BallotCast' || pollId === undefined || residentId === undefined) return undefined;
  return { pollId, residentId, choices: [...(choices ?? [])] };
}

async function currentBallot(
  ledger: Ledger,
  pollId: string,
  residentId: string,
): Promise<LedgerBallot | undefined> {
  try {
    return await ledger.getBallot(pollId, residentId);
  } catch (error: unknown) {
    if (
      error instanceof LedgerError &&
      error.failure.kind === 'chaincode' &&
      error.failure.code === 'NOT_FOUND'
    ) {
      return undefined;
    }
    throw error;
  }
}

export function createBallotService(
  ledger: Ledger,
  locks: Locks,
  liveCounts: LiveCounts,
  /** A committed ballot the live counts could not take now; the block indexer applies it later. */
  onLiveCountsError: (error: unknown, txId: string) => void = () => undefined,
): BallotService {
  const rules = createBallotRulesCache((pollId) => ledger.getPoll(pollId));

  /**
   * Counted before the 201, so live results include every ballot already answered. A failure
   * here cannot undo the commit: the ballot is recorded, so it is still answered 201, and the
   * block indexer applies the same ballot again (harmlessly when it was counted).
   */
  async function countLive(ballot: CountedBallot, txId: string): Promise<void> {
    try {
      await liveCounts.apply(ballot);
    } catch (error: unknown) {
      onLiveCountsError(error, txId);
    }
  }

  /** After an MVCC conflict the ledger moved under us: find out what it now says. */
  async function recheck(pollId: string, residentId: string, txId: string): Promise<ApiProblem> {
    const poll = await ledger.getPoll(pollId);
    if (poll.status !== 'open')
      return new ApiProblem('poll-not-open', 'The poll does not accept ballots now.');
    const ballot = await currentBallot(ledger, pollId, residentId);
    if (ballot !== undefined && poll.allowRevote !== true) {
      return new ApiProblem('already-voted', 'This poll does not allow a second ballot.');
    }
    return new ApiProblem(
      'invalid-state',
      'A concurrent change invalidated the ballot; nothing was recorded.',
      { txId },
    );
  }

  return {
    async cast(caller, pollId, choices, options): Promise<Receipt> {
      requirePollIdForm(pollId);
      return locks.withLock(`ballot:${pollId}:${caller.residentId}`, async () => {
        const poll = await rules.rulesOf(pollId);
        // The same rules the chaincode applies (@veche/common), answered here as a 400 with
        // pointers instead of a round trip to the peers.
        const checked = poll.choices.safeParse(choices);
        if (!checked.success) {
          throw invalidRequest(
            checked.error.issues.map((issue) => ({
              path: jsonPointer(issue.path, '/choices'),
              message: issue.message,
            })),
          );
        }
        let committed;
        try {
          committed = await ledger.castBallot(pollId, caller.residentId, choices, options);
        } catch (error: unknown) {
          if (
            error instanceof LedgerError &&
            error.failure.kind === 'invalid' &&
            error.failure.validationCode === 'MVCC_READ_CONFLICT'
          ) {
            throw await recheck(pollId, caller.residentId, error.failure.txId);
          }
          throw error;
        }
        const ballot = committed.value;
        if (poll.live) await countLive(ballot, committed.txId);
        return {
          pollId: ballot.pollId,
          residentId: ballot.residentId,
          ballotId: ballot.ballotId,
          choices: ballot.choices,
          txId: committed.txId,
          blockNumber: committed.blockNumber,
          recordedAt: ballot.recordedAt,
        };
      });
    },
    async receipt(txId): Promise<ReceiptCheck> {
      requireTxIdForm(txId);
      const tx = await ledger.getTransaction(txId);
      const cast = tx === undefined ? undefined : castBy(tx);
      if (tx === undefined || cast === undefined) {
        throw new ApiProblem('not-found', 'The ledger holds no ballot transaction with this ID.');
      }
      const valid = tx.validationCode === 'VALID';
      const latest = valid ? await currentBallot(ledger, cast.pollId, cast.residentId) : undefined;
      return {
        txId,
        valid,
        validationCode: tx.validationCode,
        blockNumber: tx.blockNumber,
        ...cast,
        recordedAt: tx.timestamp,
        superseded: valid && latest !== undefined && latest.txId !== txId,
      };
    },
    castOutcome(txId): Promise<PendingWrite<Receipt>> {
      return pendingWrite(ledger, txId, async (tx): Promise<Receipt> => {
        const cast = castBy(tx);
        if (cast === undefined) throw new Error('the transaction is not a ballot');
        // ballotId names the (poll, resident) pair and outlives re-votes, so the current ballot
        // supplies it even when a later re-vote superseded this one.
        const latest = await ledger.getBallot(cast.pollId, cast.residentId);
        if (latest.txId === txId) {
          // The same promise cast() keeps: a ballot answered 201 is already in the live counts.
          const poll = await ledger.getPoll(cast.pollId);
          if (poll.resultsVisibility === 'live') await countLive(latest, txId);
        }
        return {
          pollId: cast.pollId,
          residentId: cast.residentId,
          ballotId: latest.ballotId,
          choices: cast.choices,
          txId,
          blockNumber: tx.blockNumber,
          // The chaincode stamps recordedAt with the transaction's timestamp.
          recordedAt: tx.timestamp,
        };
      });
    },
  };
}
