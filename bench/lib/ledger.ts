// What the benchmarks need on the ledger before they measure: an open poll that allows re-votes
// (so a small pool of residents can cast for the whole run), and residents registered directly
// through fabric-gateway with the gateway organisation's client identity, as the gateway does.
import { randomBytes } from 'node:crypto';
import type { Contract } from '@hyperledger/fabric-gateway';
import { pollSchema } from './pollSchema.js';
import type { FabricNetwork } from '../../test/helpers/fabricNetwork.js';
import { runLoad } from './load.js';

export const benchDistrict = 'Bench district';
const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const utf8 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

export function veche(
  network: FabricNetwork,
  contract: 'polls' | 'residents' | 'ballots',
): Contract {
  const { channel, chaincode, gatewayMspId } = network.description;
  return network.gateway({ as: gatewayMspId }).getNetwork(channel).getContract(chaincode, contract);
}

/** A PollDraft open from a minute ago for a day, eligible to benchDistrict from age 16, re-votes allowed. */
export function benchDraft(title: string): Record<string, unknown> {
  const now = Date.now();
  return {
    title: `${title} ${new Date(now).toISOString()}`,
    description: 'Created by a benchmark run',
    options: [
      { id: 'north', label: 'North' },
      { id: 'south', label: 'South' },
      { id: 'east', label: 'East' },
    ],
    maxChoices: 2,
    opensAt: new Date(now - 60_000).toISOString(),
    closesAt: new Date(now + 86_400_000).toISOString(),
    eligibility: { districts: [benchDistrict], minAge: 16 },
    allowRevote: true,
    resultsVisibility: 'after-close',
  };
}

/** Creates and opens a benchDraft poll directly on the ledger; answers its ID. */
export async function openBenchPoll(network: FabricNetwork): Promise<string> {
  const draft = benchDraft('Benchmark');
  const officialId = hex(32);
  const polls = veche(network, 'polls');
  const created = pollSchema.parse(
    JSON.parse(
      utf8(await polls.submitTransaction('CreatePoll', JSON.stringify(draft), officialId)),
    ),
  );
  await polls.submitTransaction('OpenPoll', created.pollId, officialId);
  return created.pollId;
}

/** Registers `count` residents of benchDistrict, `concurrency` at a time; answers their IDs. */
export async function registerBenchResidents(
  network: FabricNetwork,
  count: number,
  concurrency: number,
): Promise<string[]> {
  const residents = veche(network, 'residents');
  const departments = network.departments.map((org) => org.mspId);
  const ids = Array.from({ length: count }, () => hex(32));
  let next = 0;
  const result = await runLoad({
    name: 'registering residents',
    seconds: 600,
    concurrency,
    maxTasks: count,
    task: async () => {
      // One shared cursor: workers finish at different speeds, so none may own a fixed slice.
      const residentId = ids[next++];
      if (residentId === undefined) return;
      const personalData = {
        name: '',
        birthdate: '1980-01-01',
        district: benchDistrict,
        phone: '',
        salt: hex(32),
      };
      await residents.submit('RegisterResident', {
        arguments: [residentId],
        transientData: { personalData: JSON.stringify(personalData) },
        endorsingOrganizations: departments,
      });
    },
  });
  if (result.failed > 0) throw new Error(`registration failed: ${result.failures.join(' | ')}`);
  return ids;
}

/** A resident's choices for its n-th ballot, varied so re-votes change the ballot. */
export function benchChoices(n: number): string[] {
  return [['north'], ['south'], ['east'], ['north', 'east']][n % 4] ?? ['north'];
}
