import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseBlock } from '../../../verifier/src/fabric/block.js';
import { configFromEnvelope, type ChannelConfig } from '../../../verifier/src/fabric/config.js';
import { unauthorisedConfigUpdate } from '../../../verifier/src/fabric/configUpdate.js';
import { decodeEnvelope } from '../../../verifier/src/fabric/transaction.js';
import {
  configEnvelope,
  groupAt,
  orgAdmin,
  ordererOrgAdmin,
  protos,
  signedUpdate,
  valueUpdate,
  type Admin,
  type ConfigGroup,
} from '../../helpers/configUpdates.js';
import { networkConfigPath, readNetworkDescription } from '../../helpers/fabricNetwork.js';

// Config updates of this network's channel as its admins would sign them, checked against its
// real genesis config: its MSPs with NodeOUs, its policies, its admins' keys. The orderers sign
// whatever config block they make, so only this check shows who authorised a change. The
// disruptive project has the orderers make one for real (network/disruptive/configUpdate.test.ts).

const network = readNetworkDescription();
let genesis: ChannelConfig;
let genesisRoot: ConfigGroup;
let ordererAdmin: Admin;

beforeAll(() => {
  const runtime = dirname(dirname(networkConfigPath()));
  const block = parseBlock(readFileSync(join(runtime, 'artifacts', `${network.channel}.block`)));
  const tx = decodeEnvelope(block.envelopes[0]!);
  if (tx.kind !== 'config') throw new Error('the genesis block holds no config');
  genesis = configFromEnvelope(0, tx.payloadData);
  genesisRoot = genesis.root;
  ordererAdmin = ordererOrgAdmin(networkConfigPath(), [...genesis.consenters.values()][0]!.mspId);
});

/** The verdict on a config block holding `update` signed by `signers`, with config `proposed`. */
async function verdict(
  { update, proposed }: ReturnType<typeof valueUpdate>,
  signers: readonly Admin[],
  written: ConfigGroup = proposed,
): Promise<string | undefined> {
  const envelope = await configEnvelope(
    network.channel,
    genesis.sequence + 1,
    await signedUpdate(update, signers),
    written,
    signers[0]!,
  );
  return unauthorisedConfigUpdate(genesis, network.channel, envelope);
}

/** A new BatchTimeout for the orderers (mod_policy Admins of /Channel/Orderer). */
function batchTimeout(timeout: string, skip = 1) {
  const value = new protos.orderer.BatchTimeout();
  value.setTimeout(timeout);
  return valueUpdate(
    genesisRoot,
    network.channel,
    ['Orderer'],
    'BatchTimeout',
    value.serializeBinary(),
    skip,
  );
}

describe('config updates of the channel, checked against the config in force', () => {
  it('accepts a change of the orderers’ batch timeout signed by the orderer organisation’s admin', async () => {
    await expect(verdict(batchTimeout('3s'), [ordererAdmin])).resolves.toBeUndefined();
  });

  it('flags the same change signed only by a department’s admin, naming the policy it misses', async () => {
    await expect(verdict(batchTimeout('3s'), [orgAdmin(network, 'ITDeptMSP')])).resolves.toMatch(
      /BatchTimeout is not signed to its mod_policy \/Channel\/Orderer\/Admins/,
    );
  });

  it('flags a block whose config is not the signed update applied', async () => {
    // The orderers write another timeout than the one the admin signed.
    await expect(
      verdict(batchTimeout('3s'), [ordererAdmin], batchTimeout('30s').proposed),
    ).resolves.toMatch(
      /not the update applied: \[Value\] \/Channel\/Orderer\/BatchTimeout differs/,
    );
  });

  it('flags a change that skips a version', async () => {
    await expect(verdict(batchTimeout('3s', 2), [ordererAdmin])).resolves.toMatch(
      /BatchTimeout goes from version \d+ to \d+/,
    );
  });

  it('wants a majority of the departments’ and the regulator’s admins for the application’s ACLs', async () => {
    const acls = groupAt(genesisRoot, ['Application']).getValuesMap().get('ACLs');
    if (acls === undefined) throw new Error('the application group has no ACLs');
    const update = valueUpdate(
      genesisRoot,
      network.channel,
      ['Application'],
      'ACLs',
      acls.getValue_asU8(),
    );
    await expect(verdict(update, [orgAdmin(network, 'ITDeptMSP')])).resolves.toMatch(
      /ACLs is not signed to its mod_policy \/Channel\/Application\/Admins/,
    );
    await expect(
      verdict(update, [orgAdmin(network, 'ITDeptMSP'), orgAdmin(network, 'CivicChamberMSP')]),
    ).resolves.toBeUndefined();
  });
});
