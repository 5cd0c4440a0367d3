import type { Caller } from '../../../gateway/src/auth/caller.js';
import type { Ledger } from '../../../gateway/src/services/ledger.js';
import { LedgerError } from '../../../gateway/src/services/ledgerErrors.js';
import { createResidentService } from '../../../gateway/src/services/residents.js';

const caller: Caller = {
  subject: 'alice',
  residentId: 'a'.repeat(64),
  officialId: 'e'.repeat(64),
  roles: ['resident'],
  department: undefined,
  personalClaims: () => Promise.resolve({}),
};

/** Only the two ledger calls a purge makes; the rest of the port is never reached. */
function ledgerThat(purge: () => Promise<void>, order: string[]): Ledger {
  const partial: Pick<Ledger, 'getResident' | 'purgeResident'> = {
    getResident: (residentId) =>
      Promise.resolve({
        residentId,
        registeredAt: '2030-01-01T00:00:00Z',
        personalDataStored: true,
      }),
    purgeResident: async (residentId) => {
      await purge();
      order.push('ledger');
      return { value: { residentId, purged: true }, txId: 'tx', blockNumber: 1 };
    },
  };
  return partial as Ledger;
}

describe('ResidentService.purge', () => {
  it('ends the resident\u2019s sessions after the ledger purge succeeded', async () => {
    const order: string[] = [];
    const service = createResidentService(
      ledgerThat(() => Promise.resolve(), order),
      {
        endAll: (residentId) => {
          order.push(`sessions ${residentId}`);
          return Promise.resolve();
        },
      },
    );
    await expect(service.purge(caller)).resolves.toEqual({ purged: true });
    expect(order).toEqual(['ledger', `sessions ${caller.residentId}`]);
  });

  it('leaves the sessions alone when the ledger purge fails', async () => {
    const order: string[] = [];
    const service = createResidentService(
      ledgerThat(() => Promise.reject(new LedgerError({ kind: 'unavailable' })), order),
      {
        endAll: () => {
          order.push('sessions');
          return Promise.resolve();
        },
      },
    );
    await expect(service.purge(caller)).rejects.toBeInstanceOf(LedgerError);
    expect(order).toEqual([]);
  });
});
