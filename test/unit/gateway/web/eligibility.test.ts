import { eligibilityOf } from '../../../../gateway/src/web/eligibility.js';

const zone = 'Europe/Moscow';
const adultRiverside = { district: 'Riverside', birthdate: '1988-04-12' };

describe('eligibilityOf (the web page\u2019s marks)', () => {
  it('marks a poll without rules eligible, even for a resident whose details were purged', () => {
    expect(eligibilityOf({}, null, new Date(), zone)).toBe('eligible');
  });

  it('marks a poll with rules not eligible when no details are stored', () => {
    expect(eligibilityOf({ eligibility: { minAge: 18 } }, null, new Date(), zone)).toBe(
      'not-eligible',
    );
  });

  it('checks the district against the poll\u2019s list', () => {
    const poll = { eligibility: { districts: ['Riverside'] } };
    expect(eligibilityOf(poll, adultRiverside, new Date(), zone)).toBe('eligible');
    expect(eligibilityOf(poll, { ...adultRiverside, district: 'Old Town' }, new Date(), zone)).toBe(
      'not-eligible',
    );
  });

  it('counts the age on the day in the city\u2019s time zone, not in UTC', () => {
    const poll = { eligibility: { minAge: 18 } };
    const details = { district: 'Riverside', birthdate: '2008-06-15' };
    // 22:30 UTC on 14 June is already 15 June, the 18th birthday, in Moscow (UTC+3).
    expect(eligibilityOf(poll, details, new Date('2026-06-14T22:30:00Z'), zone)).toBe('eligible');
    expect(eligibilityOf(poll, details, new Date('2026-06-14T20:30:00Z'), zone)).toBe(
      'not-eligible',
    );
  });

  it('gives someone born on 29 February their birthday on 1 March in common years', () => {
    const poll = { eligibility: { minAge: 18 } };
    const details = { district: 'Riverside', birthdate: '2008-02-29' };
    expect(eligibilityOf(poll, details, new Date('2026-02-28T12:00:00Z'), zone)).toBe(
      'not-eligible',
    );
    expect(eligibilityOf(poll, details, new Date('2026-03-01T12:00:00Z'), zone)).toBe('eligible');
  });

  it('marks a resident with no birth date not eligible for an age rule', () => {
    expect(
      eligibilityOf(
        { eligibility: { minAge: 1 } },
        { district: 'Riverside', birthdate: undefined },
        new Date(),
        zone,
      ),
    ).toBe('not-eligible');
  });
});
