import { ballotChoicesFor, canonicalJson } from '@veche/common';
import type { Finding } from '../ledgerTransaction.js';
import type {
  BallotRecord,
  PollRecord,
  PollStatus,
  ShardTallyRecord,
  TallyRecord,
} from './records.js';
import { countBallots, countDifferences, type OptionCounts } from './tallyCount.js';

/** Where a write happened: a transaction the verifier found valid, in ledger order. */
export interface TxRef {
  readonly blockNumber: number;
  readonly txIndex: number;
  readonly txId: string;
  /** The submitter's timestamp, which the chaincode judged the poll window by. */
  readonly timestamp: Date;
}

export const VECHE_CHECKS = {
  record: 'veche-record',
  poll: 'veche-poll',
  ballot: 'veche-ballot',
  tally: 'veche-tally',
} as const;
export type VecheCheck = (typeof VECHE_CHECKS)[keyof typeof VECHE_CHECKS];

/** One ballot as it was written, and what the replay made of it. */
export interface BallotVersion {
  readonly at: TxRef;
  readonly ballot: BallotRecord;
  /** Whether it was the resident's counted ballot when it was written. */
  readonly accepted: boolean;
  /** Why it was not accepted (outside the window, choices that do not fit the poll, ...). */
  readonly rejection?: string;
  /** The later accepted ballot of the same resident in the same poll that replaced it. */
  readonly supersededBy?: TxRef;
}

/** The final tally the chaincode wrote on the ledger at close. */
export interface LedgerTally {
  readonly at: TxRef;
  readonly tally: TallyRecord;
  /**
   * False when the storing peer marked the transaction VALID but the verifier's own checks did
   * not: the tally the peers serve, from a transaction that should not have counted.
   */
  readonly verifiedValid: boolean;
}

export interface PollResult {
  readonly pollId: string;
  readonly status: PollStatus;
  readonly created: TxRef;
  readonly opened?: TxRef;
  readonly closed?: TxRef;
  /** The last accepted ballot: the newest block the recomputed counts depend on. */
  readonly lastBallot?: TxRef;
  /** The result recomputed from the accepted ballots: one per resident, the last one. */
  readonly recomputed: OptionCounts;
  readonly ledgerTally?: LedgerTally;
  /** Whether the ledger's final tally equals the recount; null while there is none. */
  readonly tallyMatches: boolean | null;
}

/**
 * Veche's state replayed from write sets: polls, every resident's ballots and which one counts,
 * and the final tallies. It applies DESIGN.md's rules by itself (one counted ballot per resident,
 * the last accepted re-vote counts, only ballots written while the poll is open and within
 * opensAt ≤ time < closesAt) and never asks a peer or the chaincode. It knows nothing of Fabric:
 * the sink turns transactions into these calls.
 */
export interface VecheReplay {
  applyPoll(at: TxRef, pollId: string, poll: PollRecord): void;
  applyBallot(
    at: TxRef,
    key: { pollId: string; shard: number; residentId: string },
    ballot: BallotRecord,
  ): void;
  /**
   * A shard's tally progress: checked at once against the accepted ballots of that shard up to
   * its lastResidentId (in key order), which are what the chunks before it counted.
   */
  applyShardTally(
    at: TxRef,
    key: { pollId: string; shard: number },
    progress: ShardTallyRecord,
    verifiedValid: boolean,
  ): void;
  applyFinalTally(at: TxRef, pollId: string, tally: TallyRecord, verifiedValid: boolean): void;
  /** A problem the caller found in a write (undecodable value, a delete the chaincode never does). */
  report(at: TxRef, check: VecheCheck, message: string): void;
  /** Every ballot write of a resident in a poll, in ledger order. */
  ballotVersions(pollId: string, residentId: string): readonly BallotVersion[];
  results(): PollResult[];
  /** Problems found while replaying, then one per final tally that differs from the recount. */
  findings(): Finding[];
}

interface MutableBallotVersion {
  at: TxRef;
  shard: number;
  ballot: BallotRecord;
  accepted: boolean;
  rejection?: string;
  supersededBy?: TxRef;
}

interface PollState {
  poll: PollRecord;
  created: TxRef;
  opened?: TxRef;
  closed?: TxRef;
  lastBallot?: TxRef;
  versions: Map<string, MutableBallotVersion[]>;
  counted: Map<string, MutableBallotVersion>;
  finalTally?: LedgerTally;
}

const TRANSITIONS: Readonly<Record<PollStatus, PollStatus | null>> = {
  draft: 'open',
  open: 'closed',
  closed: null,
};

