import type {
  Finding,
  KeyWrite,
  TransactionSink,
  VerifiedTransaction,
} from '../ledgerTransaction.js';
import { parseVecheKey, type VecheKey } from './keys.js';
import {
  ballotRecordSchema,
  parseRecord,
  pollRecordSchema,
  shardTallyRecordSchema,
  tallyRecordSchema,
  type BallotRecord,
} from './records.js';
import {
  createVecheReplay,
  VECHE_CHECKS,
  type BallotVersion,
  type PollResult,
  type TxRef,
} from './replay.js';

/** peer.TxValidationCode.VALID: what the storing peer writes for a transaction it accepted. */
const STORED_VALID = 0;
const TALLY_KINDS: ReadonlySet<VecheKey['kind']> = new Set(['tally', 'shardTally']);

export interface VecheSinkOptions {
  /** The Veche chaincode's name, which is its namespace on the channel; `veche` by default. */
  readonly chaincode?: string;
  /** A transaction whose receipt will be asked for (the CLI's --receipt). */
  readonly receipt?: string;
  /** More of them: the sink remembers where it saw each. */
  readonly receiptTxIds?: readonly string[];
}

/** A watched transaction as it appeared in a block, valid or not. */
export interface TxSighting {
  readonly blockNumber: number;
  readonly txIndex: number;
  readonly txId: string;
  readonly timestamp: Date;
  readonly creatorMsp: string;
  readonly valid: boolean;
  readonly storedFlag: number;
  /** `<contract>:<Transaction>` of the invocation, when the proposal named one. */
  readonly function?: string;
  /** The ballot it wrote in the Veche namespace, if it wrote one. */
  readonly ballot?: {
    readonly key: { pollId: string; residentId: string };
    readonly record: BallotRecord;
  };
  /** Why a ballot key it wrote could not be read as a ballot. */
  readonly unreadableBallot?: string;
}

/** What a receipt check needs from the replay: where the transaction was and its ballot's story. */
export interface ReceiptEvidence {
  /** Every block position where the transaction ID appeared (a replayed ID shows twice). */
  readonly sightings: readonly TxSighting[];
  /** Every version of the ballot's (poll, resident) key the replay saw, in ledger order. */
  readonly versions: readonly BallotVersion[];
}

export interface VecheSink extends TransactionSink {
  /** Every poll seen, with its recount and the ledger's final tally. Call after the last block. */
  results(): PollResult[];
  /** The evidence for a transaction given in receiptTxIds; null when it was not given. */
  receipt(txId: string): ReceiptEvidence | null;
}

function refOf(tx: VerifiedTransaction): TxRef {
  return {
    blockNumber: tx.blockNumber,
    txIndex: tx.txIndex,
    txId: tx.txId,
    timestamp: tx.timestamp,
  };
}

/** Writes paired with what their keys name; polls before ballots before tallies. */
function vecheWrites(writes: readonly KeyWrite[]): { write: KeyWrite; key: VecheKey }[] {
  const order: Record<VecheKey['kind'], number> = {
    poll: 0,
    ballot: 1,
    shardTally: 2,
    tally: 3,
    malformed: 4,
    other: 5,
  };
  return writes
    .map((write) => ({ write, key: parseVecheKey(write.key) }))
    .filter(({ key }) => key.kind !== 'other')
    .sort((a, b) => order[a.key.kind] - order[b.key.kind]);
}

function functionOf(tx: VerifiedTransaction): string | undefined {
  const name = tx.invocation?.args[0];
  return name === undefined ? undefined : Buffer.from(name).toString('utf8');
}

/**
 * The Veche checks of the verifier: replays Veche's state from the write sets of the
 * transactions the pipeline found valid (never the peers' state database or the chaincode's
 * answers), recounts every poll and compares the count with the final tally on the ledger.
 * Invalid transactions change nothing, except that a final tally the peer stored as VALID is
 * still compared: it is what the peers serve as the result.
 */
