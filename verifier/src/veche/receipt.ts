import { peer } from '@hyperledger/fabric-protos';
import type { Finding } from '../ledgerTransaction.js';
import { VECHE_CHECKS } from './replay.js';
import type { VecheSink } from './sink.js';

const CODE_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(peer.TxValidationCode).map(([name, code]) => [code, name]),
);

/** peer.TxValidationCode's name of a stored flag, e.g. MVCC_READ_CONFLICT. */
export function validationCodeName(code: number): string {
  return CODE_NAMES.get(code) ?? `UNKNOWN_CODE_${String(code)}`;
}

/**
 * counted: a valid ballot that is the resident's counted one. superseded: it was counted until a
 * later accepted re-vote replaced it. not-counted: valid, but written outside the open window or
 * against the poll's rules. invalid: the transaction is in a block but did not take effect.
 * not-a-ballot: a transaction that wrote no ballot. not-found: in no block read.
 */
export type ReceiptVerdict =
  'counted' | 'superseded' | 'not-counted' | 'invalid' | 'not-a-ballot' | 'not-found';

export interface ReceiptCheck {
  readonly held: boolean;
  readonly findings: readonly Finding[];
}

export interface ReceiptReport {
  readonly txId: string;
  readonly verdict: ReceiptVerdict;
  readonly block?: {
    readonly number: number;
    readonly txIndex: number;
    readonly timestamp: string;
    readonly creatorMsp: string;
    readonly function?: string;
  };
  /** The block's own checks: hash chain, data hash, orderer signatures (findings without a txId). */
  readonly blockChecks: ReceiptCheck;
  /**
   * The transaction's checks: creator signature, txId, endorsements, flag. Held when none of the
   * Fabric-level findings names it; its Veche findings (a ballot not counted) are listed too.
   */
  readonly transactionChecks: ReceiptCheck;
  readonly validation?: {
    readonly storedFlag: number;
    readonly storedName: string;
    readonly verifiedValid: boolean;
  };
  /** No personal details exist on a ballot: the pseudonym and the choices only. */
  readonly ballot?: {
    readonly pollId: string;
    readonly residentId: string;
    readonly ballotId: string;
    readonly choices: readonly string[];
    readonly revision: number;
    readonly recordedAt: string;
  };
  /** Why a valid ballot is not counted. */
  readonly rejection?: string;
  readonly supersededBy?: { readonly txId: string; readonly blockNumber: number };
  /** Later appearances of the same txId (a replay the peers must have marked invalid). */
  readonly duplicates: number;
  /** Findings of the whole run about other blocks: the receipt's block may be sound while they are not. */
  readonly findingsElsewhere: number;
}

function isVecheCheck(check: string): boolean {
  return (Object.values(VECHE_CHECKS) as string[]).includes(check);
}

/**
 * Proves a receipt from the blocks alone. `sink` must have been created with this txId in
 * receiptTxIds and fed every block; `findings` are every finding of the same run (the
 * Fabric-level pipeline's and the sink's), from which those about this block and this
 * transaction are picked.
 */
export function verifyReceipt(
  txId: string,
  sink: VecheSink,
  findings: readonly Finding[],
): ReceiptReport {
  const evidence = sink.receipt(txId);
  if (evidence === null) {
    throw new Error(`the Veche sink was not asked to watch transaction ${txId}`);
  }
  const [sighting, ...later] = evidence.sightings;
  if (sighting === undefined) {
    return {
      txId,
      verdict: 'not-found',
      blockChecks: { held: false, findings: [] },
      transactionChecks: { held: false, findings: [] },
      duplicates: 0,
      findingsElsewhere: findings.length,
    };
  }
  const fabric = findings.filter((finding) => !isVecheCheck(finding.check));
  const blockFindings = fabric.filter(
    (f) => f.blockNumber === sighting.blockNumber && f.txId === undefined,
  );
  const txFindings = findings.filter(
    (f) => f.blockNumber === sighting.blockNumber && f.txId === txId,
  );
  const elsewhere = findings.filter((f) => f.blockNumber !== sighting.blockNumber).length;
  const version = evidence.versions.find(
    (v) => v.at.txId === txId && v.at.blockNumber === sighting.blockNumber,
  );
  const record = sighting.ballot?.record;
  const verdict: ReceiptVerdict = !sighting.valid
    ? 'invalid'
    : record === undefined
      ? 'not-a-ballot'
      : version === undefined || !version.accepted
        ? 'not-counted'
        : version.supersededBy === undefined
          ? 'counted'
          : 'superseded';
  return {
    txId,
    verdict,
    block: {
      number: sighting.blockNumber,
      txIndex: sighting.txIndex,
      timestamp: sighting.timestamp.toISOString(),
      creatorMsp: sighting.creatorMsp,
      ...(sighting.function === undefined ? {} : { function: sighting.function }),
    },
    blockChecks: { held: blockFindings.length === 0, findings: blockFindings },
    transactionChecks: {
      held: txFindings.every((f) => isVecheCheck(f.check)),
      findings: txFindings,
    },
    validation: {
      storedFlag: sighting.storedFlag,
      storedName: validationCodeName(sighting.storedFlag),
      verifiedValid: sighting.valid,
    },
    ...(record === undefined
      ? {}
      : {
          ballot: {
            pollId: record.pollId,
            residentId: record.residentId,
            ballotId: record.ballotId,
            choices: record.choices,
            revision: record.revision,
            recordedAt: record.recordedAt,
          },
        }),
    ...(version?.rejection === undefined ? {} : { rejection: version.rejection }),
    ...(version?.supersededBy === undefined
      ? {}
      : {
          supersededBy: {
            txId: version.supersededBy.txId,
            blockNumber: version.supersededBy.blockNumber,
          },
        }),
    duplicates: later.length,
    findingsElsewhere: elsewhere,
  };
}

