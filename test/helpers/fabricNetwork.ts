import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers, type Gateway } from '@hyperledger/fabric-gateway';
import { z } from 'zod';

const identityFiles = z.object({ cert: z.string(), key: z.string() });

const networkSchema = z.object({
  channel: z.string(),
  chaincode: z.string(),
  baselineChaincode: z.string(),
  gatewayMspId: z.string(),
  orderers: z.array(
    z.object({
      name: z.string(),
      address: z.string(),
      adminAddress: z.string(),
      operationsAddress: z.string(),
      hostAlias: z.string(),
      tlsCa: z.string(),
    }),
  ),
  orgs: z.array(
    z.object({
      name: z.string(),
      mspId: z.string(),
      role: z.enum(['department', 'regulator']),
      peer: z.object({
        name: z.string(),
        address: z.string(),
        operationsAddress: z.string(),
        hostAlias: z.string(),
        tlsCa: z.string(),
      }),
      admin: identityFiles,
      client: identityFiles,
    }),
  ),
});

/** network.json, as scripts/network.sh renders it. */
export type NetworkDescription = z.infer<typeof networkSchema>;
export type OrgDescription = NetworkDescription['orgs'][number];
export type OrdererDescription = NetworkDescription['orderers'][number];

/** The path the global setup puts in VECHE_TEST_NETWORK_CONFIG. */
export function networkConfigPath(): string {
  const path = process.env.VECHE_TEST_NETWORK_CONFIG;
  if (path === undefined || path === '')
    throw new Error(
      'VECHE_TEST_NETWORK_CONFIG is not set: run through a jest project whose globalSetup is test/helpers/globalSetup.ts',
    );
  return path;
}

export function readNetworkDescription(path: string = networkConfigPath()): NetworkDescription {
  return networkSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

export interface GatewayOptions {
  /** The MSP whose identity signs. */
  readonly as: string;
  /** Its client (User1, the default) or its admin. */
  readonly identity?: 'client' | 'admin';
  /** The MSP whose peer the gateway talks to; the signer's own org by default. */
  readonly peer?: string;
}

/**
 * The test file's view of the network: one gRPC connection per peer, opened on first use and
 * shared by every identity (Fabric Gateway multiplexes them), closed by `close()`.
 */
export interface FabricNetwork {
  readonly description: NetworkDescription;
  org(mspId: string): OrgDescription;
  readonly departments: readonly OrgDescription[];
  readonly regulator: OrgDescription;
  gateway(options: GatewayOptions): Gateway;
  close(): void;
}

// Per-call deadlines: a dead peer or orderer fails a test with a cause instead of a timeout.
const deadline = (ms: number) => (): grpc.CallOptions => ({ deadline: Date.now() + ms });

export function openFabricNetwork(
  description: NetworkDescription = readNetworkDescription(),
): FabricNetwork {
  const clients = new Map<string, grpc.Client>();
  const gateways = new Map<string, Gateway>();

  function org(mspId: string): OrgDescription {
    const found = description.orgs.find((candidate) => candidate.mspId === mspId);
    if (found === undefined) throw new Error(`network.json has no organisation ${mspId}`);
    return found;
  }

  function clientOf(peerOrg: OrgDescription): grpc.Client {
    let client = clients.get(peerOrg.mspId);
    if (client === undefined) {
      const { address, tlsCa, hostAlias } = peerOrg.peer;
      client = new grpc.Client(address, grpc.credentials.createSsl(readFileSync(tlsCa)), {
        'grpc.ssl_target_name_override': hostAlias,
      });
      clients.set(peerOrg.mspId, client);
    }
    return client;
  }

  const regulator = description.orgs.find((candidate) => candidate.role === 'regulator');
  if (regulator === undefined) throw new Error('network.json has no regulator organisation');

  return {
    description,
    org,
    departments: description.orgs.filter((candidate) => candidate.role === 'department'),
    regulator,
    gateway({ as, identity = 'client', peer = as }: GatewayOptions): Gateway {
      const key = `${as}/${identity}@${peer}`;
      let gateway = gateways.get(key);
      if (gateway === undefined) {
        const files = org(as)[identity];
        gateway = connect({
          client: clientOf(org(peer)),
          identity: { mspId: as, credentials: readFileSync(files.cert) },
          signer: signers.newPrivateKeySigner(createPrivateKey(readFileSync(files.key))),
          hash: hash.sha256,
          evaluateOptions: deadline(15_000),
          endorseOptions: deadline(30_000),
          submitOptions: deadline(30_000),
          commitStatusOptions: deadline(60_000),
        });
        gateways.set(key, gateway);
      }
      return gateway;
    },
    close(): void {
      for (const gateway of gateways.values()) gateway.close();
      for (const client of clients.values()) client.close();
      gateways.clear();
      clients.clear();
    },
  };
}