export function createVecheSink(options: VecheSinkOptions = {}): VecheSink {
  const namespace = options.chaincode ?? 'veche';
  const watched = new Set([
    ...(options.receiptTxIds ?? []),
    ...(options.receipt === undefined ? [] : [options.receipt]),
  ]);
  const sightings = new Map<string, TxSighting[]>();
  const replay = createVecheReplay();

  function remember(tx: VerifiedTransaction, writes: readonly KeyWrite[]): void {
    let ballot: TxSighting['ballot'];
    let unreadableBallot: string | undefined;
    for (const { write, key } of vecheWrites(writes)) {
      if (key.kind !== 'ballot' || write.isDelete) continue;
      const parsed = parseRecord(write.value, ballotRecordSchema);
      if (parsed.ok) {
        ballot = { key: { pollId: key.pollId, residentId: key.residentId }, record: parsed.value };
      } else {
        unreadableBallot = parsed.reason;
      }
    }
    const fn = functionOf(tx);
    const list = sightings.get(tx.txId) ?? [];
    list.push({
      blockNumber: tx.blockNumber,
      txIndex: tx.txIndex,
      txId: tx.txId,
      timestamp: tx.timestamp,
      creatorMsp: tx.creatorMsp,
      valid: tx.valid,
      storedFlag: tx.storedFlag,
      ...(fn === undefined ? {} : { function: fn }),
      ...(ballot === undefined ? {} : { ballot }),
      ...(unreadableBallot === undefined ? {} : { unreadableBallot }),
    });
    sightings.set(tx.txId, list);
  }

  function replayWrites(tx: VerifiedTransaction, writes: readonly KeyWrite[]): void {
    const at = refOf(tx);
    for (const { write, key } of vecheWrites(writes)) {
      if (key.kind === 'malformed') {
        replay.report(
          at,
          VECHE_CHECKS.record,
          `a ${key.objectType} key without the chaincode's layout`,
        );
        continue;
      }
      if (key.kind === 'other') continue;
      if (write.isDelete) {
        // The chaincode never deletes a poll, a ballot or a tally: a delete would drop a ballot
        // from the count without leaving a value to check.
        replay.report(at, VECHE_CHECKS.record, `the ${key.kind} of poll ${key.pollId} was deleted`);
        continue;
      }
      if (key.kind === 'poll') {
        const parsed = parseRecord(write.value, pollRecordSchema);
        if (parsed.ok) replay.applyPoll(at, key.pollId, parsed.value);
        else replay.report(at, VECHE_CHECKS.record, `poll ${key.pollId}: ${parsed.reason}`);
      } else if (key.kind === 'ballot') {
        const parsed = parseRecord(write.value, ballotRecordSchema);
        if (parsed.ok) replay.applyBallot(at, key, parsed.value);
        else
          replay.report(
            at,
            VECHE_CHECKS.record,
            `ballot of resident ${key.residentId} in poll ${key.pollId}: ${parsed.reason}`,
          );
      } else if (key.kind === 'shardTally') {
        const parsed = parseRecord(write.value, shardTallyRecordSchema);
        if (parsed.ok) replay.applyShardTally(at, key, parsed.value, tx.valid);
        else
          replay.report(
            at,
            VECHE_CHECKS.record,
            `shard ${String(key.shard)} tally of poll ${key.pollId}: ${parsed.reason}`,
          );
      } else {
        const parsed = parseRecord(write.value, tallyRecordSchema);
        if (parsed.ok) replay.applyFinalTally(at, key.pollId, parsed.value, tx.valid);
        else
          replay.report(
            at,
            VECHE_CHECKS.record,
            `final tally of poll ${key.pollId}: ${parsed.reason}`,
          );
      }
    }
  }

  return {
    onTransaction(tx: VerifiedTransaction): void {
      const writes = tx.namespaces
        .filter((ns) => ns.namespace === namespace)
        .flatMap((ns) => ns.writes);
      if (watched.has(tx.txId)) {
        remember(tx, writes);
      }
      if (tx.valid) {
        replayWrites(tx, writes);
      } else if (tx.storedFlag === STORED_VALID) {
        // Only its tallies: the peers applied this transaction, so its numbers are what they
        // serve as the result, and the comparison must see them.
        replayWrites(
          tx,
          writes.filter((write) => TALLY_KINDS.has(parseVecheKey(write.key).kind)),
        );
      }
    },
    finish(): Finding[] {
      return replay.findings();
    },
    results(): PollResult[] {
      return replay.results();
    },
    receipt(txId: string): ReceiptEvidence | null {
      if (!watched.has(txId)) return null;
      const seen = sightings.get(txId) ?? [];
      const ballot = seen.find((sighting) => sighting.ballot !== undefined)?.ballot;
      return {
        sightings: seen,
        versions:
          ballot === undefined
            ? []
            : replay.ballotVersions(ballot.key.pollId, ballot.key.residentId),
      };
    },
  };
}
