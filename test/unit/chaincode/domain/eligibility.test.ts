import type { PersonalData } from '@veche/common';
import { assertEligible } from '../../../../chaincode/src/domain/eligibility';
import { makePoll } from '../pollFixture';

const details = (birthdate: string, district = 'Arbat'): PersonalData => ({
  name: 'Ivan Petrov',
  birthdate,
  district,
  phone: '+7 900 000 00 00',
  salt: '0'.repeat(64),
});

const MOSCOW = 'Europe/Moscow';

describe('assertEligible', () => {
  const adultsOnly = makePoll({ eligibility: { minAge: 18 } });
  const arbat = makePoll({ eligibility: { districts: ['Arbat', 'Tverskoy'] } });

  it('lets anyone vote in a poll without rules, even without stored details', () => {
    expect(() => {
      assertEligible(makePoll(), null, new Date(), MOSCOW);
    }).not.toThrow();
  });

  it('refuses a resident without stored details when the poll has rules', () => {
    expect(() => {
      assertEligible(adultsOnly, null, new Date(), MOSCOW);
    }).toThrow(/^NOT_ELIGIBLE: /);
  });

  it('checks the district', () => {
    const when = new Date('2026-03-10T00:00:00Z');
    expect(() => {
      assertEligible(arbat, details('1990-01-01', 'Tverskoy'), when, MOSCOW);
    }).not.toThrow();
    expect(() => {
      assertEligible(arbat, details('1990-01-01', 'Presnensky'), when, MOSCOW);
    }).toThrow("NOT_ELIGIBLE: the resident's district is not among the poll's districts");
  });

  it('counts age on the local day of the transaction, not the UTC day', () => {
    const born = details('2008-03-10');
    // 20:59:59Z is still 9 March in UTC but already 23:59:59 on 9 March in Moscow (UTC+3)...
    expect(() => {
      assertEligible(adultsOnly, born, new Date('2026-03-09T20:59:59Z'), MOSCOW);
    }).toThrow(/^NOT_ELIGIBLE: /);
    // ...and 21:00Z is 00:00 on 10 March in Moscow, the 18th birthday, while UTC is still on 9 March.
    expect(() => {
      assertEligible(adultsOnly, born, new Date('2026-03-09T21:00:00Z'), MOSCOW);
    }).not.toThrow();
    expect(() => {
      assertEligible(adultsOnly, born, new Date('2026-03-09T21:00:00Z'), 'UTC');
    }).toThrow(/^NOT_ELIGIBLE: /);
  });

  it('lets someone born on 29 February turn 18 on 1 March of a common year', () => {
    const leapling = details('2008-02-29');
    expect(() => {
      assertEligible(adultsOnly, leapling, new Date('2026-02-28T12:00:00Z'), MOSCOW);
    }).toThrow(/^NOT_ELIGIBLE: /);
    expect(() => {
      assertEligible(adultsOnly, leapling, new Date('2026-03-01T12:00:00Z'), MOSCOW);
    }).not.toThrow();
  });

  it('never puts the district or birth date in the message', () => {
    try {
      assertEligible(
        makePoll({ eligibility: { districts: ['Arbat'], minAge: 18 } }),
        details('2015-06-01', 'Presnensky'),
        new Date(),
        MOSCOW,
      );
    } catch (error) {
      expect((error as Error).message).not.toMatch(/Presnensky|2015/);
    }
    expect.assertions(1);
  });
});
