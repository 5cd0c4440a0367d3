import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  EndorseError,
  signers,
  type Contract,
  type Gateway,
  type ProposalOptions,
  type Transaction,
} from '@hyperledger/fabric-gateway';
import { common, gateway, peer } from '@hyperledger/fabric-protos';

/**
 * A proposal's bytes with another time in its channel header: the timestamp every endorser's
 * chaincode sees as the transaction's time (`GetTxTimestamp`). The transaction ID does not depend
 * on it (it hashes the nonce and the creator), so the proposal stays well-formed.
 */
export function withTimestamp(proposalBytes: Uint8Array, time: Date): Uint8Array {
  const proposed = gateway.ProposedTransaction.deserializeBinary(proposalBytes);
  const signed = proposed.getProposal();
  if (signed === undefined) throw new Error('the proposal has no signed proposal');
  const proposal = peer.Proposal.deserializeBinary(signed.getProposalBytes_asU8());
  const header = common.Header.deserializeBinary(proposal.getHeader_asU8());
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  const timestamp = channelHeader.getTimestamp();
  if (timestamp === undefined) throw new Error('the channel header has no timestamp');
  const ms = time.getTime();
  timestamp.setSeconds(Math.floor(ms / 1000));
  timestamp.setNanos((ms % 1000) * 1_000_000);
  channelHeader.setTimestamp(timestamp);
  header.setChannelHeader(channelHeader.serializeBinary());
  proposal.setHeader(header.serializeBinary());
  signed.setProposalBytes(proposal.serializeBinary());
  signed.setSignature(new Uint8Array());
  return proposed.serializeBinary();
}

/**
 * Builds a proposal with fabric-gateway's own API, dates it `time`, signs the altered proposal
 * with the identity's key (the offline-signing flow) and sends it to the endorsers.
 */
export async function endorseAt(
  gw: Gateway,
  contract: Contract,
  keyFile: string,
  transaction: string,
  options: ProposalOptions,
  time: Date,
): Promise<Transaction> {
  const unsigned = contract.newProposal(transaction, options);
  const bytes = withTimestamp(unsigned.getBytes(), time);
  const digest = gw.newProposal(bytes).getDigest();
  const sign = signers.newPrivateKeySigner(createPrivateKey(readFileSync(keyFile)));
  return gw.newSignedProposal(bytes, await sign(digest)).endorse();
}

/** The endorsers' messages of a failed endorsement (each names the chaincode's error). */
export function endorsementMessages(error: unknown): string[] {
  if (!(error instanceof EndorseError)) throw error;
  return error.details.map((detail) => `${detail.mspId}: ${detail.message}`);
}