/** A receipt holds when its block and transaction pass every check and it recorded a ballot. */
export function receiptHolds(report: ReceiptReport): boolean {
  return (
    report.blockChecks.held &&
    report.transactionChecks.held &&
    report.validation?.storedName === 'VALID' &&
    report.validation.verifiedValid &&
    (report.verdict === 'counted' || report.verdict === 'superseded')
  );
}

const VERDICT_TEXT: Readonly<Record<ReceiptVerdict, string>> = {
  counted: 'a valid ballot, and the one counted for this resident',
  superseded: 'a valid ballot, superseded by a later re-vote (that one counts)',
  'not-counted': 'a valid transaction whose ballot is not counted',
  invalid: 'in a block, but invalid: it changed nothing',
  'not-a-ballot': 'a transaction that recorded no ballot',
  'not-found': 'in no block that was read',
};

function checkLine(name: string, check: ReceiptCheck): string[] {
  return [
    `${name}: ${check.held ? 'held' : 'FAILED'}`,
    ...check.findings.map((f) => `  - [${f.check}] ${f.message}`),
  ];
}

/** The human report of one receipt; `--json` prints the ReceiptReport itself. */
export function formatReceiptReport(report: ReceiptReport): string {
  const lines = [`Receipt ${report.txId}: ${VERDICT_TEXT[report.verdict]}`];
  const { block, validation, ballot } = report;
  if (block !== undefined) {
    lines.push(
      `block ${String(block.number)}, transaction ${String(block.txIndex)}, ${block.timestamp}, submitted by ${block.creatorMsp}${block.function === undefined ? '' : ` (${block.function})`}`,
      ...checkLine('block checks (hash chain, data hash, orderer signatures)', report.blockChecks),
      ...checkLine(
        'transaction checks (creator signature, txId, endorsements, flag)',
        report.transactionChecks,
      ),
    );
  }
  if (validation !== undefined) {
    lines.push(
      `validation flag: stored ${validation.storedName}, re-derived ${validation.verifiedValid ? 'VALID' : 'INVALID'}${(validation.storedName === 'VALID') === validation.verifiedValid ? '' : ' (DISAGREE)'}`,
    );
  }
  if (ballot !== undefined) {
    lines.push(
      `ballot ${ballot.ballotId} in poll ${ballot.pollId}, resident ${ballot.residentId}, revision ${String(ballot.revision)}, choices ${ballot.choices.join(', ')}, recorded ${ballot.recordedAt}`,
    );
  }
  if (report.rejection !== undefined) lines.push(`not counted: ${report.rejection}`);
  if (report.supersededBy !== undefined) {
    lines.push(
      `superseded by ${report.supersededBy.txId} in block ${String(report.supersededBy.blockNumber)}`,
    );
  }
  if (report.duplicates > 0) {
    lines.push(`the same txId appears ${String(report.duplicates)} more time(s) later`);
  }
  if (report.findingsElsewhere > 0) {
    lines.push(`${String(report.findingsElsewhere)} finding(s) about other blocks in this run`);
  }
  lines.push(`receipt ${receiptHolds(report) ? 'HOLDS' : 'DOES NOT HOLD'}`);
  return lines.join('\n');
}
