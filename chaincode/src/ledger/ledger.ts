import type { Context } from 'fabric-contract-api';
import type { OrgConfig } from '../domain/config';
import { fail } from '../errors';
import { BallotRepository } from './ballotRepository';
import { ConfigRepository } from './configRepository';
import { LedgerState } from './ledgerState';
import { PollRepository } from './pollRepository';
import { ResidentRepository } from './residentRepository';
import { TallyRepository } from './tallyRepository';

/** The repositories of one transaction, over its stub. */
export interface Ledger {
  readonly state: LedgerState;
  readonly config: ConfigRepository;
  readonly polls: PollRepository;
  readonly residents: ResidentRepository;
  readonly ballots: BallotRepository;
  readonly tallies: TallyRepository;
}

export function openLedger(ctx: Context): Ledger {
  const state = new LedgerState(ctx.stub);
  return {
    state,
    config: new ConfigRepository(state),
    polls: new PollRepository(state),
    residents: new ResidentRepository(state),
    ballots: new BallotRepository(state),
    tallies: new TallyRepository(state),
  };
}

export async function requireConfig(ledger: Ledger): Promise<OrgConfig> {
  return (await ledger.config.get()) ?? fail('INVALID_STATE', 'the chaincode is not initialised');
}

export interface TransactionFacts {
  readonly txId: string;
  readonly txTime: Date;
}

/**
 * Identity and time of the transaction, from its header: the same on every endorser, unlike the
 * chaincode process's clock or random numbers.
 */
export function transactionFacts(ctx: Context): TransactionFacts {
  return { txId: ctx.stub.getTxID(), txTime: ctx.stub.getDateTimestamp() };
}
