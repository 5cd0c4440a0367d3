import { purgeResident, registerResident } from '../../../../chaincode/src/domain/resident';

const RESIDENT = 'c'.repeat(64);

describe('registerResident', () => {
  it('records the first registration time and keeps it on later registrations', () => {
    const first = registerResident(RESIDENT, null, new Date('2026-01-01T00:00:00Z'));
    expect(first).toEqual({
      residentId: RESIDENT,
      registeredAt: '2026-01-01T00:00:00.000Z',
      personalDataStored: true,
    });
    const purged = purgeResident(first);
    expect(purged.personalDataStored).toBe(false);
    const again = registerResident(RESIDENT, purged, new Date('2026-02-01T00:00:00Z'));
    expect(again).toEqual(first);
  });
});
