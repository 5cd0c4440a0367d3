import { decodeBlock } from '../../../gateway/src/fabric/blocks.js';
import { decodeProcessedTransaction } from '../../../gateway/src/fabric/transactions.js';
import {
  blockBytes,
  codes,
  configTransaction,
  endorserTransaction,
  processedTransactionBytes,
} from '../../helpers/fabricBlocks.js';

const pollId = '0123456789abcdef0123456789abcdef';
const residentId = 'a'.repeat(64);

const ballot = endorserTransaction({
  txId: 'tx-ballot',
  time: '2030-01-02T03:04:05.678Z',
  mspId: 'ITDeptMSP',
  endorsers: ['ITDeptMSP', 'CivicChamberMSP'],
  args: ['ballots:CastBallot', pollId, residentId, '["north"]'],
  event: {
    name: 'BallotCast',
    payload: {
      action: 'BallotCast',
      mspId: 'ITDeptMSP',
      actor: 'resident',
      actorId: residentId,
      pollId,
      residentId,
      choices: ['north'],
      previousChoices: ['south'],
      revision: 2,
    },
  },
});
const conflicted = endorserTransaction({
  txId: 'tx-conflict',
  time: '2030-01-02T03:04:06Z',
  mspId: 'ITDeptMSP',
  endorsers: ['ITDeptMSP'],
  args: ['ballots:CastBallot', pollId, 'b'.repeat(64), '["south"]'],
  event: {
    name: 'BallotCast',
    payload: {
      action: 'BallotCast',
      mspId: 'ITDeptMSP',
      actor: 'resident',
      actorId: 'b'.repeat(64),
      pollId,
      residentId: 'b'.repeat(64),
      choices: ['south'],
    },
  },
});
const otherChaincode = endorserTransaction({
  txId: 'tx-other',
  time: '2030-01-02T03:04:07Z',
  mspId: 'ITDeptMSP',
  chaincode: 'baseline',
  args: ['Write', 'k', 'v'],
  event: { name: 'Written', payload: { action: 'Written', actor: 'system' } },
});

