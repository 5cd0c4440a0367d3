import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Contract } from '@hyperledger/fabric-gateway';
import {
  networkConfigPath,
  openFabricNetwork,
  type FabricNetwork,
} from '../../helpers/fabricNetwork.js';
import type { Finding } from '../../../verifier/src/ledgerTransaction.js';
import { verifyLedger, type VerifyResult } from '../../../verifier/src/pipeline.js';
import { openDirectorySource } from '../../../verifier/src/sources/directorySource.js';
import { openPeerSource } from '../../../verifier/src/sources/peerSource.js';
import {
  createVecheSink,
  receiptHolds,
  verifyReceipt,
  type PollResult,
  type VecheSink,
} from '../../../verifier/src/veche/index.js';
import { openPollDraft } from '../../helpers/pollDrafts.js';

// Issue 9 items 2 and 3 on the real network: a poll is run through the chaincode (ballots and a
// re-vote, close, every shard tallied, the final tally), then the blocks are read back from the
// regulator's peer and Veche's result is recomputed from their write sets alone.

const run = promisify(execFile);

let fabric: FabricNetwork;
let exported: string;
let pollId: string;
let ledgerTally: { totalBallots: number; counts: Record<string, number> };
const txIds: Record<'ana1' | 'boris' | 'clara' | 'ana2', string> = {
  ana1: '',
  boris: '',
  clara: '',
  ana2: '',
};
const residents = {
  ana: randomBytes(32).toString('hex'),
  boris: randomBytes(32).toString('hex'),
  clara: randomBytes(32).toString('hex'),
};
let clean: VerifyResult;
let sink: VecheSink;

const veche = (contract: string, as?: string): Contract =>
  fabric
    .gateway({ as: as ?? fabric.description.gatewayMspId })
    .getNetwork(fabric.description.channel)
    .getContract(fabric.description.chaincode, contract);

const json = (bytes: Uint8Array): unknown => JSON.parse(Buffer.from(bytes).toString('utf8'));

async function submit(
  contract: string,
  name: string,
  args: string[],
  transientData?: Record<string, string>,
): Promise<{ txId: string; result: unknown }> {
  const commit = await veche(contract).submitAsync(name, {
    arguments: args,
    ...(transientData === undefined
      ? {}
      : { transientData, endorsingOrganizations: fabric.departments.map((org) => org.mspId) }),
  });
  expect((await commit.getStatus()).successful).toBe(true);
  return { txId: commit.getTransactionId(), result: json(commit.getResult()) };
}

/** Every shard tallied, 16 at a time as the gateway does (shards share no key), then the sum. */
async function tallyAll(shardCount: number): Promise<void> {
  const shards = Array.from({ length: shardCount }, (_, shard) => shard);
  for (let start = 0; start < shards.length; start += 16) {
    await Promise.all(
      shards
        .slice(start, start + 16)
        .map((shard) => submit('tally', 'TallyShard', [pollId, String(shard), '50000'])),
    );
  }
  await submit('tally', 'FinalizeTally', [pollId]);
}

/** Reads every block of `source` through the pipeline with a Veche sink watching the ballots. */
async function verifyWithVeche(
  source: Parameters<typeof verifyLedger>[0]['source'],
  onBlock?: (n: number, bytes: Uint8Array) => Promise<void>,
): Promise<{ result: VerifyResult; sink: VecheSink }> {
  const vecheSink = createVecheSink({ chaincode: 'veche', receiptTxIds: Object.values(txIds) });
  try {
    const result = await verifyLedger({
      source,
      sinks: [vecheSink],
      ...(onBlock === undefined ? {} : { onBlock }),
    });
    return { result, sink: vecheSink };
  } finally {
    await source.close();
  }
}

function ourPoll(results: readonly PollResult[]): PollResult {
  const found = results.find((result) => result.pollId === pollId);
  if (found === undefined) throw new Error(`the replay did not see poll ${pollId}`);
  return found;
}

beforeAll(async () => {
  fabric = openFabricNetwork();
  const department = fabric.departments[0]!.mspId;
  const official = randomBytes(32).toString('hex');
  const { result: poll } = await (async () => {
    const commit = await veche('polls', department).submitAsync('CreatePoll', {
      arguments: [
        JSON.stringify(
          openPollDraft(
            'Verifier recount',
            { north: 'North park', south: 'South park' },
            { description: 'Three residents, one re-vote', allowRevote: true },
          ),
        ),
        official,
      ],
    });
    expect((await commit.getStatus()).successful).toBe(true);
    return { result: json(commit.getResult()) as { pollId: string; shardCount: number } };
  })();
  pollId = poll.pollId;
  const asOfficial = async (name: string): Promise<void> => {
    const commit = await veche('polls', department).submitAsync(name, {
      arguments: [pollId, official],
    });
    expect((await commit.getStatus()).successful).toBe(true);
  };
  await asOfficial('OpenPoll');
  for (const residentId of Object.values(residents)) {
    await submit('residents', 'RegisterResident', [residentId], {
      personalData: JSON.stringify({
        birthdate: '1980-01-01',
        district: 'Riverside',
        salt: randomBytes(32).toString('hex'),
      }),
    });
  }
  const cast = async (residentId: string, choice: string): Promise<string> =>
    (await submit('ballots', 'CastBallot', [pollId, residentId, JSON.stringify([choice])])).txId;
  txIds.ana1 = await cast(residents.ana, 'north');
  txIds.boris = await cast(residents.boris, 'south');
  txIds.clara = await cast(residents.clara, 'north');
  txIds.ana2 = await cast(residents.ana, 'south');
  await asOfficial('ClosePoll');
  await tallyAll(poll.shardCount);
  ledgerTally = json(await veche('tally').evaluateTransaction('GetTally', pollId)) as {
    totalBallots: number;
    counts: Record<string, number>;
  };

  exported = await mkdtemp(join(tmpdir(), 'veche-recount-'));
  ({ result: clean, sink } = await verifyWithVeche(
    openPeerSource({ networkConfig: networkConfigPath() }),
    (n, bytes) => writeFile(join(exported, `${String(n)}.block`), bytes),
  ));
}, 600_000);

