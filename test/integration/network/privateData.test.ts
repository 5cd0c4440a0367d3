import { createHash, randomUUID } from 'node:crypto';
import type { Contract, ErrorDetail } from '@hyperledger/fabric-gateway';
import { openFabricNetwork, type FabricNetwork } from '../../helpers/fabricNetwork.js';
import { blockOf, recordedTransaction, validationCodes } from '../../helpers/ledgerQueries.js';

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

// The privacy model of DESIGN.md section 3 on the baseline chaincode: a value passed only as
// transient data lands in the department-only collection on both department peers, never on the
// regulator's peer, and the block carries its hash, not the value.
describe('baseline PutPrivate with a transient value', () => {
  let fabric: FabricNetwork;
  const key = `private-${Date.now()}`;
  // Random, so finding it anywhere can only mean it was copied there.
  const value = `secret-${randomUUID()}`;
  let txId: string;

  const baseline = (as: string, peer = as): Contract =>
    fabric
      .gateway({ as, peer })
      .getNetwork(fabric.description.channel)
      .getContract(fabric.description.baselineChaincode);

  const readPrivate = async (as: string, peer = as): Promise<string> =>
    Buffer.from(await baseline(as, peer).evaluateTransaction('GetPrivate', key)).toString('utf8');

  /** The per-peer details of a refused evaluation; fails the test if it was not refused. */
  const failureOf = async (evaluation: Promise<string>): Promise<readonly ErrorDetail[]> => {
    const error = await evaluation.then(
      (answer) => new Error(`expected a refusal, got ${answer}`),
      (refusal: unknown) => refusal,
    );
    expect(error).toHaveProperty('details');
    return (error as { details: readonly ErrorDetail[] }).details;
  };

  beforeAll(async () => {
    fabric = openFabricNetwork();
    const commit = await baseline('ITDeptMSP').submitAsync('PutPrivate', {
      arguments: [key],
      transientData: { value },
    });
    txId = commit.getTransactionId();
    expect((await commit.getStatus()).code).toBe(validationCodes.VALID);
  });

  afterAll(() => {
    fabric.close();
  });

  it('is readable through each department peer by that department', async () => {
    for (const department of fabric.departments) {
      await expect(readPrivate(department.mspId)).resolves.toBe(value);
    }
  });

  it('is not on the regulator peer, even for a department client asking there', async () => {
    const regulator = fabric.regulator;
    // memberOnlyRead lets a department client read, so the only reason left is the data: the
    // regulator's peer has the hash from the block but never received the value.
    const asDepartment = await failureOf(readPrivate('ITDeptMSP', regulator.mspId));
    expect(asDepartment).toEqual([
      expect.objectContaining({
        address: regulator.peer.address,
        message: expect.stringContaining(
          'private data matching public hash version is not available',
        ) as unknown,
      }),
    ]);
    const asRegulator = await failureOf(readPrivate(regulator.mspId));
    expect(asRegulator).toEqual([
      expect.objectContaining({
        address: regulator.peer.address,
        message: expect.stringContaining('does not have read access permission') as unknown,
      }),
    ]);
  });

  it('leaves only the hashes of key and value in the block', async () => {
    const network = fabric.gateway({ as: 'ITDeptMSP' }).getNetwork(fabric.description.channel);
    const block = await blockOf(network, txId);
    expect(block.includes(Buffer.from(value, 'utf8'))).toBe(false);

    const recorded = await recordedTransaction(network, txId);
    expect(recorded.validationCode).toBe(validationCodes.VALID);
    expect(recorded.collectionHashes).toHaveLength(1);
    const [hashes] = recorded.collectionHashes;
    expect(hashes?.namespace).toBe(fabric.description.baselineChaincode);
    expect(hashes?.collection).toBe('baselinePrivate');
    expect(hashes?.pvtRwsetHash).toHaveLength(32);
    expect(hashes?.writes).toEqual([{ keyHash: sha256(key), valueHash: sha256(value) }]);
    expect(block.includes(sha256(value))).toBe(true);
  });
});
