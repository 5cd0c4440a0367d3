import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openFabricNetwork, networkConfigPath } from '../../helpers/fabricNetwork.js';
import { openPollDraft } from '../../helpers/pollDrafts.js';
import { verifyLedger, type VerifyResult } from '../../../verifier/src/pipeline.js';
import type { VerifiedTransaction } from '../../../verifier/src/ledgerTransaction.js';
import { openDirectorySource } from '../../../verifier/src/sources/directorySource.js';
import { openPeerSource } from '../../../verifier/src/sources/peerSource.js';

// The verifier's own fabric-protos (0.3.7): the root copy predates IdentifierHeader and would
// drop the BFT signatures' identifier headers on re-serialization.
type Protos =
  typeof import('../../../verifier/node_modules/@hyperledger/fabric-protos/lib/index.js');
const { common } = createRequire(join(process.cwd(), 'verifier/package.json'))(
  '@hyperledger/fabric-protos',
) as Protos;

const run = promisify(execFile);
const tallyPrefix = '\u0000shardTally\u0000';

let exported: string;
let scratch: string;
let clean: VerifyResult;
const transactions: VerifiedTransaction[] = [];

/** Creates, opens, closes a poll and tallies one shard, so the ledger holds a tally write. */
async function writeTally(): Promise<string> {
  const fabric = openFabricNetwork();
  try {
    const contract = (name: string) =>
      fabric
        .gateway({ as: fabric.description.gatewayMspId })
        .getNetwork(fabric.description.channel)
        .getContract(fabric.description.chaincode, name);
    const submit = async (name: string, fn: string, args: string[]) => {
      const commit = await contract(name).submitAsync(fn, { arguments: args });
      expect((await commit.getStatus()).successful).toBe(true);
      return JSON.parse(Buffer.from(commit.getResult()).toString('utf8')) as unknown;
    };
    const official = randomBytes(32).toString('hex');
    const { pollId } = (await submit('polls', 'CreatePoll', [
      JSON.stringify(
        openPollDraft(
          'Verifier test',
          { yes: 'Yes', no: 'No' },
          { description: 'A poll whose tally the verifier test tampers with' },
        ),
      ),
      official,
    ])) as { pollId: string };
    await submit('polls', 'OpenPoll', [pollId, official]);
    await submit('polls', 'ClosePoll', [pollId, official]);
    await submit('tally', 'TallyShard', [pollId, '0', '10']);
    return pollId;
  } finally {
    fabric.close();
  }
}

beforeAll(async () => {
  await writeTally();
  exported = await mkdtemp(join(tmpdir(), 'veche-verify-'));
  scratch = await mkdtemp(join(tmpdir(), 'veche-tamper-'));
  const source = openPeerSource({ networkConfig: networkConfigPath() });
  try {
    clean = await verifyLedger({
      source,
      sinks: [{ onTransaction: (tx) => void transactions.push(tx), finish: () => [] }],
      onBlock: (n, bytes) => writeFile(join(exported, `${n}.block`), bytes),
    });
  } finally {
    await source.close();
  }
});

