import { randomBytes, randomInt } from 'node:crypto';
import type { Contract } from '@hyperledger/fabric-gateway';
import { openFabricNetwork, type FabricNetwork } from '../../helpers/fabricNetwork.js';
import { openPollDraft } from '../../helpers/pollDrafts.js';
import { recordedTransaction, validationCodes } from '../../helpers/ledgerQueries.js';

// DESIGN.md section 5: a shard is tallied in chunks, each a non-paginated range read in a write
// transaction. Each chunk must read only its own keys (from after the last ballot counted), so a
// large shard never costs more than one chunk per transaction and never runs into the peer's
// totalQueryLimit, past which Fabric ends a range silently. The read sets in the blocks show
// what each chunk read.
describe('TallyShard in chunks on the real network', () => {
  let fabric: FabricNetwork;
  const shardCount = 64;
  const shard = randomInt(shardCount);
  const ballots = 5;
  const chunkSize = 2;
  let pollId: string;
  let createdShardCount: unknown;
  let residents: string[];
  const chunks: { txId: string; counted: number; done: boolean }[] = [];

  const veche = (contract: string): Contract =>
    fabric
      .gateway({ as: fabric.description.gatewayMspId })
      .getNetwork(fabric.description.channel)
      .getContract(fabric.description.chaincode, contract);

  const json = (bytes: Uint8Array): unknown => JSON.parse(Buffer.from(bytes).toString('utf8'));

  /** A pseudonym in `shard`: the chaincode shards by the first 8 hex digits modulo shardCount. */
  const residentInShard = (): string =>
    (randomInt(2 ** 26) * shardCount + shard).toString(16).padStart(8, '0') +
    randomBytes(28).toString('hex');

  const submit = async (
    contract: string,
    name: string,
    args: string[],
    transientData?: Record<string, string>,
  ): Promise<{ txId: string; result: unknown }> => {
    const departments = fabric.departments.map((org) => org.mspId);
    const commit = await veche(contract).submitAsync(name, {
      arguments: args,
      ...(transientData === undefined
        ? {}
        : { transientData, endorsingOrganizations: departments }),
    });
    const status = await commit.getStatus();
    expect(status.code).toBe(validationCodes.VALID);
    return { txId: commit.getTransactionId(), result: json(commit.getResult()) };
  };

  beforeAll(async () => {
    fabric = openFabricNetwork();
    const official = randomBytes(32).toString('hex');
    const { result: poll } = await submit('polls', 'CreatePoll', [
      JSON.stringify(
        openPollDraft(
          'Chunked tally',
          { yes: 'Yes', no: 'No' },
          { description: 'Five ballots in one shard' },
        ),
      ),
      official,
    ]);
    ({ pollId } = poll as { pollId: string });
    ({ shardCount: createdShardCount } = poll as { shardCount: unknown });
    await submit('polls', 'OpenPoll', [pollId, official]);
    residents = Array.from({ length: ballots }, residentInShard).sort();
    for (const [i, residentId] of residents.entries()) {
      const personalData = {
        birthdate: '1980-01-01',
        district: 'Test district',
        salt: randomBytes(32).toString('hex'),
      };
      await submit('residents', 'RegisterResident', [residentId], {
        personalData: JSON.stringify(personalData),
      });
      await submit('ballots', 'CastBallot', [
        pollId,
        residentId,
        JSON.stringify([i % 2 === 0 ? 'yes' : 'no']),
      ]);
    }
    await submit('polls', 'ClosePoll', [pollId, official]);
    for (let call = 0; call < 4; call += 1) {
      const { txId, result } = await submit('tally', 'TallyShard', [
        pollId,
        String(shard),
        String(chunkSize),
      ]);
      const { counted, done } = result as { counted: number; done: boolean };
      chunks.push({ txId, counted, done });
      if (done) break;
    }
  });

  afterAll(() => {
    fabric.close();
  });

  it('gives a poll the shard count the configured electorate asks for (64 for a million)', () => {
    expect(createdShardCount).toBe(shardCount);
  });

  it('counts the shard in chunks of chunkSize and marks it done in the chunk that reaches its end', () => {
    expect(chunks.map(({ counted, done }) => ({ counted, done }))).toEqual([
      { counted: 2, done: false },
      { counted: 2, done: false },
      { counted: 1, done: true },
    ]);
  });

  it('reads in each chunk only the keys after the last ballot the previous chunk counted', async () => {
    const network = fabric
      .gateway({ as: fabric.regulator.mspId })
      .getNetwork(fabric.description.channel);
    // The last attribute of a composite key, however many U+0000 end it.
    const residentOf = (key: string): string =>
      key
        .split('\u0000')
        .filter((part) => part !== '')
        .at(-1) ?? '';
    const starts: string[][] = [];
    for (const [i, { txId }] of chunks.entries()) {
      const recorded = await recordedTransaction(network, txId);
      const ranges = recorded.rangeReads.filter(
        (range) => range.namespace === fabric.description.chaincode,
      );
      // The peer records what its iterator fetched (a batch may run past what the chunk used),
      // never a key at or before where the chunk resumed.
      const resumeAfter = i === 0 ? '' : residents[2 * i - 1]!;
      for (const range of ranges) {
        for (const key of range.keys) expect(residentOf(key) > resumeAfter).toBe(true);
      }
      starts.push(ranges.map((range) => residentOf(range.startKey)));
    }
    // A range's start is the shard's prefix (no resident) or a resident's key + U+0000; the last
    // chunk reads once more after its last ballot to tell the shard's end from a cut range.
    expect(starts).toEqual([
      [String(shard).padStart(4, '0')],
      [residents[1]],
      [residents[3], residents[4]],
    ]);
  });

  it('sums what the chunks counted, every ballot once', async () => {
    const tally = json(await veche('tally').evaluateTransaction('GetTally', pollId));
    expect(tally).toMatchObject({ totalBallots: ballots, counts: { yes: 3, no: 2 } });
  });
});
