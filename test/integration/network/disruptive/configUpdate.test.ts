import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { Network } from '@hyperledger/fabric-gateway';
import { parseBlock, SIGNATURES } from '../../../../verifier/src/fabric/block.js';
import { configFromEnvelope, type ChannelConfig } from '../../../../verifier/src/fabric/config.js';
import { unauthorisedConfigUpdate } from '../../../../verifier/src/fabric/configUpdate.js';
import { decodeEnvelope } from '../../../../verifier/src/fabric/transaction.js';
import {
  configEnvelope,
  orgAdmin,
  ordererOrgAdmin,
  protos,
  signedUpdate,
  updateTransaction,
  valueUpdate,
  type Admin,
} from '../../../helpers/configUpdates.js';
import { eventually } from '../../../helpers/eventually.js';
import {
  networkConfigPath,
  openFabricNetwork,
  type FabricNetwork,
} from '../../../helpers/fabricNetwork.js';
import { chainHeight } from '../../../helpers/ledgerQueries.js';

// A real config update: the orderers order what the orderer organisation's admin signed and
// refuse what a department's admin alone signed, and the verifier's check of config blocks
// agrees with them on both. The update sets the orderers' BatchTimeout to the value it has (one
// version up), which SmartBFT ignores anyway, so the network runs on as before; the channel's
// config sequence goes up by one. The ledger audit at the end of npm test then verifies a
// ledger holding this orderer-made config block. Runs alone (jest.disruptive.config.cjs).

const { common, orderer } = protos;
type Envelope = InstanceType<typeof common.Envelope>;

let fabric: FabricNetwork;
let ledger: Network;

beforeAll(() => {
  fabric = openFabricNetwork();
  ledger = fabric.gateway({ as: fabric.regulator.mspId }).getNetwork(fabric.description.channel);
});

afterAll(() => {
  fabric.close();
});

async function blockBytes(n: number): Promise<Uint8Array> {
  return ledger
    .getContract('qscc')
    .evaluateTransaction('GetBlockByNumber', fabric.description.channel, String(n));
}

/** The config in force and its block, found from the newest block's LAST_CONFIG pointer. */
async function configInForce(): Promise<{ block: number; config: ChannelConfig }> {
  const newest = parseBlock(await blockBytes((await chainHeight(ledger)) - 1));
  const signatures = common.Metadata.deserializeBinary(newest.metadata[SIGNATURES]!);
  const pointer = common.OrdererBlockMetadata.deserializeBinary(signatures.getValue_asU8());
  const block = pointer.getLastConfig()?.getIndex() ?? 0;
  const tx = decodeEnvelope(parseBlock(await blockBytes(block)).envelopes[0]!);
  if (tx.kind !== 'config') throw new Error(`block ${block} holds no config`);
  return { block, config: configFromEnvelope(block, tx.payloadData) };
}

/**
 * Sends one transaction to orderer1's Broadcast and returns the status it answers. The bytes go
 * through a plain gRPC client: fabric-protos' generated one checks its argument with instanceof,
 * which fails when jest has loaded that module more than once in its worker.
 */
async function broadcast(envelope: Envelope): Promise<string> {
  const target = fabric.description.orderers[0]!;
  const client = new grpc.Client(
    target.address,
    grpc.credentials.createSsl(readFileSync(target.tlsCa)),
    { 'grpc.ssl_target_name_override': target.hostAlias },
  );
  try {
    const call = client.makeBidiStreamRequest(
      '/orderer.AtomicBroadcast/Broadcast',
      (bytes: Uint8Array) => Buffer.from(bytes),
      (bytes: Buffer) => bytes,
    );
    const answer = new Promise<Buffer>((resolve, reject) => {
      call.on('data', resolve);
      call.on('error', reject);
    });
    call.write(envelope.serializeBinary());
    const response = orderer.BroadcastResponse.deserializeBinary(await answer);
    call.end();
    const names = Object.entries(common.Status) as [string, number][];
    return names.find(([, code]) => code === response.getStatus())?.[0] ?? 'unknown';
  } finally {
    client.close();
  }
}

describe('a channel config update ordered by the real orderers', () => {
  it('is refused by the orderers and flagged by the verifier when only a department’s admin signed it, and ordered and passed when the orderer admin did', async () => {
    const { channel } = fabric.description;
    const { block: previousBlock, config } = await configInForce();
    const root = config.root;
    const batchTimeout = root.getGroupsMap().get('Orderer')?.getValuesMap().get('BatchTimeout');
    if (batchTimeout === undefined) throw new Error('the orderer group has no BatchTimeout');
    const change = valueUpdate(
      root,
      channel,
      ['Orderer'],
      'BatchTimeout',
      batchTimeout.getValue_asU8(),
    );
    const verdict = async (signer: Admin) =>
      unauthorisedConfigUpdate(
        config,
        channel,
        await configEnvelope(
          channel,
          config.sequence + 1,
          await signedUpdate(change.update, [signer]),
          change.proposed,
          signer,
        ),
      );

    const department = orgAdmin(fabric.description, 'ITDeptMSP');
    const refused = await broadcast(
      await updateTransaction(channel, await signedUpdate(change.update, [department]), department),
    );
    expect(refused).not.toBe('SUCCESS');
    await expect(verdict(department)).resolves.toMatch(/not signed to its mod_policy/);

    const ordererAdmin = ordererOrgAdmin(
      networkConfigPath(),
      [...config.consenters.values()][0]!.mspId,
    );
    const height = await chainHeight(ledger);
    await expect(
      broadcast(
        await updateTransaction(
          channel,
          await signedUpdate(change.update, [ordererAdmin]),
          ordererAdmin,
        ),
      ),
    ).resolves.toBe('SUCCESS');
    await expect(verdict(ordererAdmin)).resolves.toBeUndefined();

    // The block the orderers made of it: the next config, and an authorised update of the last.
    let made = { block: previousBlock, config };
    await eventually(
      'the regulator’s peer commits the config block',
      async () => {
        made = await configInForce();
        return made.block >= height;
      },
      60_000,
    );
    expect(made.config.sequence).toBe(config.sequence + 1);
    const tx = decodeEnvelope(parseBlock(await blockBytes(made.block)).envelopes[0]!);
    if (tx.kind !== 'config') throw new Error('not a config block');
    expect(
      unauthorisedConfigUpdate(
        config,
        channel,
        common.ConfigEnvelope.deserializeBinary(tx.payloadData) as never,
      ),
    ).toBeUndefined();
  });
});