afterAll(async () => {
  await rm(exported, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
});

/** A copy of the exported blocks with block n replaced by `edit` of its bytes, verified. */
async function verifyTampered(
  n: number,
  edit: (bytes: Buffer) => Uint8Array,
): Promise<VerifyResult> {
  const dir = await mkdtemp(join(scratch, 'copy-'));
  await cp(exported, dir, { recursive: true });
  const file = join(dir, `${n}.block`);
  await writeFile(file, edit(await readFile(file)));
  return verifyLedger({ source: await openDirectorySource(dir) });
}

/** An edit of a block's bytes that replaces its metadata entry `index` with `edit` of it. */
function editMetadata(index: number, edit: (entry: Uint8Array) => Uint8Array) {
  return (bytes: Buffer): Uint8Array => {
    const block = common.Block.deserializeBinary(bytes);
    const metadata = block.getMetadata()!;
    const list = metadata.getMetadataList_asU8();
    list[index] = edit(list[index]!);
    metadata.setMetadataList(list);
    return block.serializeBinary();
  };
}

function expectFlaggedAt(result: VerifyResult, n: number, check?: string): void {
  expect(result.findings.length).toBeGreaterThan(0);
  expect(result.findings.every((finding) => finding.blockNumber >= n)).toBe(true);
  expect(
    result.findings.some((f) => f.blockNumber === n && (check === undefined || f.check === check)),
  ).toBe(true);
}

/** The last block holding a VALID endorser transaction (not the genesis config). */
function blockWithValidTx(): VerifiedTransaction {
  const tx = transactions.filter((candidate) => candidate.valid).at(-1);
  if (tx === undefined) throw new Error('the ledger holds no valid endorser transaction');
  return tx;
}

describe('the independent verifier on the real ledger', () => {
  it('verifies the clean ledger read from the regulator peer with no finding', () => {
    expect(clean.findings).toEqual([]);
    expect(clean.blocksVerified).toBe(clean.height);
    expect(clean.validTransactions).toBeGreaterThan(0);
  });

  it('exits 0 from the CLI on the exported blocks, and 2 on a usage error', async () => {
    const { stdout } = await run('node', ['verifier/dist/cli.js', '--from', exported, '--json']);
    const report = JSON.parse(stdout) as { findings: unknown[]; blocksVerified: number };
    expect(report.findings).toEqual([]);
    expect(report.blocksVerified).toBe(clean.height);
    await expect(run('node', ['verifier/dist/cli.js'])).rejects.toMatchObject({ code: 2 });
  });

  it('flags one changed byte in a block file with its block number, and the CLI exits 1', async () => {
    const { blockNumber } = blockWithValidTx();
    const dir = await mkdtemp(join(scratch, 'byte-'));
    await cp(exported, dir, { recursive: true });
    const file = join(dir, `${blockNumber}.block`);
    const bytes = await readFile(file);
    const envelope = common.Block.deserializeBinary(bytes).getData()!.getDataList_asU8()[0]!;
    const at = bytes.indexOf(Buffer.from(envelope)) + Math.floor(envelope.length / 2);
    bytes[at] = bytes[at]! ^ 0x01;
    await writeFile(file, bytes);
    const result = await verifyLedger({ source: await openDirectorySource(dir) });
    expectFlaggedAt(result, blockNumber);
    const failed = (await run('node', ['verifier/dist/cli.js', '--from', dir]).then(
      () => ({ code: 0, stdout: '' }),
      (error: unknown) => error,
    )) as { code: number; stdout: string };
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(`block ${blockNumber} `);
  });

  it('flags a block with one orderer signature removed', async () => {
    const { blockNumber } = blockWithValidTx();
    const result = await verifyTampered(
      blockNumber,
      editMetadata(0, (entry) => {
        const signatures = common.Metadata.deserializeBinary(entry);
        signatures.setSignaturesList(signatures.getSignaturesList().slice(1));
        return signatures.serializeBinary();
      }),
    );
    expectFlaggedAt(result, blockNumber, 'orderer-signatures');
  });

  it('flags a transaction whose stored validation flag was flipped, naming its txId', async () => {
    const { blockNumber, txIndex, txId } = blockWithValidTx();
    const result = await verifyTampered(
      blockNumber,
      editMetadata(2, (entry) => {
        const filter = Uint8Array.from(entry);
        filter[txIndex] = 11; // MVCC_READ_CONFLICT
        return filter;
      }),
    );
    expectFlaggedAt(result, blockNumber, 'validation-flags');
    expect(result.findings.some((finding) => finding.txId === txId)).toBe(true);
  });

  it('flags a block whose stored COMMIT_HASH is not the one its flags and writes give', async () => {
    const { blockNumber } = blockWithValidTx();
    const result = await verifyTampered(
      blockNumber,
      editMetadata(4, (entry) => {
        const commit = common.Metadata.deserializeBinary(entry);
        const hash = Uint8Array.from(commit.getValue_asU8());
        expect(hash).toHaveLength(32);
        hash[0] = hash[0]! ^ 0x01;
        commit.setValue(hash);
        return commit.serializeBinary();
      }),
    );
    expectFlaggedAt(result, blockNumber, 'commit-hash');
    expect(result.findings.every((finding) => finding.check === 'commit-hash')).toBe(true);
  });

  it('flags a tally transaction whose written numbers were edited, with its block', async () => {
    const tally = transactions.find(
      (tx) =>
        tx.valid &&
        tx.namespaces.some(
          (ns) => ns.namespace === 'veche' && ns.writes.some((w) => w.key.startsWith(tallyPrefix)),
        ),
    );
    if (tally === undefined) throw new Error('no tally write on the ledger');
    const write = tally.namespaces
      .flatMap((ns) => ns.writes)
      .find((w) => w.key.startsWith(tallyPrefix))!;
    const result = await verifyTampered(tally.blockNumber, (bytes) => {
      const at = bytes.indexOf(Buffer.from(write.value));
      expect(at).toBeGreaterThan(0);
      const text = Buffer.from(write.value).toString('utf8');
      // Edit the first digit of the stored JSON: a count or a number the tally carries.
      const digit = text.search(/[0-9]/);
      expect(digit).toBeGreaterThanOrEqual(0);
      const edited = Buffer.from(bytes);
      edited[at + digit] = text[digit] === '9' ? 0x38 : edited[at + digit]! + 1;
      return edited;
    });
    expectFlaggedAt(result, tally.blockNumber);
  });
});
