// Orderer signatures: /Channel/Orderer/BlockValidation of the config in force before the block
// (for BFT, NOutOf(quorum) over the consenters' identities), evaluated over the signatures in
// metadata[SIGNATURES]; and the signed last-config index.
import { common } from '@hyperledger/fabric-protos';
import type { Finding } from '../ledgerTransaction.js';
import { SIGNATURES, type RawBlock } from '../fabric/block.js';
import type { ChannelConfig } from '../fabric/config.js';
import { evaluatePolicyPath, validIdentities, type SignedData } from '../fabric/policy.js';

export function checkOrdererSignatures(
  block: RawBlock,
  headerBytes: Uint8Array,
  config: ChannelConfig,
  /** The number of the last config block, counting this block if it is one. */
  expectedLastConfig: number,
): Finding[] {
  const findings: Finding[] = [];
  const fail = (message: string) =>
    findings.push({ check: 'orderer-signatures', blockNumber: block.number, message });
  let metadata: common.Metadata;
  try {
    metadata = common.Metadata.deserializeBinary(block.metadata[SIGNATURES] ?? new Uint8Array());
  } catch {
    fail('SIGNATURES metadata does not parse');
    return findings;
  }
  const value = metadata.getValue_asU8();
  try {
    const lastConfig = common.OrdererBlockMetadata.deserializeBinary(value)
      .getLastConfig()
      ?.getIndex();
    if (lastConfig !== expectedLastConfig)
      fail(
        `signed last-config index is ${lastConfig}, the last config block is ${expectedLastConfig}`,
      );
  } catch {
    fail('OrdererBlockMetadata does not parse');
  }
  const signed: SignedData[] = metadata.getSignaturesList().map((signature) => {
    const signatureHeader = signature.getSignatureHeader_asU8();
    const identifierHeader = signature.getIdentifierHeader_asU8();
    if (config.bft && signatureHeader.length === 0 && identifierHeader.length > 0) {
      // BFT: the signer is named by its consenter id; an id outside the set is ignored.
      let id = -1;
      try {
        id = common.IdentifierHeader.deserializeBinary(identifierHeader).getIdentifier();
      } catch {
        id = -1;
      }
      return {
        identity: config.consenterIdentity(id),
        data: Buffer.concat([value, identifierHeader, headerBytes]),
        signature: signature.getSignature_asU8(),
      };
    }
    let identity;
    try {
      identity = config.resolver.resolve(
        common.SignatureHeader.deserializeBinary(signatureHeader).getCreator_asU8(),
      );
    } catch {
      identity = undefined;
    }
    return {
      identity,
      data: Buffer.concat([value, signatureHeader, headerBytes]),
      signature: signature.getSignature_asU8(),
    };
  });
  const identities = validIdentities(signed);
  if (!evaluatePolicyPath(config, '/Channel/Orderer/BlockValidation', identities))
    fail(
      `orderer signatures do not satisfy BlockValidation of config block ${config.blockNumber} (${identities.length} valid of ${signed.length}, consenters ${config.consenters.size})`,
    );
  return findings;
}
