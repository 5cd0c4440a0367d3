import { ledgerEventSchema } from '@veche/common';
import { common, peer } from '@hyperledger/fabric-protos';
import type { AuditBlock, AuditRecord, CountedBallot } from '../services/ledger.js';
import type { AuditEvent } from '../validation/schemas.js';
import {
  decodeTransactionEnvelope,
  validationCodeName,
  type EnvelopeTransaction,
} from './transactions.js';

const actors = new Set<string>(['resident', 'official', 'system'] satisfies AuditEvent['actor'][]);

function isBytes(block: common.Block | Uint8Array): block is Uint8Array {
  // ArrayBuffer.isView, not instanceof: a Buffer from another realm is still bytes.
  return ArrayBuffer.isView(block);
}

function decodeEnvelope(bytes: Uint8Array): EnvelopeTransaction | undefined {
  try {
    return decodeTransactionEnvelope(common.Envelope.deserializeBinary(bytes));
  } catch {
    // A malformed envelope (the peers mark it BAD_PAYLOAD and the like) names no chaincode, so
    // it cannot be attributed to veche; one such entry must not stop the trail.
    return undefined;
  }
}

function text(payload: Record<string, unknown>, key: string): string | undefined {
  const value = payload[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Only the AuditEvent fields are copied out of the chaincode event: a ballot's choices and
 * anything else the payload carries stay out of the trail.
 */
function auditEvent(
  transaction: EnvelopeTransaction,
  blockNumber: number,
  validationCode: string,
): AuditEvent {
  const payload = transaction.event?.payload ?? {};
  const actor = text(payload, 'actor');
  const actorId = text(payload, 'actorId');
  const pollId = text(payload, 'pollId');
  const residentId = text(payload, 'residentId');
  return {
    txId: transaction.txId,
    blockNumber,
    timestamp: transaction.timestamp,
    validationCode,
    mspId: transaction.mspId,
    endorsers: transaction.endorsers,
    // A read submitted as a transaction sets no event; its function is all there is to name it.
    action: text(payload, 'action') ?? transaction.event?.name ?? transaction.function,
    actor: actor !== undefined && actors.has(actor) ? (actor as AuditEvent['actor']) : 'system',
    ...(actorId === undefined ? {} : { actorId }),
    ...(pollId === undefined ? {} : { pollId }),
    ...(residentId === undefined ? {} : { residentId }),
  };
}

/** The ballot a VALID BallotCast committed, as the live counts need it; else undefined. */
function countedBallot(
  transaction: EnvelopeTransaction,
  validationCode: string,
): CountedBallot | undefined {
  if (validationCode !== 'VALID' || transaction.event?.name !== 'BallotCast') return undefined;
  const parsed = ledgerEventSchema.safeParse(transaction.event.payload);
  if (!parsed.success) return undefined;
  const { action, pollId, residentId, revision, choices } = parsed.data;
  if (
    action !== 'BallotCast' ||
    pollId === undefined ||
    residentId === undefined ||
    revision === undefined ||
    choices === undefined
  ) {
    return undefined;
  }
  return { pollId, residentId, revision, choices };
}

/**
 * Reduces a committed block (as the peer's deliver service sends it) to the transactions of
 * `chaincode`, each with its validation code from the block's TRANSACTIONS_FILTER metadata,
 * which holds one peer.TxValidationCode byte per envelope, by index. Config transactions and
 * other chaincodes' transactions are left out.
 */
export function decodeBlock(block: common.Block | Uint8Array, chaincode: string): AuditBlock {
  const decoded = isBytes(block) ? common.Block.deserializeBinary(block) : block;
  const header = decoded.getHeader();
  if (header === undefined) throw new Error('block without header');
  const blockNumber = header.getNumber();
  const filter = decoded.getMetadata()?.getMetadataList_asU8()[
    common.BlockMetadataIndex.TRANSACTIONS_FILTER
  ];
  const records: AuditRecord[] = [];
  (decoded.getData()?.getDataList_asU8() ?? []).forEach((bytes, txIndex) => {
    const transaction = decodeEnvelope(bytes);
    if (transaction?.chaincode !== chaincode) return;
    const code = validationCodeName(filter?.[txIndex] ?? peer.TxValidationCode.NOT_VALIDATED);
    const ballot = countedBallot(transaction, code);
    records.push({
      txIndex,
      event: auditEvent(transaction, blockNumber, code),
      ...(ballot === undefined ? {} : { ballot }),
    });
  });
  return { blockNumber, records };
}
