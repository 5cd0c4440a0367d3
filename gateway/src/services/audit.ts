import type { AuditEventList, AuditEventsQuery, PollHistory } from '../validation/schemas.js';
import type { Ledger } from './ledger.js';

export interface AuditService {
  events(query: AuditEventsQuery): Promise<AuditEventList>;
  history(pollId: string): Promise<PollHistory>;
}

export function createAuditService(ledger: Ledger): AuditService {
  return {
    events: (query) => ledger.listAuditEvents(query),
    history: (pollId) => ledger.getPollHistory(pollId),
  };
}
