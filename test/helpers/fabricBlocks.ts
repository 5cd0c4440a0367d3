import { createRequire } from 'node:module';
import { join } from 'node:path';
import { common, msp, peer } from '@hyperledger/fabric-protos';

// The very module fabric-protos builds its messages with (required, as it is CommonJS), so
// ChannelHeader.setTimestamp takes its Timestamp.
const { Timestamp } = createRequire(join(process.cwd(), 'package.json'))(
  'google-protobuf/google/protobuf/timestamp_pb.js',
) as typeof import('google-protobuf/google/protobuf/timestamp_pb.js');

export const channel = 'civic';

// Every builder returns bytes, never message objects: each copy of fabric-protos in the process
// registers its classes on one global `proto` namespace, so objects of one copy may meet the
// class checks of another; bytes are what the peer sends anyway.

/** What one envelope of a test block holds. */
export interface TxSpec {
  readonly txId: string;
  /** The channel header's timestamp. */
  readonly time: string;
  /** Submitter's MSP. */
  readonly mspId: string;
  readonly endorsers?: readonly string[];
  readonly chaincode?: string;
  readonly args: readonly string[];
  /** The chaincode event; its payload is serialised as JSON, as the chaincode does. */
  readonly event?: { readonly name: string; readonly payload: Record<string, unknown> };
}

function identity(mspId: string): Uint8Array {
  const id = new msp.SerializedIdentity();
  id.setMspid(mspId);
  id.setIdBytes(Buffer.from(`-----BEGIN CERTIFICATE-----\n${mspId}\n-----END CERTIFICATE-----\n`));
  return id.serializeBinary();
}

function channelHeader(type: number, txId: string, time: string): Uint8Array {
  const millis = Date.parse(time);
  const timestamp = new Timestamp();
  timestamp.setSeconds(Math.floor(millis / 1000));
  timestamp.setNanos((millis % 1000) * 1e6);
  const header = new common.ChannelHeader();
  header.setType(type);
  header.setChannelId(channel);
  header.setTxId(txId);
  header.setTimestamp(timestamp);
  return header.serializeBinary();
}

function signatureHeader(mspId: string): Uint8Array {
  const header = new common.SignatureHeader();
  header.setCreator(identity(mspId));
  header.setNonce(Buffer.from('nonce'));
  return header.serializeBinary();
}

function envelopeOf(channelHeaderBytes: Uint8Array, mspId: string, data: Uint8Array): Uint8Array {
  const header = new common.Header();
  header.setChannelHeader(channelHeaderBytes);
  header.setSignatureHeader(signatureHeader(mspId));
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(data);
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  envelope.setSignature(Buffer.from('signature'));
  return envelope.serializeBinary();
}

function chaincodeId(name: string): peer.ChaincodeID {
  const id = new peer.ChaincodeID();
  id.setName(name);
  return id;
}

/**
 * An endorser transaction nested exactly as Fabric's protoutil assembles it from a proposal and
 * its responses: Envelope → Payload{Header, Transaction} → TransactionAction →
 * ChaincodeActionPayload{ChaincodeProposalPayload{ChaincodeInvocationSpec}, ChaincodeEndorsedAction
 * {ProposalResponsePayload{ChaincodeAction{ChaincodeEvent}}, Endorsements}}.
 */
export function endorserTransaction(spec: TxSpec): Uint8Array {
  const name = spec.chaincode ?? 'veche';
  const input = new peer.ChaincodeInput();
  input.setArgsList(spec.args.map((arg) => Buffer.from(arg, 'utf8')));
  const chaincodeSpec = new peer.ChaincodeSpec();
  chaincodeSpec.setType(peer.ChaincodeSpec.Type.NODE);
  chaincodeSpec.setChaincodeId(chaincodeId(name));
  chaincodeSpec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(chaincodeSpec);
  const proposalPayload = new peer.ChaincodeProposalPayload();
  proposalPayload.setInput(invocation.serializeBinary());

  const chaincodeAction = new peer.ChaincodeAction();
  chaincodeAction.setChaincodeId(chaincodeId(name));
  const response = new peer.Response();
  response.setStatus(200);
  chaincodeAction.setResponse(response);
  if (spec.event !== undefined) {
    const event = new peer.ChaincodeEvent();
    event.setChaincodeId(name);
    event.setTxId(spec.txId);
    event.setEventName(spec.event.name);
    event.setPayload(Buffer.from(JSON.stringify(spec.event.payload), 'utf8'));
    chaincodeAction.setEvents(event.serializeBinary());
  }
  const responsePayload = new peer.ProposalResponsePayload();
  responsePayload.setProposalHash(Buffer.from('proposal hash'));
  responsePayload.setExtension$(chaincodeAction.serializeBinary());

  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(responsePayload.serializeBinary());
  endorsed.setEndorsementsList(
    (spec.endorsers ?? [spec.mspId]).map((mspId) => {
      const endorsement = new peer.Endorsement();
      endorsement.setEndorser(identity(mspId));
      endorsement.setSignature(Buffer.from('endorsement signature'));
      return endorsement;
    }),
  );
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setChaincodeProposalPayload(proposalPayload.serializeBinary());
  actionPayload.setAction(endorsed);

  const action = new peer.TransactionAction();
  action.setHeader(signatureHeader(spec.mspId));
  action.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([action]);

  return envelopeOf(
    channelHeader(common.HeaderType.ENDORSER_TRANSACTION, spec.txId, spec.time),
    spec.mspId,
    transaction.serializeBinary(),
  );
}

/** A channel configuration transaction: its payload is a ConfigEnvelope, not a Transaction. */
export function configTransaction(time: string): Uint8Array {
  const config = new common.ConfigEnvelope();
  config.setConfig(new common.Config());
  return envelopeOf(
    channelHeader(common.HeaderType.CONFIG, '', time),
    'OrdererMSP',
    config.serializeBinary(),
  );
}

/**
 * A committed block as the peer delivers it: five metadata entries (protoutil.NewBlock), of
 * which TRANSACTIONS_FILTER holds one validation code per envelope, by index.
 */
export function blockBytes(
  number: number,
  envelopes: readonly Uint8Array[],
  validationCodes: readonly number[],
): Uint8Array {
  const header = new common.BlockHeader();
  header.setNumber(number);
  header.setPreviousHash(Buffer.from(`hash of block ${number - 1}`));
  header.setDataHash(Buffer.from(`data hash of block ${number}`));
  const data = new common.BlockData();
  data.setDataList([...envelopes]);
  const metadata = new common.BlockMetadata();
  const entries: Uint8Array[] = Array.from({ length: 5 }, () => new Uint8Array());
  entries[common.BlockMetadataIndex.TRANSACTIONS_FILTER] = Uint8Array.from(validationCodes);
  metadata.setMetadataList(entries);
  const block = new common.Block();
  block.setHeader(header);
  block.setData(data);
  block.setMetadata(metadata);
  return block.serializeBinary();
}

/** qscc's GetTransactionByID answer for an envelope. */
export function processedTransactionBytes(envelope: Uint8Array, code: number): Uint8Array {
  const processed = new peer.ProcessedTransaction();
  processed.setTransactionenvelope(common.Envelope.deserializeBinary(envelope));
  processed.setValidationcode(code);
  return processed.serializeBinary();
}

export const codes = peer.TxValidationCode;
