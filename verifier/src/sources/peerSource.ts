// A peer's ledger read directly with qscc (GetChainInfo, GetBlockByNumber), signed by a client
// identity of the peer's organisation from the network description that network.sh renders.
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import type { BlockSource } from './blockSource.js';

interface NetworkDescription {
  channel: string;
  orgs: Array<{
    name: string;
    mspId: string;
    role: string;
    peer: { name: string; address: string; hostAlias: string; tlsCa: string };
    client: { cert: string; key: string };
  }>;
}

export interface PeerSourceOptions {
  /** network.json as scripts/network.sh renders it. */
  networkConfig: string;
  /** An organisation name or MSP ID; the regulator when absent. */
  org?: string;
}

export function openPeerSource(options: PeerSourceOptions): BlockSource {
  const description = JSON.parse(readFileSync(options.networkConfig, 'utf8')) as NetworkDescription;
  const org = description.orgs.find((candidate) =>
    options.org === undefined
      ? candidate.role === 'regulator'
      : candidate.name === options.org || candidate.mspId === options.org,
  );
  if (org === undefined)
    throw new Error(`${options.networkConfig} has no organisation ${options.org ?? 'regulator'}`);
  const client = new grpc.Client(
    org.peer.address,
    grpc.credentials.createSsl(readFileSync(org.peer.tlsCa)),
    { 'grpc.ssl_target_name_override': org.peer.hostAlias, 'grpc.max_receive_message_length': -1 },
  );
  const gateway = connect({
    client,
    identity: { mspId: org.mspId, credentials: readFileSync(org.client.cert) },
    signer: signers.newPrivateKeySigner(createPrivateKey(readFileSync(org.client.key))),
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 30_000 }),
  });
  const qscc = gateway.getNetwork(description.channel).getContract('qscc');
  const evaluate = (name: string, ...args: string[]) =>
    qscc.evaluate(name, {
      arguments: [description.channel, ...args],
      endorsingOrganizations: [org.mspId],
    });
  return {
    description: `peer ${org.peer.name} (${org.mspId})`,
    async height() {
      return common.BlockchainInfo.deserializeBinary(await evaluate('GetChainInfo')).getHeight();
    },
    block: (n) => evaluate('GetBlockByNumber', String(n)),
    close() {
      gateway.close();
      client.close();
      return Promise.resolve();
    },
  };
}
