import { BallotContract } from './contracts/ballotContract';
import { ConfigContract } from './contracts/configContract';
import { PollContract } from './contracts/pollContract';
import { ResidentContract } from './contracts/residentContract';
import { TallyContract } from './contracts/tallyContract';
import { assertPinnedRuntime } from './runtime';

assertPinnedRuntime();

/** What fabric-chaincode-node loads (package.json main); each contract is `<name>:<Transaction>`. */
export const contracts = [
  ConfigContract,
  PollContract,
  ResidentContract,
  BallotContract,
  TallyContract,
];
