import { common, msp, peer } from '@hyperledger/fabric-protos';
import type { LedgerTransaction } from '../services/ledger.js';

const validationCodeNames = new Map<number, string>(
  Object.entries(peer.TxValidationCode).map(([name, code]) => [code, name]),
);

/** The peer.TxValidationCode name of a code, e.g. `MVCC_READ_CONFLICT`. */
export function validationCodeName(code: number): string {
  return validationCodeNames.get(code) ?? String(code);
}

/**
 * An endorser transaction as its envelope holds it. The envelope is the same whether the peers
 * later marked it VALID or not, so the validation code and block come from elsewhere.
 */
export type EnvelopeTransaction = Omit<LedgerTransaction, 'validationCode' | 'blockNumber'> & {
  /** The chaincode invoked, as named in the proposal. */
  readonly chaincode: string;
};

function mspOf(serializedIdentity: Uint8Array | string): string {
  return msp.SerializedIdentity.deserializeBinary(toBytes(serializedIdentity)).getMspid();
}

function toBytes(value: Uint8Array | string): Uint8Array {
  return typeof value === 'string' ? Buffer.from(value, 'base64') : value;
}

/** The chaincode's events are JSON objects (docs/chaincode-interface.md); anything else reads as {}. */
function eventPayload(bytes: Uint8Array): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function isoTime(channelHeader: common.ChannelHeader): string {
  // google-protobuf ships no types; the Timestamp message has exactly these accessors.
  const timestamp = channelHeader.getTimestamp() as unknown as
    { getSeconds(): number; getNanos(): number } | undefined;
  const time = new Date(
    (timestamp?.getSeconds() ?? 0) * 1000 + Math.floor((timestamp?.getNanos() ?? 0) / 1e6),
  );
  // The client chooses the timestamp and peers do not bound it; one beyond what a Date holds
  // must not make the transaction undecodable and drop it from the audit trail.
  return Number.isNaN(time.getTime()) ? new Date(0).toISOString() : time.toISOString();
}

/**
 * Decodes an envelope down to the chaincode call and its event, following Fabric's nesting
 * (Payload → Transaction → ChaincodeActionPayload → ChaincodeEndorsedAction →
 * ProposalResponsePayload → ChaincodeAction → ChaincodeEvent). The event is read from the
 * endorsed action, where it sits even when the transaction was invalidated. Answers undefined
 * for anything but an endorser transaction (config updates carry no chaincode call).
 */
export function decodeTransactionEnvelope(
  envelope: common.Envelope,
): EnvelopeTransaction | undefined {
  const payload = common.Payload.deserializeBinary(toBytes(envelope.getPayload()));
  const header = payload.getHeader();
  if (header === undefined) throw new Error('transaction without header');
  const channelHeader = common.ChannelHeader.deserializeBinary(toBytes(header.getChannelHeader()));
  if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) return undefined;
  const signatureHeader = common.SignatureHeader.deserializeBinary(
    toBytes(header.getSignatureHeader()),
  );
  const transaction = peer.Transaction.deserializeBinary(toBytes(payload.getData()));
  // Fabric validates an endorser transaction with exactly one action.
  const action = transaction.getActionsList()[0];
  if (action === undefined) throw new Error('transaction without action');
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(toBytes(action.getPayload()));
  const endorsed = actionPayload.getAction();
  const proposalPayload = peer.ChaincodeProposalPayload.deserializeBinary(
    toBytes(actionPayload.getChaincodeProposalPayload()),
  );
  const spec = peer.ChaincodeInvocationSpec.deserializeBinary(
    toBytes(proposalPayload.getInput()),
  ).getChaincodeSpec();
  const args = (spec?.getInput()?.getArgsList() ?? []).map((arg) =>
    Buffer.from(toBytes(arg)).toString('utf8'),
  );
  let event: LedgerTransaction['event'];
  if (endorsed !== undefined) {
    const response = peer.ProposalResponsePayload.deserializeBinary(
      toBytes(endorsed.getProposalResponsePayload()),
    );
    const chaincodeAction = peer.ChaincodeAction.deserializeBinary(
      toBytes(response.getExtension$()),
    );
    const eventBytes = toBytes(chaincodeAction.getEvents());
    if (eventBytes.length > 0) {
      const chaincodeEvent = peer.ChaincodeEvent.deserializeBinary(eventBytes);
      event = {
        name: chaincodeEvent.getEventName(),
        payload: eventPayload(toBytes(chaincodeEvent.getPayload())),
      };
    }
  }
  return {
    txId: channelHeader.getTxId(),
    timestamp: isoTime(channelHeader),
    mspId: mspOf(signatureHeader.getCreator()),
    endorsers: (endorsed?.getEndorsementsList() ?? []).map((endorsement) =>
      mspOf(endorsement.getEndorser()),
    ),
    chaincode: spec?.getChaincodeId()?.getName() ?? '',
    function: args[0] ?? '',
    args: args.slice(1),
    ...(event === undefined ? {} : { event }),
  };
}

/**
 * Decodes qscc's ProcessedTransaction: validation code, submitter and endorser MSPs, the
 * function and arguments called, and the chaincode event. Reads only what the ledger holds,
 * never the gateway's own records, so a receipt check proves something. Undefined for a
 * transaction that is not a call of `chaincode` (a configuration update, another chaincode):
 * for the gateway's questions the ledger holds no such transaction.
 */
export function decodeProcessedTransaction(
  bytes: Uint8Array,
  blockNumber: number,
  chaincode: string,
): LedgerTransaction | undefined {
  const processed = peer.ProcessedTransaction.deserializeBinary(bytes);
  const envelope = processed.getTransactionenvelope();
  if (envelope === undefined) return undefined;
  const transaction = decodeTransactionEnvelope(envelope);
  if (transaction === undefined || transaction.chaincode !== chaincode) return undefined;
  return {
    txId: transaction.txId,
    validationCode: validationCodeName(processed.getValidationcode()),
    blockNumber,
    timestamp: transaction.timestamp,
    mspId: transaction.mspId,
    endorsers: transaction.endorsers,
    function: transaction.function,
    args: transaction.args,
    ...(transaction.event === undefined ? {} : { event: transaction.event }),
  };
}

/** The height (number of blocks) in qscc's GetChainInfo answer. */
export function decodeChainHeight(bytes: Uint8Array): number {
  return common.BlockchainInfo.deserializeBinary(bytes).getHeight();
}

/** qscc's GetChainInfo answer: the height and the newest block's header hash, in hex. */
export function decodeChainInfo(bytes: Uint8Array): { height: number; currentBlockHash: string } {
  const info = common.BlockchainInfo.deserializeBinary(bytes);
  return {
    height: info.getHeight(),
    currentBlockHash: Buffer.from(info.getCurrentblockhash_asU8()).toString('hex'),
  };
}

export function decodeBlockNumber(bytes: Uint8Array): number {
  return common.Block.deserializeBinary(bytes).getHeader()?.getNumber() ?? 0;
}