/** The poll without its status: what no transition may change. */
function definitionOf(poll: PollRecord): string {
  const definition: Partial<PollRecord> = { ...poll };
  delete definition.status;
  return canonicalJson(definition);
}

/** Same rule as the chaincode's isAcceptingBallots, judged from the replayed poll. */
function windowRejection(poll: PollRecord, at: TxRef): string | null {
  if (poll.status !== 'open') {
    return `the poll was ${poll.status}`;
  }
  const time = at.timestamp.getTime();
  if (time < Date.parse(poll.opensAt) || time >= Date.parse(poll.closesAt)) {
    return `its time ${at.timestamp.toISOString()} is outside the window ${poll.opensAt} to ${poll.closesAt}`;
  }
  return null;
}

function choicesRejection(poll: PollRecord, choices: readonly string[]): string | null {
  const result = ballotChoicesFor(poll).safeParse(choices);
  return result.success
    ? null
    : `its choices do not fit the poll (${result.error.issues[0]?.message ?? 'invalid'})`;
}

export function createVecheReplay(): VecheReplay {
  const polls = new Map<string, PollState>();
  const problems: Finding[] = [];

  function report(at: TxRef, check: VecheCheck, message: string): void {
    problems.push({ check, blockNumber: at.blockNumber, txId: at.txId, message });
  }

  function applyPoll(at: TxRef, pollId: string, poll: PollRecord): void {
    if (poll.pollId !== pollId) {
      report(at, VECHE_CHECKS.poll, `poll key ${pollId} holds poll ${poll.pollId}`);
      return;
    }
    const state = polls.get(pollId);
    if (state === undefined) {
      if (poll.status !== 'draft') {
        report(at, VECHE_CHECKS.poll, `poll ${pollId} was created ${poll.status}, not draft`);
      }
      const created: PollState = { poll, created: at, versions: new Map(), counted: new Map() };
      if (poll.status === 'open') created.opened = at;
      if (poll.status === 'closed') created.closed = at;
      polls.set(pollId, created);
      return;
    }
    if (definitionOf(state.poll) !== definitionOf(poll)) {
      report(at, VECHE_CHECKS.poll, `poll ${pollId}'s definition changed after its creation`);
    }
    if (poll.status !== state.poll.status) {
      if (TRANSITIONS[state.poll.status] !== poll.status) {
        report(
          at,
          VECHE_CHECKS.poll,
          `poll ${pollId} went from ${state.poll.status} to ${poll.status}`,
        );
      }
      if (poll.status === 'open') state.opened = at;
      if (poll.status === 'closed') state.closed = at;
    }
    // The ledger's state is what later transactions were checked against, so it is followed
    // even where a finding says it should not have been written.
    state.poll = poll;
  }

  function applyBallot(
    at: TxRef,
    key: { pollId: string; shard: number; residentId: string },
    ballot: BallotRecord,
  ): void {
    const state = polls.get(key.pollId);
    if (state === undefined) {
      report(at, VECHE_CHECKS.ballot, `ballot in poll ${key.pollId}, which was never created`);
      return;
    }
    const history = state.versions.get(key.residentId) ?? [];
    state.versions.set(key.residentId, history);
    const previous = state.counted.get(key.residentId);
    const rejection =
      ballot.pollId !== key.pollId || ballot.residentId !== key.residentId
        ? `the ballot names poll ${ballot.pollId} and resident ${ballot.residentId}, not its key's`
        : ballot.txId !== at.txId
          ? `the ballot names transaction ${ballot.txId}, not the one that wrote it`
          : (windowRejection(state.poll, at) ??
            choicesRejection(state.poll, ballot.choices) ??
            (previous !== undefined && !state.poll.allowRevote
              ? `a second ballot where re-voting is off (the first is ${previous.at.txId})`
              : null));
    const version: MutableBallotVersion = {
      at,
      shard: key.shard,
      ballot,
      accepted: rejection === null,
    };
    history.push(version);
    if (rejection !== null) {
      version.rejection = rejection;
      report(
        at,
        VECHE_CHECKS.ballot,
        `ballot of resident ${key.residentId} in poll ${key.pollId} is not counted: ${rejection}`,
      );
      return;
    }
    const expectedRevision = (history.length > 1 ? (history.at(-2)?.ballot.revision ?? 0) : 0) + 1;
    if (ballot.revision !== expectedRevision) {
      report(
        at,
        VECHE_CHECKS.ballot,
        `ballot of resident ${key.residentId} in poll ${key.pollId} has revision ${String(ballot.revision)}, expected ${String(expectedRevision)}`,
      );
    }
    if (previous !== undefined) {
      previous.supersededBy = at;
    }
    state.counted.set(key.residentId, version);
    state.lastBallot = at;
  }

  function applyShardTally(
    at: TxRef,
    key: { pollId: string; shard: number },
    progress: ShardTallyRecord,
    verifiedValid: boolean,
  ): void {
    const state = polls.get(key.pollId);
    if (state === undefined || progress.pollId !== key.pollId || progress.shard !== key.shard) {
      report(
        at,
        VECHE_CHECKS.tally,
        `shard ${String(key.shard)} tally that does not match its poll`,
      );
      return;
    }
    if (verifiedValid && state.poll.status !== 'closed') {
      report(
        at,
        VECHE_CHECKS.tally,
        `shard ${String(key.shard)} of poll ${key.pollId} tallied while it is ${state.poll.status}`,
      );
    }
    const last = progress.lastResidentId;
    const counted = [...state.counted.entries()]
      .filter(
        ([residentId, version]) =>
          version.shard === key.shard && last !== null && residentId <= last,
      )
      .map(([, version]) => version.ballot.choices);
    const differences = countDifferences(countBallots(state.poll.options, counted), progress);
    if (differences.length > 0) {
      report(
        at,
        VECHE_CHECKS.tally,
        `shard ${String(key.shard)} tally of poll ${key.pollId} differs from the recount of its ballots${last === null ? '' : ` up to resident ${last}`} (recomputed ≠ ledger): ${differences.join(', ')}${verifiedValid ? '' : '; the peer stored this transaction as VALID but it fails the verifier’s checks'}`,
      );
    }
  }

  function applyFinalTally(
    at: TxRef,
    pollId: string,
    tally: TallyRecord,
    verifiedValid: boolean,
  ): void {
    const state = polls.get(pollId);
    if (state === undefined || tally.pollId !== pollId) {
      report(at, VECHE_CHECKS.tally, `final tally for poll ${pollId}, which was never created`);
      return;
    }
    if (verifiedValid && state.poll.status !== 'closed') {
      report(
        at,
        VECHE_CHECKS.tally,
        `final tally of poll ${pollId} while it is ${state.poll.status}`,
      );
    }
    if (state.finalTally?.verifiedValid === true) {
      report(at, VECHE_CHECKS.tally, `a second final tally of poll ${pollId}`);
      return;
    }
    state.finalTally = { at, tally, verifiedValid };
  }

  function resultOf(pollId: string, state: PollState): PollResult {
    const recomputed = countBallots(
      state.poll.options,
      [...state.counted.values()].map(({ ballot }) => ballot.choices),
    );
    const tally = state.finalTally?.tally;
    return {
      pollId,
      status: state.poll.status,
      created: state.created,
      ...(state.opened === undefined ? {} : { opened: state.opened }),
      ...(state.closed === undefined ? {} : { closed: state.closed }),
      ...(state.lastBallot === undefined ? {} : { lastBallot: state.lastBallot }),
      recomputed,
      ...(state.finalTally === undefined ? {} : { ledgerTally: state.finalTally }),
      tallyMatches: tally === undefined ? null : countDifferences(recomputed, tally).length === 0,
    };
  }

  return {
    applyPoll,
    applyBallot,
    applyShardTally,
    applyFinalTally,
    report,
    ballotVersions(pollId, residentId) {
      return polls.get(pollId)?.versions.get(residentId) ?? [];
    },
    results() {
      return [...polls.entries()].map(([pollId, state]) => resultOf(pollId, state));
    },
    findings() {
      const mismatches: Finding[] = [];
      for (const [pollId, state] of polls) {
        const ledger = state.finalTally;
        if (ledger === undefined) continue;
        const differences = countDifferences(resultOf(pollId, state).recomputed, ledger.tally);
        if (differences.length > 0) {
          mismatches.push({
            check: VECHE_CHECKS.tally,
            blockNumber: ledger.at.blockNumber,
            txId: ledger.at.txId,
            message: `final tally of poll ${pollId} differs from the recount of its ballots (recomputed ≠ ledger): ${differences.join(', ')}${ledger.verifiedValid ? '' : '; the peer stored this transaction as VALID but it fails the verifier’s checks'}`,
          });
        }
      }
      return [...problems, ...mismatches];
    },
  };
}
