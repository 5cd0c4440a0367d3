// Decodes one envelope the way the peer's ValidateTransaction does, returning either the parts
// the later checks need or the validation code the peer would give a malformed transaction.
// Every hash and signature is over the raw bytes as stored.
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import type { NamespaceRwSet } from '../ledgerTransaction.js';
import { sha256 } from './der.js';

export const Code = peer.TxValidationCode;

export interface RangeQuery {
  startKey: string;
  endKey: string;
  exhausted: boolean;
  raw?: Array<{ key: string; version?: { blockNumber: number; txNumber: number } }>;
  merkle?: { maxDegree: number; maxLevel: number; hashes: Uint8Array[] };
}

export interface HashedRwSet {
  collection: string;
  reads: Array<{ keyHash: Uint8Array; version?: { blockNumber: number; txNumber: number } }>;
  writes: Array<{ keyHash: Uint8Array; isDelete: boolean; valueHash: Uint8Array }>;
}

export interface NamespaceDetail extends NamespaceRwSet {
  ranges: RangeQuery[];
  collections: HashedRwSet[];
  metadataWrites: number;
}

export interface EndorserTx {
  kind: 'endorser';
  txId: string;
  timestamp: Date;
  creator: Uint8Array;
  creatorMsp: string;
  nonce: Uint8Array;
  payload: Uint8Array;
  signature: Uint8Array;
  /** The chaincode the header extension names. */
  headerChaincode: string;
  actionChaincode: { name: string; version: string };
  proposalResponsePayload: Uint8Array;
  endorsements: Array<{ endorser: Uint8Array; signature: Uint8Array }>;
  proposalHashOk: boolean;
  namespaces: NamespaceDetail[];
  event?: { chaincodeId: string; eventName: string; payload: Uint8Array };
  invocation?: { chaincode: string; args: Uint8Array[] };
}

export interface ConfigTx {
  kind: 'config';
  txId: string;
  channelId: string;
  payloadData: Uint8Array;
}

export type DecodedTx =
  EndorserTx | ConfigTx | { kind: 'invalid'; code: number; txId: string; reason: string };

function versionOf(
  version: ledger.rwset.kvrwset.Version | undefined,
): { blockNumber: number; txNumber: number } | undefined {
  return version === undefined
    ? undefined
    : { blockNumber: version.getBlockNum(), txNumber: version.getTxNum() };
}

function decodeNamespaces(results: Uint8Array): NamespaceDetail[] {
  const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(results);
  return rwset.getNsRwsetList().map((ns) => {
    const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
    return {
      namespace: ns.getNamespace(),
      reads: kv.getReadsList().map((read) => {
        const version = versionOf(read.getVersion());
        return version === undefined ? { key: read.getKey() } : { key: read.getKey(), version };
      }),
      writes: kv.getWritesList().map((write) => ({
        key: write.getKey(),
        isDelete: write.getIsDelete(),
        value: write.getValue_asU8(),
      })),
      ranges: kv.getRangeQueriesInfoList().map((range) => {
        const query: RangeQuery = {
          startKey: range.getStartKey(),
          endKey: range.getEndKey(),
          exhausted: range.getItrExhausted(),
        };
        const raw = range.getRawReads();
        const merkle = range.getReadsMerkleHashes();
        if (merkle !== undefined) {
          query.merkle = {
            maxDegree: merkle.getMaxDegree(),
            maxLevel: merkle.getMaxLevel(),
            hashes: merkle.getMaxLevelHashesList_asU8(),
          };
        } else {
          query.raw = (raw?.getKvReadsList() ?? []).map((read) => {
            const version = versionOf(read.getVersion());
            return version === undefined ? { key: read.getKey() } : { key: read.getKey(), version };
          });
        }
        return query;
      }),
      metadataWrites: kv.getMetadataWritesList().length,
      collections: ns.getCollectionHashedRwsetList().map((collection) => {
        const hashed = ledger.rwset.kvrwset.HashedRWSet.deserializeBinary(
          collection.getHashedRwset_asU8(),
        );
        return {
          collection: collection.getCollectionName(),
          reads: hashed.getHashedReadsList().map((read) => {
            const version = versionOf(read.getVersion());
            return version === undefined
              ? { keyHash: read.getKeyHash_asU8() }
              : { keyHash: read.getKeyHash_asU8(), version };
          }),
          writes: hashed.getHashedWritesList().map((write) => ({
            keyHash: write.getKeyHash_asU8(),
            isDelete: write.getIsDelete(),
            valueHash: write.getValueHash_asU8(),
          })),
        };
      }),
    };
  });
}

function timestampOf(header: common.ChannelHeader): Date {
  const timestamp = header.getTimestamp();
  return new Date(
    timestamp === undefined ? 0 : timestamp.getSeconds() * 1000 + timestamp.getNanos() / 1e6,
  );
}

