import type { Caller } from '../../../gateway/src/auth/caller.js';
import { createAuditService } from '../../../gateway/src/services/audit.js';
import { createBallotService } from '../../../gateway/src/services/ballots.js';
import type { Ledger } from '../../../gateway/src/services/ledger.js';
import { LedgerError } from '../../../gateway/src/services/ledgerErrors.js';
import { createPollService } from '../../../gateway/src/services/polls.js';
import type {
  AuditIndex,
  LiveCounts,
  Locks,
  PendingTallies,
} from '../../../gateway/src/services/ports.js';
import { ApiProblem } from '../../../gateway/src/services/problems.js';

const official: Caller = {
  subject: 'olga',
  residentId: 'c'.repeat(64),
  officialId: 'd'.repeat(64),
  roles: ['official'],
  department: 'ITDeptMSP',
  personalClaims: () => Promise.resolve({}),
};
const resident: Caller = { ...official, subject: 'alice', roles: ['resident'] };

/**
 * The ledger as the chaincode answers a poll ID of the wrong form: INVALID_ARGUMENT, which the
 * API would turn into a 400. Every call is logged.
 */
function chaincodeLedger(): { ledger: Ledger; calls: string[] } {
  const calls: string[] = [];
  const ledger = new Proxy({} as Ledger, {
    get: (_target, name) => () => {
      calls.push(String(name));
      return Promise.reject(new LedgerError({ kind: 'chaincode', code: 'INVALID_ARGUMENT' }));
    },
  });
  return { ledger, calls };
}

const locks: Locks = { withLock: (_name, work) => work() };

describe('poll IDs in paths', () => {
  const malformed = ['not-a-poll', 'ABCDEF0123456789ABCDEF0123456789', '0'.repeat(31), 'x'];

  it.each(malformed)('answers 404 not-found for %s without asking the ledger', async (pollId) => {
    const { ledger, calls } = chaincodeLedger();
    const polls = createPollService(ledger, {} as LiveCounts, {} as PendingTallies);
    const ballots = createBallotService(ledger, locks, {} as LiveCounts);
    const audit = createAuditService(ledger, {} as AuditIndex);
    const attempts = [
      () => polls.get(pollId),
      () => polls.open(official, pollId),
      () => polls.close(official, pollId),
      () => polls.results(pollId),
      () => ballots.cast(resident, pollId, ['a']),
      () => audit.history(pollId),
    ];
    for (const attempt of attempts) {
      const failure: unknown = await attempt().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ApiProblem);
      expect(failure).toMatchObject({ type: 'not-found', status: 404 });
    }
    expect(calls).toEqual([]);
  });

  it('passes a well-formed ID on to the ledger', async () => {
    const { ledger, calls } = chaincodeLedger();
    const polls = createPollService(ledger, {} as LiveCounts, {} as PendingTallies);
    await expect(polls.get('0123456789abcdef0123456789abcdef')).rejects.toBeInstanceOf(LedgerError);
    expect(calls).toEqual(['getPoll']);
  });
});
