import type { Network } from '@hyperledger/fabric-gateway';
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';

// What the ledger recorded for one transaction, read back through qscc (the peer's query system
// chaincode) and decoded from bytes, as Fabric's protoutil nests it.

export interface HashedWrite {
  readonly keyHash: Buffer;
  readonly valueHash: Buffer;
}

export interface CollectionHashes {
  readonly namespace: string;
  readonly collection: string;
  readonly writes: readonly HashedWrite[];
  /** SHA-256 of the private write set that stays off the block. */
  readonly pvtRwsetHash: Buffer;
}

/** A range read of public state, as the read set records it for validation. */
export interface RangeRead {
  readonly namespace: string;
  readonly startKey: string;
  readonly endKey: string;
  readonly exhausted: boolean;
  /** The keys the transaction consumed from the range, in order. */
  readonly keys: readonly string[];
}

export interface RecordedTransaction {
  readonly validationCode: number;
  readonly creatorMspId: string;
  readonly endorserMspIds: readonly string[];
  readonly collectionHashes: readonly CollectionHashes[];
  readonly rangeReads: readonly RangeRead[];
}

const bytes = (value: Uint8Array | string): Uint8Array =>
  typeof value === 'string' ? Buffer.from(value, 'base64') : value;

const mspOf = (serializedIdentity: Uint8Array | string): string =>
  msp.SerializedIdentity.deserializeBinary(bytes(serializedIdentity)).getMspid();

export async function recordedTransaction(
  network: Network,
  txId: string,
): Promise<RecordedTransaction> {
  const answer = await network
    .getContract('qscc')
    .evaluateTransaction('GetTransactionByID', network.getName(), txId);
  const processed = peer.ProcessedTransaction.deserializeBinary(answer);
  const envelope = processed.getTransactionenvelope();
  if (envelope === undefined) throw new Error(`no envelope for ${txId}`);
  const payload = common.Payload.deserializeBinary(bytes(envelope.getPayload()));
  const signatureHeader = common.SignatureHeader.deserializeBinary(
    bytes(payload.getHeader()?.getSignatureHeader() ?? new Uint8Array()),
  );
  const transaction = peer.Transaction.deserializeBinary(bytes(payload.getData()));
  const endorserMspIds: string[] = [];
  const collectionHashes: CollectionHashes[] = [];
  const rangeReads: RangeRead[] = [];
  for (const action of transaction.getActionsList()) {
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(bytes(action.getPayload()));
    const endorsed = actionPayload.getAction();
    if (endorsed === undefined) continue;
    for (const endorsement of endorsed.getEndorsementsList()) {
      endorserMspIds.push(mspOf(endorsement.getEndorser()));
    }
    const responsePayload = peer.ProposalResponsePayload.deserializeBinary(
      bytes(endorsed.getProposalResponsePayload()),
    );
    const chaincodeAction = peer.ChaincodeAction.deserializeBinary(
      bytes(responsePayload.getExtension$()),
    );
    const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(
      bytes(chaincodeAction.getResults()),
    );
    for (const namespaceSet of rwset.getNsRwsetList()) {
      const kvRwset = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(
        bytes(namespaceSet.getRwset()),
      );
      for (const range of kvRwset.getRangeQueriesInfoList()) {
        rangeReads.push({
          namespace: namespaceSet.getNamespace(),
          startKey: range.getStartKey(),
          endKey: range.getEndKey(),
          exhausted: range.getItrExhausted(),
          keys:
            range
              .getRawReads()
              ?.getKvReadsList()
              .map((read) => read.getKey()) ?? [],
        });
      }
      for (const hashed of namespaceSet.getCollectionHashedRwsetList()) {
        const hashedRwset = ledger.rwset.kvrwset.HashedRWSet.deserializeBinary(
          bytes(hashed.getHashedRwset()),
        );
        collectionHashes.push({
          namespace: namespaceSet.getNamespace(),
          collection: hashed.getCollectionName(),
          writes: hashedRwset.getHashedWritesList().map((write) => ({
            keyHash: Buffer.from(write.getKeyHash_asU8()),
            valueHash: Buffer.from(write.getValueHash_asU8()),
          })),
          pvtRwsetHash: Buffer.from(bytes(hashed.getPvtRwsetHash())),
        });
      }
    }
  }
  return {
    validationCode: processed.getValidationcode(),
    creatorMspId: mspOf(signatureHeader.getCreator()),
    endorserMspIds,
    collectionHashes,
    rangeReads,
  };
}

/** The serialised block that holds a transaction, exactly as the peer stores it. */
export async function blockOf(network: Network, txId: string): Promise<Buffer> {
  const answer = await network
    .getContract('qscc')
    .evaluateTransaction('GetBlockByTxID', network.getName(), txId);
  return Buffer.from(answer);
}

/** The channel's height (number of blocks) on the peer the network's gateway talks to. */
export async function chainHeight(network: Network): Promise<number> {
  const answer = await network
    .getContract('qscc')
    .evaluateTransaction('GetChainInfo', network.getName());
  return common.BlockchainInfo.deserializeBinary(answer).getHeight();
}

export const validationCodes = peer.TxValidationCode;
