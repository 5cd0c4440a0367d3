import type { AuditService } from '../services/audit.js';
import type { SpecOf } from '../validation/registry.js';
import type { Handler } from './mount.js';

export function auditHandlers(audit: AuditService): {
  listAuditEvents: Handler<SpecOf<'listAuditEvents'>>;
  getPollHistory: Handler<SpecOf<'getPollHistory'>>;
} {
  return {
    listAuditEvents: async ({ query }) => ({ status: 200, body: await audit.events(query) }),
    getPollHistory: async ({ params }) => ({
      status: 200,
      body: await audit.history(params.pollId),
    }),
  };
}
