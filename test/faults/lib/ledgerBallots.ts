import type { Network } from '@hyperledger/fabric-gateway';
import { decodeBlock } from '../../../gateway/src/fabric/blocks.js';
import { chainHeight } from '../../helpers/ledgerQueries.js';

// The ballots of one poll as the ledger holds them, read block by block from a peer through
// qscc (not through the gateway under test): every transaction of the Veche chaincode that
// names the poll, with its validation code, in ledger order.

export interface LedgerBallot {
  readonly txId: string;
  readonly validationCode: string;
  readonly blockNumber: number;
  readonly residentId: string;
  /** Present on a VALID BallotCast. */
  readonly choices?: readonly string[];
}

/** The channel's height now: the next block's number. */
export async function ledgerHeight(network: Network): Promise<number> {
  return chainHeight(network);
}

/** Every BallotCast transaction of `pollId` in blocks [from, to), valid or not. */
export async function ledgerBallots(
  network: Network,
  chaincode: string,
  pollId: string,
  from: number,
  to: number,
): Promise<LedgerBallot[]> {
  const qscc = network.getContract('qscc');
  const ballots: LedgerBallot[] = [];
  for (let number = from; number < to; number++) {
    const bytes = await qscc.evaluateTransaction(
      'GetBlockByNumber',
      network.getName(),
      String(number),
    );
    for (const record of decodeBlock(bytes, chaincode).records) {
      if (record.event.action !== 'BallotCast' || record.event.pollId !== pollId) continue;
      ballots.push({
        txId: record.event.txId,
        validationCode: record.event.validationCode,
        blockNumber: record.event.blockNumber,
        residentId: record.event.residentId ?? '',
        ...(record.ballot === undefined ? {} : { choices: record.ballot.choices }),
      });
    }
  }
  return ballots;
}
