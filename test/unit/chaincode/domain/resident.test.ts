import {
  personalDataSchema,
  purgeResident,
  registerResident,
} from '../../../../chaincode/src/domain/resident';

const RESIDENT = 'c'.repeat(64);
const details = {
  name: 'Анна Смирнова',
  birthdate: '1990-02-28',
  district: 'Arbat',
  phone: '+7 900 000 00 00',
  salt: '1'.repeat(64),
};

describe('personalDataSchema', () => {
  it('accepts complete details and defaults a missing name or phone to empty', () => {
    expect(personalDataSchema.parse(details)).toEqual(details);
    const required = {
      birthdate: details.birthdate,
      district: details.district,
      salt: details.salt,
    };
    expect(personalDataSchema.parse(required)).toMatchObject({ name: '', phone: '' });
  });

  it.each([
    ['an impossible birth date', { birthdate: '1990-02-30' }],
    ['a birth date in another format', { birthdate: '28.02.1990' }],
    ['an empty district', { district: '' }],
    ['a short salt', { salt: 'ab' }],
    ['an uppercase salt', { salt: 'A'.repeat(64) }],
    ['a name over 200 code points', { name: '😀'.repeat(201) }],
    ['an unknown field', { email: 'x@example.org' }],
  ])('rejects %s', (_, change) => {
    expect(personalDataSchema.safeParse({ ...details, ...change }).success).toBe(false);
  });
});

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
