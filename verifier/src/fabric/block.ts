// A block split into the raw byte fields the checks hash and verify. Nothing is re-serialized:
// fabric-protos drops unknown fields, so only the bytes as stored are trustworthy.
import { common } from '@hyperledger/fabric-protos';

export interface RawBlock {
  number: number;
  previousHash: Uint8Array;
  dataHash: Uint8Array;
  /** Serialized Envelopes, in order. */
  envelopes: Uint8Array[];
  /** BlockMetadata entries by common.BlockMetadataIndex. */
  metadata: Uint8Array[];
}

export const SIGNATURES = common.BlockMetadataIndex.SIGNATURES;
export const TRANSACTIONS_FILTER = common.BlockMetadataIndex.TRANSACTIONS_FILTER;
export const COMMIT_HASH = common.BlockMetadataIndex.COMMIT_HASH;

/** Parses a serialized common.Block; throws when it is not one. */
export function parseBlock(bytes: Uint8Array): RawBlock {
  const block = common.Block.deserializeBinary(bytes);
  const header = block.getHeader();
  if (header === undefined) throw new Error('block has no header');
  return {
    number: header.getNumber(),
    previousHash: header.getPreviousHash_asU8(),
    dataHash: header.getDataHash_asU8(),
    envelopes: block.getData()?.getDataList_asU8() ?? [],
    metadata: block.getMetadata()?.getMetadataList_asU8() ?? [],
  };
}