describe('decodeBlock', () => {
  it('reads each veche transaction with its validation code from TRANSACTIONS_FILTER', () => {
    const bytes = blockBytes(
      42,
      [ballot, conflicted, otherChaincode],
      [codes.VALID, codes.MVCC_READ_CONFLICT, codes.VALID],
    );
    expect(decodeBlock(bytes, 'veche')).toEqual({
      blockNumber: 42,
      records: [
        {
          txIndex: 0,
          event: {
            txId: 'tx-ballot',
            blockNumber: 42,
            timestamp: '2030-01-02T03:04:05.678Z',
            validationCode: 'VALID',
            mspId: 'ITDeptMSP',
            endorsers: ['ITDeptMSP', 'CivicChamberMSP'],
            action: 'BallotCast',
            actor: 'resident',
            actorId: residentId,
            pollId,
            residentId,
          },
          ballot: { pollId, residentId, revision: 2, choices: ['north'] },
        },
        {
          txIndex: 1,
          event: {
            txId: 'tx-conflict',
            blockNumber: 42,
            timestamp: '2030-01-02T03:04:06.000Z',
            validationCode: 'MVCC_READ_CONFLICT',
            mspId: 'ITDeptMSP',
            endorsers: ['ITDeptMSP'],
            action: 'BallotCast',
            actor: 'resident',
            actorId: 'b'.repeat(64),
            pollId,
            residentId: 'b'.repeat(64),
          },
        },
      ],
    });
  });

  it('hands the live counts only ballots that committed VALID', () => {
    const bytes = blockBytes(7, [ballot, ballot], [codes.VALID, codes.MVCC_READ_CONFLICT]);
    expect(decodeBlock(bytes, 'veche').records.map((record) => record.ballot)).toEqual([
      { pollId, residentId, revision: 2, choices: ['north'] },
      undefined,
    ]);
  });

  it('keeps the other chaincode when it is the configured one', () => {
    const bytes = blockBytes(3, [ballot, otherChaincode], [codes.VALID, codes.VALID]);
    expect(decodeBlock(bytes, 'baseline').records.map((record) => record.event.txId)).toEqual([
      'tx-other',
    ]);
  });

  it('skips config transactions and envelopes that do not decode', () => {
    expect(
      decodeBlock(
        blockBytes(0, [configTransaction('2030-01-01T00:00:00Z')], [codes.VALID]),
        'veche',
      ),
    ).toEqual({ blockNumber: 0, records: [] });
    const garbage = Uint8Array.from([0x0a, 0xff, 0xff]);
    const decoded = decodeBlock(
      blockBytes(5, [garbage, ballot], [codes.BAD_PAYLOAD, codes.VALID]),
      'veche',
    );
    expect(decoded.records.map((record) => [record.txIndex, record.event.txId])).toEqual([
      [1, 'tx-ballot'],
    ]);
  });

  it('names an event-less transaction by its function, with the system as actor', () => {
    const read = endorserTransaction({
      txId: 'tx-read',
      time: '2030-01-02T03:04:08Z',
      mspId: 'RegulatorMSP',
      args: ['polls:GetPoll', pollId],
    });
    const [record] = decodeBlock(blockBytes(7, [read], [codes.VALID]), 'veche').records;
    expect(record?.event).toEqual({
      txId: 'tx-read',
      blockNumber: 7,
      timestamp: '2030-01-02T03:04:08.000Z',
      validationCode: 'VALID',
      mspId: 'RegulatorMSP',
      endorsers: ['RegulatorMSP'],
      action: 'polls:GetPoll',
      actor: 'system',
    });
  });

  it('reports NOT_VALIDATED when the block carries no filter entry for a transaction', () => {
    const [record] = decodeBlock(blockBytes(8, [ballot], []), 'veche').records;
    expect(record?.event.validationCode).toBe('NOT_VALIDATED');
  });

  it('copies no field of the event beyond the AuditEvent ones', () => {
    const chatty = endorserTransaction({
      txId: 'tx-chatty',
      time: '2030-01-02T03:04:09Z',
      mspId: 'ITDeptMSP',
      args: ['residents:RegisterResident', residentId],
      event: {
        name: 'ResidentRegistered',
        payload: {
          action: 'ResidentRegistered',
          actor: 'resident',
          actorId: residentId,
          residentId,
          name: 'Alice Example',
          phone: '+70000000042',
          birthdate: '1990-04-12',
        },
      },
    });
    const [record] = decodeBlock(blockBytes(9, [chatty], [codes.VALID]), 'veche').records;
    expect(Object.keys(record?.event ?? {}).sort()).toEqual(
      [
        'action',
        'actor',
        'actorId',
        'blockNumber',
        'endorsers',
        'mspId',
        'residentId',
        'timestamp',
        'txId',
        'validationCode',
      ].sort(),
    );
    expect(JSON.stringify(record)).not.toMatch(/Alice|\+7000|1990-04-12/);
  });
});

describe('decodeProcessedTransaction', () => {
  it('decodes the same envelope as a block does, with qscc\u2019s validation code', () => {
    const transaction = decodeProcessedTransaction(
      processedTransactionBytes(conflicted, codes.MVCC_READ_CONFLICT),
      42,
      'veche',
    );
    expect(transaction).toEqual({
      txId: 'tx-conflict',
      validationCode: 'MVCC_READ_CONFLICT',
      blockNumber: 42,
      timestamp: '2030-01-02T03:04:06.000Z',
      mspId: 'ITDeptMSP',
      endorsers: ['ITDeptMSP'],
      function: 'ballots:CastBallot',
      args: [pollId, 'b'.repeat(64), '["south"]'],
      event: {
        name: 'BallotCast',
        payload: {
          action: 'BallotCast',
          mspId: 'ITDeptMSP',
          actor: 'resident',
          actorId: 'b'.repeat(64),
          pollId,
          residentId: 'b'.repeat(64),
          choices: ['south'],
        },
      },
    });
  });
  it('answers undefined for a configuration transaction or another chaincode’s, never throws', () => {
    expect(
      decodeProcessedTransaction(
        processedTransactionBytes(configTransaction('2030-01-02T03:04:05Z'), codes.VALID),
        0,
        'veche',
      ),
    ).toBeUndefined();
    expect(
      decodeProcessedTransaction(
        processedTransactionBytes(otherChaincode, codes.VALID),
        43,
        'veche',
      ),
    ).toBeUndefined();
  });
});
