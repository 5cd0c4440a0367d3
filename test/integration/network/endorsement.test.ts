import type { Contract } from '@hyperledger/fabric-gateway';
import { openFabricNetwork, type FabricNetwork } from '../../helpers/fabricNetwork.js';
import { recordedTransaction, validationCodes } from '../../helpers/ledgerQueries.js';

// The endorsement policy AND('ITDeptMSP.peer','CivicChamberMSP.peer') on the real network: the
// gateway on the IT department's peer must collect the Civic Chamber's endorsement too, and the
// regulator's peer, which endorses nothing, still holds the committed state.
describe('baseline Put through the IT department peer', () => {
  let fabric: FabricNetwork;
  const key = `endorsement-${Date.now()}`;
  const value = `value of ${key}`;
  let txId: string;

  const baseline = (as: string, peer = as): Contract =>
    fabric
      .gateway({ as, peer })
      .getNetwork(fabric.description.channel)
      .getContract(fabric.description.baselineChaincode);

  beforeAll(async () => {
    fabric = openFabricNetwork();
    const commit = await baseline('ITDeptMSP').submitAsync('Put', { arguments: [key, value] });
    txId = commit.getTransactionId();
    const status = await commit.getStatus();
    expect(status.code).toBe(validationCodes.VALID);
  });

  afterAll(() => {
    fabric.close();
  });

  it('commits VALID with endorsements from both department orgs, as the ledger records it', async () => {
    const network = fabric.gateway({ as: 'ITDeptMSP' }).getNetwork(fabric.description.channel);
    const recorded = await recordedTransaction(network, txId);
    expect(recorded.validationCode).toBe(validationCodes.VALID);
    expect(recorded.creatorMspId).toBe('ITDeptMSP');
    expect([...recorded.endorserMspIds].sort()).toEqual(['CivicChamberMSP', 'ITDeptMSP']);
  });

  it('records the same endorsers on the regulator peer, which endorsed nothing', async () => {
    const network = fabric
      .gateway({ as: fabric.regulator.mspId })
      .getNetwork(fabric.description.channel);
    const recorded = await recordedTransaction(network, txId);
    expect(recorded.validationCode).toBe(validationCodes.VALID);
    expect(recorded.endorserMspIds).not.toContain(fabric.regulator.mspId);
  });

  it('reads the value back through the regulator peer as the regulator client', async () => {
    const answer = await baseline(fabric.regulator.mspId).evaluateTransaction('Get', key);
    expect(Buffer.from(answer).toString('utf8')).toBe(value);
  });
});
