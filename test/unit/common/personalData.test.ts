import { isoDateSchema, personalDataSchema, SALT_BYTES } from '@veche/common';

const details = {
  name: 'Анна Смирнова',
  birthdate: '1990-02-28',
  district: 'Arbat',
  phone: '+7 900 000 00 00',
  salt: '1f'.repeat(SALT_BYTES),
};

function accepts(overrides: Record<string, unknown>): boolean {
  return personalDataSchema.safeParse({ ...details, ...overrides }).success;
}

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

  it('takes a salt of 32 bytes, 64 lowercase hex digits, as DESIGN.md asks', () => {
    expect(SALT_BYTES).toBe(32);
    expect(accepts({ salt: 'a'.repeat(64) })).toBe(true);
  });

  it('rejects a 16-byte salt of 32 hex digits and names the rule', () => {
    const result = personalDataSchema.safeParse({ ...details, salt: 'a'.repeat(32) });
    expect(result.error?.issues.map((issue) => [issue.path, issue.message])).toEqual([
      [['salt'], 'must be 64 lowercase hex digits'],
    ]);
  });

  it.each([
    ['an impossible birth date', { birthdate: '1990-02-30' }],
    ['a birth date in another format', { birthdate: '28.02.1990' }],
    ['an empty district', { district: '' }],
    ['a salt one digit too long', { salt: 'a'.repeat(65) }],
    ['an uppercase salt', { salt: 'A'.repeat(64) }],
    ['a salt that is not hex', { salt: 'g'.repeat(64) }],
    ['a name over 200 code points', { name: '😀'.repeat(201) }],
    ['a phone over 64 code points', { phone: '1'.repeat(65) }],
    ['an unknown field', { email: 'x@example.org' }],
  ])('rejects %s', (_, change) => {
    expect(accepts(change)).toBe(false);
  });
});

describe('isoDateSchema', () => {
  it('accepts a real YYYY-MM-DD date, 29 February only in a leap year', () => {
    expect(isoDateSchema.safeParse('2008-02-29').success).toBe(true);
    expect(isoDateSchema.safeParse('2007-02-29').success).toBe(false);
    expect(isoDateSchema.safeParse('2008-2-29').success).toBe(false);
    expect(isoDateSchema.safeParse('2008-02-29T00:00:00Z').success).toBe(false);
  });
});