afterAll(async () => {
  fabric.close();
  await rm(exported, { recursive: true, force: true });
});

describe('the Veche checks of the verifier on the real ledger', () => {
  it('recomputes the poll from the blocks: the re-vote replaces the first ballot, one per resident', () => {
    expect(ourPoll(sink.results())).toMatchObject({
      status: 'closed',
      recomputed: { totalBallots: 3, counts: { north: 1, south: 2 } },
    });
  });

  it('finds the recount equal to the final tally the chaincode wrote, with no finding on the ledger', () => {
    expect(ledgerTally).toMatchObject({ totalBallots: 3, counts: { north: 1, south: 2 } });
    const result = ourPoll(sink.results());
    expect(result.tallyMatches).toBe(true);
    expect(result.ledgerTally?.tally).toMatchObject({
      totalBallots: ledgerTally.totalBallots,
      counts: ledgerTally.counts,
    });
    expect(result.ledgerTally?.verifiedValid).toBe(true);
    expect(clean.findings).toEqual([]);
  });

  it('proves the first ballot’s receipt superseded by the re-vote, and the re-vote’s counted', () => {
    const first = verifyReceipt(txIds.ana1, sink, clean.findings);
    const revote = verifyReceipt(txIds.ana2, sink, clean.findings);
    expect(revote).toMatchObject({
      verdict: 'counted',
      blockChecks: { held: true, findings: [] },
      transactionChecks: { held: true, findings: [] },
      validation: { storedName: 'VALID', verifiedValid: true },
      ballot: { pollId, residentId: residents.ana, choices: ['south'], revision: 2 },
    });
    expect(first).toMatchObject({
      verdict: 'superseded',
      ballot: { pollId, residentId: residents.ana, choices: ['north'], revision: 1 },
      supersededBy: { txId: txIds.ana2, blockNumber: revote.block?.number },
    });
    expect(first.ballot?.ballotId).toBe(revote.ballot?.ballotId);
    expect(first.block!.number).toBeLessThan(revote.block!.number);
    expect(receiptHolds(first) && receiptHolds(revote)).toBe(true);
    expect(verifyReceipt(txIds.boris, sink, clean.findings).verdict).toBe('counted');
  });

  it('reports the edited final tally as a mismatch at its block when its numbers are changed', async () => {
    const at = ourPoll(sink.results()).ledgerTally!.at;
    const file = `${String(at.blockNumber)}.block`;
    const copy = await mkdtemp(join(tmpdir(), 'veche-tally-edit-'));
    try {
      await cp(exported, copy, { recursive: true });
      const bytes = await readFile(join(copy, file));
      // The tally's canonical JSON is in the write set and again in the chaincode's response;
      // the write set comes first in the ChaincodeAction, so the first match is the written value.
      const original = Buffer.from('"counts":{"north":1,"south":2}');
      const offset = bytes.indexOf(original);
      expect(offset).toBeGreaterThan(0);
      bytes.write('"counts":{"north":2,"south":2}', offset, 'utf8');
      await writeFile(join(copy, file), bytes);

      const { result } = await verifyWithVeche(await openDirectorySource(copy));
      const tallyFindings = result.findings.filter((f: Finding) => f.check === 'veche-tally');
      expect(tallyFindings).toEqual([
        expect.objectContaining({
          blockNumber: at.blockNumber,
          txId: at.txId,
          message: expect.stringContaining(`poll ${pollId}`) as string,
        }),
      ]);
      expect(tallyFindings[0]!.message).toContain('north 1 ≠ 2');
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  it('answers --receipt from the CLI on the exported blocks, naming the superseding re-vote', async () => {
    const { stdout } = await run('node', [
      'verifier/dist/cli.js',
      '--from',
      exported,
      '--receipt',
      txIds.ana1,
    ]);
    expect(stdout).toContain(`Receipt ${txIds.ana1}`);
    expect(stdout).toContain(`superseded by ${txIds.ana2}`);
    expect(stdout).toContain('receipt HOLDS');
  });
});
