import { openFabricNetwork, type FabricNetwork } from '../../../helpers/fabricNetwork.js';
import { chainHeight, validationCodes } from '../../../helpers/ledgerQueries.js';
import { networkRunning, networkScript, networkStopped } from '../../../helpers/networkScript.js';

// `network.sh down` stops processes and keeps ledgers: after `up` every peer must come back
// with the blocks and the public and private values it had. Runs alone (jest.disruptive.config.cjs).
describe('network.sh down, then up', () => {
  const key = `restart-${Date.now()}`;
  const value = `value of ${key}`;
  const privateValue = `private value of ${key}`;
  const heightsBefore = new Map<string, number>();
  let fabric: FabricNetwork | undefined;

  const open = (): FabricNetwork => (fabric = openFabricNetwork());
  const baseline = (network: FabricNetwork, mspId: string) =>
    network
      .gateway({ as: mspId })
      .getNetwork(network.description.channel)
      .getContract(network.description.baselineChaincode);
  const height = (network: FabricNetwork, mspId: string): Promise<number> =>
    chainHeight(network.gateway({ as: mspId }).getNetwork(network.description.channel));

  beforeAll(async () => {
    const before = open();
    const contract = baseline(before, 'ITDeptMSP');
    const put = await contract.submitAsync('Put', { arguments: [key, value] });
    expect((await put.getStatus()).code).toBe(validationCodes.VALID);
    const putPrivate = await contract.submitAsync('PutPrivate', {
      arguments: [key],
      transientData: { value: privateValue },
    });
    const committed = await putPrivate.getStatus();
    expect(committed.code).toBe(validationCodes.VALID);
    for (const org of before.description.orgs) {
      heightsBefore.set(org.mspId, await height(before, org.mspId));
    }
    before.close();
    fabric = undefined;
  });

  afterAll(async () => {
    fabric?.close();
    // Whatever failed above, the next test file finds the network running.
    if (!(await networkRunning())) await networkScript('up');
  });

  it('keeps every peer’s height and the values written before', async () => {
    await networkScript('down');
    expect(networkStopped(await networkScript('status'))).toBe(true);
    await networkScript('up');
    expect(await networkRunning()).toBe(true);

    const after = open();
    for (const org of after.description.orgs) {
      expect(await height(after, org.mspId)).toBeGreaterThanOrEqual(heightsBefore.get(org.mspId)!);
      const read = await baseline(after, org.mspId).evaluateTransaction('Get', key);
      expect(Buffer.from(read).toString('utf8')).toBe(value);
    }
    for (const department of after.departments) {
      const read = await baseline(after, department.mspId).evaluateTransaction('GetPrivate', key);
      expect(Buffer.from(read).toString('utf8')).toBe(privateValue);
    }
  }, 240_000);

  it('commits new transactions after the restart', async () => {
    const network = fabric ?? open();
    const commit = await baseline(network, 'ITDeptMSP').submitAsync('Put', {
      arguments: [`${key}-after`, value],
    });
    expect((await commit.getStatus()).code).toBe(validationCodes.VALID);
  });
});