/** Decodes and structurally validates one envelope (not its signatures). */
export function decodeEnvelope(envelopeBytes: Uint8Array): DecodedTx {
  let txId = '';
  const invalid = (code: number, reason: string): DecodedTx => ({
    kind: 'invalid',
    code,
    txId,
    reason,
  });
  let envelope: common.Envelope;
  let payload: common.Payload;
  try {
    envelope = common.Envelope.deserializeBinary(envelopeBytes);
    payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  } catch {
    return invalid(Code.BAD_PAYLOAD, 'payload does not parse');
  }
  const header = payload.getHeader();
  let channelHeader: common.ChannelHeader;
  let signatureHeader: common.SignatureHeader;
  try {
    if (header === undefined) throw new Error('no header');
    channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    signatureHeader = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
  } catch {
    return invalid(Code.BAD_COMMON_HEADER, 'headers do not parse');
  }
  txId = channelHeader.getTxId();
  const type = channelHeader.getType();
  if (type === common.HeaderType.CONFIG)
    return {
      kind: 'config',
      txId,
      channelId: channelHeader.getChannelId(),
      payloadData: payload.getData_asU8(),
    };
  if (type !== common.HeaderType.ENDORSER_TRANSACTION)
    return invalid(Code.UNSUPPORTED_TX_PAYLOAD, `header type ${type}`);
  if (channelHeader.getEpoch() !== 0) return invalid(Code.BAD_COMMON_HEADER, 'epoch is not 0');
  const creator = signatureHeader.getCreator_asU8();
  const nonce = signatureHeader.getNonce_asU8();
  if (creator.length === 0 || nonce.length === 0)
    return invalid(Code.BAD_COMMON_HEADER, 'empty creator or nonce');
  let creatorMsp: string;
  try {
    creatorMsp = msp.SerializedIdentity.deserializeBinary(creator).getMspid();
  } catch {
    return invalid(Code.BAD_CREATOR_SIGNATURE, 'creator does not parse');
  }
  try {
    const extension = peer.ChaincodeHeaderExtension.deserializeBinary(
      channelHeader.getExtension_asU8(),
    );
    const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
    const actions = transaction.getActionsList();
    if (actions.length !== 1) return invalid(Code.INVALID_ENDORSER_TRANSACTION, 'not one action');
    const action = actions[0];
    if (action === undefined) return invalid(Code.NIL_TXACTION, 'no action');
    const actionHeader = common.SignatureHeader.deserializeBinary(action.getHeader_asU8());
    if (actionHeader.getCreator_asU8().length === 0 || actionHeader.getNonce_asU8().length === 0)
      return invalid(Code.INVALID_ENDORSER_TRANSACTION, 'action header without creator or nonce');
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const endorsed = actionPayload.getAction();
    if (endorsed === undefined)
      return invalid(Code.INVALID_ENDORSER_TRANSACTION, 'no endorsed action');
    const responseBytes = endorsed.getProposalResponsePayload_asU8();
    const response = peer.ProposalResponsePayload.deserializeBinary(responseBytes);
    const proposalHash = sha256(
      header.getChannelHeader_asU8(),
      action.getHeader_asU8(),
      actionPayload.getChaincodeProposalPayload_asU8(),
    );
    const chaincodeAction = peer.ChaincodeAction.deserializeBinary(response.getExtension_asU8());
    const events = chaincodeAction.getEvents_asU8();
    const event = events.length === 0 ? undefined : peer.ChaincodeEvent.deserializeBinary(events);
    let invocation: EndorserTx['invocation'];
    try {
      const proposalPayload = peer.ChaincodeProposalPayload.deserializeBinary(
        actionPayload.getChaincodeProposalPayload_asU8(),
      );
      const spec = peer.ChaincodeInvocationSpec.deserializeBinary(
        proposalPayload.getInput_asU8(),
      ).getChaincodeSpec();
      if (spec !== undefined)
        invocation = {
          chaincode: spec.getChaincodeId()?.getName() ?? '',
          args: spec.getInput()?.getArgsList_asU8() ?? [],
        };
    } catch {
      invocation = undefined;
    }
    const decoded: EndorserTx = {
      kind: 'endorser',
      txId,
      timestamp: timestampOf(channelHeader),
      creator,
      creatorMsp,
      nonce,
      payload: envelope.getPayload_asU8(),
      signature: envelope.getSignature_asU8(),
      headerChaincode: extension.getChaincodeId()?.getName() ?? '',
      actionChaincode: {
        name: chaincodeAction.getChaincodeId()?.getName() ?? '',
        version: chaincodeAction.getChaincodeId()?.getVersion() ?? '',
      },
      proposalResponsePayload: responseBytes,
      endorsements: endorsed.getEndorsementsList().map((endorsement) => ({
        endorser: endorsement.getEndorser_asU8(),
        signature: endorsement.getSignature_asU8(),
      })),
      proposalHashOk: Buffer.from(response.getProposalHash_asU8()).equals(proposalHash),
      namespaces: decodeNamespaces(chaincodeAction.getResults_asU8()),
    };
    if (event !== undefined)
      decoded.event = {
        chaincodeId: event.getChaincodeId(),
        eventName: event.getEventName(),
        payload: event.getPayload_asU8(),
      };
    if (invocation !== undefined) decoded.invocation = invocation;
    return decoded;
  } catch (error) {
    return invalid(
      Code.INVALID_ENDORSER_TRANSACTION,
      `transaction does not parse: ${(error as Error).message}`,
    );
  }
}
