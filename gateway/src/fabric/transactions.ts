import { common, msp, peer } from '@hyperledger/fabric-protos';
import type { LedgerTransaction } from '../services/ledger.js';

const validationCodeNames = new Map<number, string>(
  Object.entries(peer.TxValidationCode).map(([name, code]) => [code, name]),
);

function mspOf(serializedIdentity: Uint8Array | string): string {
  return msp.SerializedIdentity.deserializeBinary(toBytes(serializedIdentity)).getMspid();
}

function toBytes(value: Uint8Array | string): Uint8Array {
  return typeof value === 'string' ? Buffer.from(value, 'base64') : value;
}

/**
 * Decodes qscc's ProcessedTransaction: validation code, submitter and endorser MSPs, the
 * function and arguments called, and the chaincode event. Reads only what the ledger holds,
 * never the gateway's own records, so a receipt check proves something.
 */
export function decodeProcessedTransaction(
  bytes: Uint8Array,
  blockNumber: number,
): LedgerTransaction {
  const processed = peer.ProcessedTransaction.deserializeBinary(bytes);
  const envelope = processed.getTransactionenvelope();
  if (envelope === undefined) throw new Error('transaction without envelope');
  const payload = common.Payload.deserializeBinary(toBytes(envelope.getPayload()));
  const header = payload.getHeader();
  if (header === undefined) throw new Error('transaction without header');
  const channelHeader = common.ChannelHeader.deserializeBinary(toBytes(header.getChannelHeader()));
  const signatureHeader = common.SignatureHeader.deserializeBinary(
    toBytes(header.getSignatureHeader()),
  );
  const transaction = peer.Transaction.deserializeBinary(toBytes(payload.getData()));
  const action = transaction.getActionsList()[0];
  if (action === undefined) throw new Error('transaction without action');
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(toBytes(action.getPayload()));
  const endorsed = actionPayload.getAction();
  const proposalPayload = peer.ChaincodeProposalPayload.deserializeBinary(
    toBytes(actionPayload.getChaincodeProposalPayload()),
  );
  const invocation = peer.ChaincodeInvocationSpec.deserializeBinary(
    toBytes(proposalPayload.getInput()),
  );
  const args = (invocation.getChaincodeSpec()?.getInput()?.getArgsList() ?? []).map((arg) =>
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
        payload: JSON.parse(
          Buffer.from(toBytes(chaincodeEvent.getPayload())).toString('utf8'),
        ) as Record<string, unknown>,
      };
    }
  }
  // google-protobuf ships no types; the Timestamp message has exactly these accessors.
  const timestamp = channelHeader.getTimestamp() as unknown as
    { getSeconds(): number; getNanos(): number } | undefined;
  return {
    txId: channelHeader.getTxId(),
    validationCode:
      validationCodeNames.get(processed.getValidationcode()) ??
      String(processed.getValidationcode()),
    blockNumber,
    timestamp: new Date(
      (timestamp?.getSeconds() ?? 0) * 1000 + Math.floor((timestamp?.getNanos() ?? 0) / 1e6),
    ).toISOString(),
    mspId: mspOf(signatureHeader.getCreator()),
    endorsers: (endorsed?.getEndorsementsList() ?? []).map((endorsement) =>
      mspOf(endorsement.getEndorser()),
    ),
    function: args[0] ?? '',
    args: args.slice(1),
    ...(event === undefined ? {} : { event }),
  };
}

export function decodeBlockNumber(bytes: Uint8Array): number {
  return common.Block.deserializeBinary(bytes).getHeader()?.getNumber() ?? 0;
}
