import type { ErrorDetail } from '@hyperledger/fabric-gateway';
import { openFabricNetwork, type FabricNetwork } from '../../helpers/fabricNetwork.js';

// The regulator org's Writers policy admits only its admins, so the orderers refuse to order a
// transaction its client signed; peer/Propose is the channel's Readers, so it can still evaluate.
describe('a regulator client identity', () => {
  let fabric: FabricNetwork;
  const key = `regulator-${Date.now()}`;

  beforeAll(async () => {
    fabric = openFabricNetwork();
    const commit = await fabric
      .gateway({ as: 'ITDeptMSP' })
      .getNetwork(fabric.description.channel)
      .getContract(fabric.description.baselineChaincode)
      .submitAsync('Put', { arguments: [key, 'written by a department'] });
    await commit.getStatus();
  });

  afterAll(() => {
    fabric.close();
  });

  const regulatorBaseline = () =>
    fabric
      .gateway({ as: fabric.regulator.mspId })
      .getNetwork(fabric.description.channel)
      .getContract(fabric.description.baselineChaincode);

  it('gets endorsements but not ordering: the orderers refuse it by the Writers policy', async () => {
    const transaction = await regulatorBaseline()
      .newProposal('Put', { arguments: [key, 'written by the regulator'] })
      .endorse();
    const refusal = await transaction.submit().then(
      () => undefined,
      (error: unknown) => error,
    );
    // The gateway forwards the orderers' answers as details; its own message only says no
    // quorum of orderers accepted the transaction.
    expect(refusal).toBeInstanceOf(Error);
    const error = refusal as Error & { details?: readonly ErrorDetail[] };
    expect(error.name).toBe('SubmitError');
    expect(error.details?.length).toBeGreaterThan(0);
    for (const detail of error.details ?? []) {
      expect(detail.mspId).toBe('CityOrdererMSP');
      expect(detail.message).toMatch(/status=FORBIDDEN.*'Writers' sub-policies/);
    }
  });

  it('can evaluate through its own peer, and its refused write changed nothing', async () => {
    const answer = await regulatorBaseline().evaluateTransaction('Get', key);
    expect(Buffer.from(answer).toString('utf8')).toBe('written by a department');
  });
});
