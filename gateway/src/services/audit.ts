import type { AuditEventList, AuditEventsQuery, PollHistory } from '../validation/schemas.js';
import type { Ledger } from './ledger.js';
import { requirePollIdForm } from './pollIds.js';
import type { AuditIndex } from './ports.js';

export interface AuditService {
  events(query: AuditEventsQuery): Promise<AuditEventList>;
  history(pollId: string): Promise<PollHistory>;
}

/**
 * Events come from the index the block indexer keeps, so listing them needs Redis only;
 * a poll's history is a ledger query on the regulator's peer.
 */
export function createAuditService(ledger: Ledger, index: AuditIndex): AuditService {
  return {
    events: (query) => index.query(query),
    history: async (pollId) => {
      requirePollIdForm(pollId);
      return ledger.getPollHistory(pollId);
    },
  };
}
