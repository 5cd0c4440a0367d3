// The submitter's side of ValidateTransaction: a creator the channel's MSPs accept, its
// signature over the raw payload, txId = hex(SHA-256(nonce || creator)) and the proposal hash.
import type { ChannelConfig } from '../fabric/config.js';
import { sha256 } from '../fabric/der.js';
import { verifySignature } from '../fabric/msp.js';
import { Code, type EndorserTx } from '../fabric/transaction.js';

export interface Verdict {
  code: number;
  reason: string;
}

export function checkCreator(tx: EndorserTx, config: ChannelConfig): Verdict | undefined {
  const creator = config.resolver.resolve(tx.creator);
  if (creator === undefined)
    return { code: Code.BAD_CREATOR_SIGNATURE, reason: `unknown creator MSP ${tx.creatorMsp}` };
  if (creator.invalid !== undefined)
    return { code: Code.BAD_CREATOR_SIGNATURE, reason: `creator: ${creator.invalid}` };
  if (!verifySignature(creator.key, tx.payload, tx.signature))
    return { code: Code.BAD_CREATOR_SIGNATURE, reason: 'creator signature does not verify' };
  if (sha256(tx.nonce, tx.creator).toString('hex') !== tx.txId)
    return { code: Code.BAD_PROPOSAL_TXID, reason: 'txId is not SHA-256(nonce || creator)' };
  if (!tx.proposalHashOk)
    return {
      code: Code.INVALID_ENDORSER_TRANSACTION,
      reason: 'proposal hash does not bind the endorsed response to this proposal',
    };
  return undefined;
}
