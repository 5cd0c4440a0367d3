import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayError, type Contract, type Network } from '@hyperledger/fabric-gateway';
import {
  ballotChoicesSchema,
  CHAINCODE_ERROR_CODES,
  personalDataSchema,
  pollDraftSchema,
} from '@veche/common';
import fc from 'fast-check';
import { transactionsBetween } from '../../helpers/blockScan.js';
import { openFabricNetwork, type FabricNetwork } from '../../helpers/fabricNetwork.js';
import { chainHeight } from '../../helpers/ledgerQueries.js';
import { fuzz, junkJson, junkString, mutated } from './junk.js';

// Every transaction function of the veche chaincode, listed from the metadata the deployed
// chaincode itself reports (so a new function is fuzzed without anyone adding it here), gets
// junk arguments and transient maps, submitted straight through Fabric Gateway as each
// organisation's client: every call is refused at endorsement with one of the chaincode's coded
// errors or fabric-contract-api's own refusal, never a crash, and no block carries one of them.

interface TransactionMetadata {
  readonly name: string;
  readonly tag?: readonly string[];
  readonly parameters?: readonly { readonly name: string }[];
}
interface ChaincodeMetadata {
  readonly contracts: Record<string, { readonly transactions: readonly TransactionMetadata[] }>;
}

interface Target {
  readonly fn: string;
  readonly parameters: readonly string[];
  /** Tagged SUBMIT: a transaction that writes, so junk must never be endorsed. */
  readonly writes: boolean;
}

interface JunkCall {
  readonly mspId: string;
  readonly args: readonly string[];
  readonly transient?: Readonly<Record<string, Uint8Array>>;
}

/** fabric-contract-api's answer to a call with another number of arguments than declared. */
const arityRefusal = /Expected \d+ parameters, but \d+ have been supplied/;
const unknownRefusal =
  /You've asked to invoke a function that does not exist|Contract name is not known/;
/** The peer's refusal of a proposal it cannot decode (a transient key that is not UTF-8). */
const undecodable =
  /(failed to unpack transaction proposal|error unmarshalling ChaincodeProposalPayload): string field contains invalid UTF-8/;
const codedRefusal = new RegExp(`\\b(${CHAINCODE_ERROR_CODES.join('|')}): `);
/** What a crash looks like through the peer: a JavaScript error class or a Go panic. */
const crash =
  /panic|TypeError|ReferenceError|RangeError|SyntaxError|Cannot read|is not a function|stack/i;

let fabric: FabricNetwork;
let metadata: ChaincodeMetadata;
let regulatorChannel: Network;
let heightBefore = 0;
const txIds = new Set<string>();
/** The chaincode interface as committed (docs/chaincode-interface.md is written from it). */
const fixture = JSON.parse(
  readFileSync(join(process.cwd(), 'test/fixtures/chaincode-metadata.json'), 'utf8'),
) as ChaincodeMetadata;

beforeAll(async () => {
  fabric = openFabricNetwork();
  const { channel, chaincode } = fabric.description;
  regulatorChannel = fabric.gateway({ as: fabric.regulator.mspId }).getNetwork(channel);
  const answer = await regulatorChannel
    .getContract(chaincode)
    .evaluateTransaction('org.hyperledger.fabric:GetMetadata');
  metadata = JSON.parse(Buffer.from(answer).toString('utf8')) as ChaincodeMetadata;
  heightBefore = await chainHeight(regulatorChannel);
});

afterAll(() => {
  fabric.close();
});

function contractAs(mspId: string): Contract {
  const { channel, chaincode } = fabric.description;
  return fabric.gateway({ as: mspId }).getNetwork(channel).getContract(chaincode);
}

/** The chaincode's own transaction functions; fabric-contract-api's GetMetadata is not one. */
function targets(): Target[] {
  return Object.entries(metadata.contracts)
    .filter(([name]) => name !== 'org.hyperledger.fabric')
    .flatMap(([contract, { transactions }]) =>
      transactions.map((transaction) => ({
        fn: `${contract}:${transaction.name}`,
        parameters: (transaction.parameters ?? []).map((parameter) => parameter.name),
        writes: transaction.tag?.includes('SUBMIT') ?? false,
      })),
    );
}

const text = (value: unknown): string => JSON.stringify(value);

/** Junk for one argument; a JSON argument also gets near-valid shapes its schema refuses. */
function junkArgument(parameter: string): fc.Arbitrary<string> {
  const generic = fc.oneof(junkString, junkJson.map(text));
  const now = Date.now();
  switch (parameter) {
    case 'draftJson':
      return fc.oneof(
        generic,
        mutated({
          title: 'Fuzzed',
          description: '',
          options: [
            { id: 'north', label: 'North' },
            { id: 'south', label: 'South' },
          ],
          maxChoices: 1,
          opensAt: new Date(now).toISOString(),
          closesAt: new Date(now + 86_400_000).toISOString(),
        })
          .filter((draft) => !pollDraftSchema.safeParse(draft).success)
          .map(text),
      );
    case 'choicesJson':
      return fc.oneof(
        generic,
        fc
          .array(junkString, { maxLength: 4 })
          .filter((choices) => !ballotChoicesSchema.safeParse(choices).success)
          .map(text),
      );
    default:
      return generic;
  }
}

/** Transient maps: none, junk, or a personalData field its schema refuses. */
const junkTransient: fc.Arbitrary<Record<string, Uint8Array> | undefined> = fc.option(
  fc.dictionary(
    fc.oneof(fc.constant('personalData'), junkString),
    fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      junkJson
        .filter((value) => !personalDataSchema.safeParse(value).success)
        .map((value) => Buffer.from(text(value))),
    ),
    { maxKeys: 3 },
  ),
  { nil: undefined },
);

