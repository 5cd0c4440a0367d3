import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Contract } from '@hyperledger/fabric-gateway';
import { endorsementMessages } from '../../helpers/forgedProposal.js';
import {
  networkConfigPath,
  openFabricNetwork,
  type FabricNetwork,
} from '../../helpers/fabricNetwork.js';

// InitConfig is pinned: every org's chaincode server is started with the SHA-256 of the config
// its organisation approved (network.sh puts the same digest in the definition's version), and
// refuses any other config before anything else, so one department cannot choose the config, at
// the first init or at an upgrade. An ordinary call with the approved config passes the pin and
// is then refused as a second call.
describe('InitConfig on the running network', () => {
  let fabric: FabricNetwork;
  const approved = readFileSync(
    join(dirname(networkConfigPath()), 'chaincode', 'veche', 'init.json'),
    'utf8',
  ).trim();

  const configContract = (mspId: string): Contract =>
    fabric
      .gateway({ as: mspId, identity: 'admin' })
      .getNetwork(fabric.description.channel)
      .getContract(fabric.description.chaincode, 'config');

  const endorseAt = (submitter: string, endorser: string, configJson: string) =>
    configContract(submitter)
      .newProposal('InitConfig', { arguments: [configJson], endorsingOrganizations: [endorser] })
      .endorse()
      .then(() => [], endorsementMessages);

  beforeAll(() => {
    fabric = openFabricNetwork();
  });

  afterAll(() => {
    fabric.close();
  });

  it('is refused at every department’s endorser for a config other than the approved one', async () => {
    const config = JSON.parse(approved) as { departmentMspIds: string[] };
    for (const rogue of fabric.departments) {
      // The rogue department alone as the only department: a config it would pass itself.
      const other = JSON.stringify({ ...config, departmentMspIds: [rogue.mspId] });
      for (const endorser of fabric.departments) {
        const messages = await endorseAt(rogue.mspId, endorser.mspId, other);
        expect(messages).toEqual([
          expect.stringMatching(
            /FORBIDDEN: this configuration is not the one the organisations approved/,
          ),
        ]);
      }
    }
  });

  it('refuses a changed clock skew or electorate just the same', async () => {
    const config = JSON.parse(approved) as Record<string, unknown>;
    for (const change of [{ maxClockSkewSeconds: 3600 }, { expectedElectorate: 1 }]) {
      const messages = await endorseAt(
        'ITDeptMSP',
        'CivicChamberMSP',
        JSON.stringify({ ...config, ...change }),
      );
      expect(messages.join('\n')).toMatch(/FORBIDDEN: this configuration is not the one/);
    }
  });

  it('lets the approved config through the pin, to be refused as a second ordinary call', async () => {
    for (const endorser of fabric.departments) {
      const messages = await endorseAt('ITDeptMSP', endorser.mspId, approved);
      expect(messages).toEqual([
        expect.stringMatching(/CONFLICT: the configuration is already initialised/),
      ]);
    }
  });

  it('is the config the ledger holds', async () => {
    const stored = await configContract('ITDeptMSP').evaluateTransaction('GetConfig');
    expect(JSON.parse(Buffer.from(stored).toString('utf8'))).toEqual(JSON.parse(approved));
  });
});
