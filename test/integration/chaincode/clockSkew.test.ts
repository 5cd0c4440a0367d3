import type { Contract, Gateway } from '@hyperledger/fabric-gateway';
import { endorseAt, endorsementMessages } from '../../helpers/forgedProposal.js';
import { openFabricNetwork, type FabricNetwork } from '../../helpers/fabricNetwork.js';

// DESIGN.md section 4: a transaction's timestamp is its submitter's claim, so every endorser
// refuses a write whose timestamp is more than the configured skew (60 s on the default network)
// from its own clock. The proposals here are built by fabric-gateway, re-dated in their channel
// header and signed again, as a submitter lying about the time would do.
describe('a write proposal that lies about its time', () => {
  let fabric: FabricNetwork;
  let gw: Gateway;
  let polls: Contract;
  let keyFile: string;
  const minute = 60_000;

  const draft = (): string => {
    const now = Date.now();
    return JSON.stringify({
      title: 'Clock skew check',
      description: 'Endorsed only, never submitted',
      options: [
        { id: 'yes', label: 'Yes' },
        { id: 'no', label: 'No' },
      ],
      maxChoices: 1,
      opensAt: new Date(now + 60 * minute).toISOString(),
      closesAt: new Date(now + 120 * minute).toISOString(),
    });
  };

  const endorseCreatePollAt = (time: Date, endorsingOrganizations?: string[]) =>
    endorseAt(
      gw,
      polls,
      keyFile,
      'CreatePoll',
      {
        arguments: [draft(), 'a'.repeat(64)],
        ...(endorsingOrganizations === undefined ? {} : { endorsingOrganizations }),
      },
      time,
    );

  beforeAll(() => {
    fabric = openFabricNetwork();
    const it = fabric.org('ITDeptMSP');
    keyFile = it.client.key;
    gw = fabric.gateway({ as: it.mspId });
    polls = gw
      .getNetwork(fabric.description.channel)
      .getContract(fabric.description.chaincode, 'polls');
  });

  afterAll(() => {
    fabric.close();
  });

  it('is endorsed when the re-dated timestamp is within the skew, so the forging itself is sound', async () => {
    const transaction = await endorseCreatePollAt(new Date(Date.now() - 5_000));
    expect(transaction.getTransactionId()).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['ten minutes in the past', -10 * minute],
    ['ten minutes in the future', 10 * minute],
  ])('is refused with CLOCK_SKEW when dated %s', async (_, offset) => {
    const messages = await endorseCreatePollAt(new Date(Date.now() + offset)).then(
      () => [],
      endorsementMessages,
    );
    expect(messages.join('\n')).toMatch(/CLOCK_SKEW: /);
  });

  it('is refused by each department’s endorser on its own', async () => {
    for (const department of fabric.departments) {
      const messages = await endorseCreatePollAt(new Date(Date.now() - 10 * minute), [
        department.mspId,
      ]).then(() => [], endorsementMessages);
      expect(messages).toEqual([
        expect.stringMatching(new RegExp(`^${department.mspId}: .*CLOCK_SKEW: `)),
      ]);
    }
  });
});