function junkCall(target: Target): fc.Arbitrary<JunkCall> {
  const exact = fc.tuple(...target.parameters.map(junkArgument));
  const otherCount = fc
    .integer({ min: 0, max: target.parameters.length + 3 })
    .filter((count) => count !== target.parameters.length)
    .chain((count) => fc.array(junkString, { minLength: count, maxLength: count }));
  return fc.record({
    mspId: fc.constantFrom(...fabric.description.orgs.map((org) => org.mspId)),
    // A function without parameters called without arguments is a valid call, not junk.
    args:
      target.parameters.length === 0
        ? otherCount
        : fc.oneof({ weight: 4, arbitrary: exact }, { weight: 1, arbitrary: otherCount }),
    transient: junkTransient,
  });
}

/**
 * A writing function's call is endorsed and, if the peers endorse it, ordered like any client's:
 * the answer is what the endorsing peers said, or undefined when they endorsed it. A reading
 * function's call is evaluated: the answer is the peer's refusal, or undefined when it answered.
 */
async function call(target: Target, junk: JunkCall): Promise<string | undefined> {
  const proposal = contractAs(junk.mspId).newProposal(target.fn, {
    arguments: [...junk.args],
    ...(junk.transient === undefined ? {} : { transientData: junk.transient }),
  });
  try {
    if (target.writes) {
      txIds.add(proposal.getTransactionId());
      const transaction = await proposal.endorse();
      await (await transaction.submit()).getStatus();
    } else {
      await proposal.evaluate();
    }
    return undefined;
  } catch (error: unknown) {
    if (!(error instanceof GatewayError)) throw error;
    const details = error.details.map((detail) => detail.message).join(' | ');
    return details === '' ? error.message : details;
  }
}

const describeCall = (fn: string, call: JunkCall): string =>
  `${fn} as ${call.mspId} with ${call.args.length} arguments ${text(call.args.map((arg) => arg.slice(0, 80)))}${call.transient === undefined ? '' : ` and transient fields ${text(Object.keys(call.transient))}`}`;

describe('generated junk submitted to every function of the veche chaincode, on the real network', () => {
  it('finds every function of the chaincode interface in the metadata the deployed chaincode reports', () => {
    const names = (value: ChaincodeMetadata): string[] =>
      Object.entries(value.contracts)
        .filter(([name]) => name !== 'org.hyperledger.fabric')
        .flatMap(([contract, { transactions }]) =>
          transactions.map((tx) => `${contract}:${tx.name}`),
        )
        .sort();
    expect(
      targets()
        .map((target) => target.fn)
        .sort(),
    ).toEqual(names(fixture));
  });

  it('refuses junk sent to every function at endorsement with a coded chaincode error, never a crash', async () => {
    const failures: string[] = [];
    let calls = 0;
    // A read with well-formed junk (an unknown resident's ballots, say) may be answered.
    let answeredReads = 0;
    for (const target of targets()) {
      calls += await fuzz(junkCall(target), async (junk) => {
        const refusal = await call(target, junk);
        const what = describeCall(target.fn, junk);
        if (refusal === undefined) {
          if (target.writes) throw new Error(`endorsed and ordered: ${what}`);
          answeredReads += 1;
          return;
        }
        if (crash.test(refusal)) throw new Error(`a crash: ${what}: ${refusal}`);
        const arityWrong = junk.args.length !== target.parameters.length;
        if (!undecodable.test(refusal) && !(arityWrong ? arityRefusal : codedRefusal).test(refusal))
          throw new Error(`not a clear refusal: ${what}: ${refusal}`);
      }).catch((error: unknown) => {
        // fast-check keeps the property's own error as the cause of its report.
        const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
        failures.push(`${target.fn}: ${String(error)}\n${String(cause)}`);
        return 0;
      });
    }
    expect(failures).toEqual([]);
    process.stderr.write(
      `chaincode fuzz: ${calls} calls to ${targets().length} functions, ${answeredReads} reads answered, every other call refused\n`,
    );
  });

  it('refuses functions and contracts that do not exist', async () => {
    const names = fc.oneof(
      junkString,
      fc
        .tuple(fc.constantFrom(...Object.keys(metadata.contracts)), junkString)
        .map(([contract, fn]) => `${contract}:${fn}`),
    );
    const known = new Set(targets().map((target) => target.fn));
    await fuzz(
      fc.tuple(
        names.filter((name) => !known.has(name) && !known.has(`config:${name}`)),
        fc.array(junkString, { maxLength: 3 }),
      ),
      async ([name, args]) => {
        const unknown = { fn: name, parameters: [], writes: true };
        const refusal = await call(unknown, { mspId: fabric.departments[0]!.mspId, args });
        if (refusal === undefined) throw new Error(`endorsed and ordered: ${text(name)}`);
        if (!unknownRefusal.test(refusal) && !arityRefusal.test(refusal))
          throw new Error(`not a clear refusal of ${text(name)}: ${refusal}`);
      },
    );
  });

  it('left no block with one of the transactions proposed to writing or unknown functions', async () => {
    expect(txIds.size).toBeGreaterThan(0);
    const height = await chainHeight(regulatorChannel);
    const found = (await transactionsBetween(regulatorChannel, heightBefore, height)).filter((tx) =>
      txIds.has(tx.txId),
    );
    expect(found).toEqual([]);
    process.stderr.write(
      `chaincode fuzz: ${txIds.size} transactions proposed; channel height ${heightBefore} -> ${height}, none of them in a block\n`,
    );
  });
});
