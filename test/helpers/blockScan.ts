import type { Network } from '@hyperledger/fabric-gateway';
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';

// Every endorser transaction of a range of committed blocks, read through qscc and decoded from
// bytes, so a test can say what was written while it ran, whoever else writes to the channel.

export interface ScannedWrite {
  readonly namespace: string;
  /** A public key, or `<collection>#<hash>` for a private data write (only its hash is on the block). */
  readonly key: string;
}

export interface ScannedTransaction {
  readonly blockNumber: number;
  readonly txId: string;
  readonly validationCode: number;
  readonly creatorMspId: string;
  /** The invoked chaincode and its arguments (the first is `<contract>:<function>`). */
  readonly chaincode: string;
  readonly args: readonly string[];
  /** The chaincode event's payload as text, when there is one. */
  readonly eventPayload?: string;
  readonly writes: readonly ScannedWrite[];
}

const bytes = (value: Uint8Array | string): Uint8Array =>
  typeof value === 'string' ? Buffer.from(value, 'base64') : value;

function writesOf(results: Uint8Array): ScannedWrite[] {
  const writes: ScannedWrite[] = [];
  if (results.length === 0) return writes;
  const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(results);
  for (const namespaceSet of rwset.getNsRwsetList()) {
    const namespace = namespaceSet.getNamespace();
    const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(bytes(namespaceSet.getRwset()));
    for (const write of kv.getWritesList()) writes.push({ namespace, key: write.getKey() });
    for (const hashed of namespaceSet.getCollectionHashedRwsetList()) {
      const set = ledger.rwset.kvrwset.HashedRWSet.deserializeBinary(
        bytes(hashed.getHashedRwset()),
      );
      for (const write of set.getHashedWritesList()) {
        const hash = Buffer.from(write.getKeyHash_asU8()).toString('hex');
        writes.push({ namespace, key: `${hashed.getCollectionName()}#${hash}` });
      }
    }
  }
  return writes;
}

/** The endorser transactions of one serialised block; configuration transactions are skipped. */
export function decodeBlock(blockBytes: Uint8Array): ScannedTransaction[] {
  const block = common.Block.deserializeBinary(blockBytes);
  const blockNumber = block.getHeader()?.getNumber() ?? -1;
  const filter =
    block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ??
    new Uint8Array();
  const found: ScannedTransaction[] = [];
  block
    .getData()
    ?.getDataList_asU8()
    .forEach((envelopeBytes, index) => {
      const envelope = common.Envelope.deserializeBinary(envelopeBytes);
      const payload = common.Payload.deserializeBinary(bytes(envelope.getPayload()));
      const header = payload.getHeader();
      if (header === undefined) return;
      const channelHeader = common.ChannelHeader.deserializeBinary(
        bytes(header.getChannelHeader()),
      );
      if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) return;
      const creator = msp.SerializedIdentity.deserializeBinary(
        bytes(
          common.SignatureHeader.deserializeBinary(bytes(header.getSignatureHeader())).getCreator(),
        ),
      ).getMspid();
      const transaction = peer.Transaction.deserializeBinary(bytes(payload.getData()));
      for (const action of transaction.getActionsList()) {
        const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(
          bytes(action.getPayload()),
        );
        const proposalPayload = peer.ChaincodeProposalPayload.deserializeBinary(
          bytes(actionPayload.getChaincodeProposalPayload()),
        );
        const spec = peer.ChaincodeInvocationSpec.deserializeBinary(
          bytes(proposalPayload.getInput()),
        ).getChaincodeSpec();
        const endorsed = actionPayload.getAction();
        const chaincodeAction =
          endorsed === undefined
            ? undefined
            : peer.ChaincodeAction.deserializeBinary(
                bytes(
                  peer.ProposalResponsePayload.deserializeBinary(
                    bytes(endorsed.getProposalResponsePayload()),
                  ).getExtension$(),
                ),
              );
        const eventBytes =
          chaincodeAction === undefined ? new Uint8Array() : bytes(chaincodeAction.getEvents());
        const event =
          eventBytes.length === 0 ? undefined : peer.ChaincodeEvent.deserializeBinary(eventBytes);
        found.push({
          blockNumber,
          txId: channelHeader.getTxId(),
          validationCode: filter[index] ?? -1,
          creatorMspId: creator,
          chaincode: spec?.getChaincodeId()?.getName() ?? '',
          args: (spec?.getInput()?.getArgsList_asU8() ?? []).map((arg) =>
            Buffer.from(arg).toString('utf8'),
          ),
          ...(event === undefined
            ? {}
            : { eventPayload: Buffer.from(bytes(event.getPayload())).toString('utf8') }),
          writes:
            chaincodeAction === undefined ? [] : writesOf(bytes(chaincodeAction.getResults())),
        });
      }
    });
  return found;
}

/** The endorser transactions of blocks `from` up to (not including) `to`. */
export async function transactionsBetween(
  network: Network,
  from: number,
  to: number,
): Promise<ScannedTransaction[]> {
  const qscc = network.getContract('qscc');
  const found: ScannedTransaction[] = [];
  for (let number = from; number < to; number += 1) {
    const block = await qscc.evaluateTransaction(
      'GetBlockByNumber',
      network.getName(),
      String(number),
    );
    found.push(...decodeBlock(block));
  }
  return found;
}

export const txValidationCodes = peer.TxValidationCode;
