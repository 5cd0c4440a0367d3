import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, type Gateway } from '@hyperledger/fabric-gateway';
import type { FabricConfig } from '../config.js';
import { newNativeP256Signer } from './nativeSigner.js';

export interface FabricConnections {
  /** One gateway per signing organisation, all over the gateway organisation's peer connection. */
  readonly writers: ReadonlyMap<string, Gateway>;
  /** The regulator's identity over the regulator's peer connection. */
  readonly regulator: Gateway;
  close(): void;
}

function client(peer: FabricConfig['peers'][string]): grpc.Client {
  const credentials =
    peer.tlsCaPath === undefined
      ? grpc.credentials.createInsecure()
      : grpc.credentials.createSsl(readFileSync(peer.tlsCaPath));
  const options: grpc.ChannelOptions =
    peer.hostAlias === undefined ? {} : { 'grpc.ssl_target_name_override': peer.hostAlias };
  return new grpc.Client(peer.endpoint, credentials, options);
}

/**
 * One gRPC connection per peer for the whole process (Fabric Gateway multiplexes every
 * identity over it), with a deadline on every call so a dead peer fails fast.
 */
export function connectFabric(config: FabricConfig): FabricConnections {
  const gatewayPeer = config.peers[config.gatewayMspId];
  const regulatorPeer = config.peers[config.regulatorMspId];
  if (gatewayPeer === undefined || regulatorPeer === undefined)
    throw new Error('fabric peers are not configured');
  const gatewayClient = client(gatewayPeer);
  const regulatorClient = client(regulatorPeer);
  const deadline = (ms: number) => (): grpc.CallOptions => ({ deadline: Date.now() + ms });

  function gatewayFor(mspId: string, grpcClient: grpc.Client): Gateway {
    const identity = config.identities[mspId];
    if (identity === undefined) throw new Error(`no identity for ${mspId}`);
    return connect({
      client: grpcClient,
      identity: { mspId, credentials: readFileSync(identity.certPath) },
      // The signer hashes, natively: fabric-gateway hands it the whole message.
      signer: newNativeP256Signer(createPrivateKey(readFileSync(identity.keyPath))),
      hash: hash.none,
      evaluateOptions: deadline(config.timeouts.evaluateMs),
      endorseOptions: deadline(config.timeouts.endorseMs),
      submitOptions: deadline(config.timeouts.submitMs),
      commitStatusOptions: deadline(config.timeouts.commitMs),
    });
  }

  const writers = new Map<string, Gateway>();
  for (const mspId of new Set([config.gatewayMspId, ...config.departmentMspIds])) {
    writers.set(mspId, gatewayFor(mspId, gatewayClient));
  }
  const regulator = gatewayFor(config.regulatorMspId, regulatorClient);

  return {
    writers,
    regulator,
    close(): void {
      for (const gateway of writers.values()) gateway.close();
      regulator.close();
      gatewayClient.close();
      regulatorClient.close();
    },
  };
}
