import type { Ledger } from './ledger.js';
import { LedgerError } from './ledgerErrors.js';

/**
 * The ledger when no Fabric identities are configured: every call fails as unreachable, so
 * ledger endpoints answer 503 unavailable and /readyz names the ledger.
 */
export function createUnconfiguredLedger(): Ledger {
  const fail = (): Promise<never> => Promise.reject(new LedgerError({ kind: 'unavailable' }));
  return {
    ping: fail,
    peerHeights: fail,
    createPoll: fail,
    openPoll: fail,
    closePoll: fail,
    getPoll: fail,
    listPolls: fail,
    getPollHistory: fail,
    registerResident: fail,
    getResident: fail,
    getResidentDistrict: fail,
    purgeResident: fail,
    castBallot: fail,
    getBallot: fail,
    listResidentBallots: fail,
    tallyShard: fail,
    finalizeTally: fail,
    getTally: fail,
    getTransaction: fail,
    resubmit: fail,
    chainInfo: fail,
    getBlock: fail,
    auditBlocks: fail,
    close: () => Promise.resolve(),
  };
}
