import { ageOn, dateInTimeZone, isLeapYear, isTimeZone, parseIsoDate } from '@veche/common';

describe('parseIsoDate', () => {
  it('reads a YYYY-MM-DD date', () => {
    expect(parseIsoDate('2008-02-29')).toEqual({ year: 2008, month: 2, day: 29 });
  });

  it.each(['2007-02-29', '2008-13-01', '2008-1-1', '08-01-01', '2008-04-31'])(
    'rejects %s, which is not a calendar date',
    (text) => {
      expect(() => parseIsoDate(text)).toThrow(RangeError);
    },
  );
});

describe('isTimeZone', () => {
  it('accepts IANA names and rejects made-up ones', () => {
    expect(isTimeZone('Europe/Moscow')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});

describe('dateInTimeZone', () => {
  it('gives the local calendar date, which may differ from the UTC date', () => {
    const instant = new Date('2026-05-09T21:30:00Z');
    expect(dateInTimeZone(instant, 'UTC')).toEqual({ year: 2026, month: 5, day: 9 });
    expect(dateInTimeZone(instant, 'Europe/Moscow')).toEqual({ year: 2026, month: 5, day: 10 });
    expect(dateInTimeZone(instant, 'America/New_York')).toEqual({ year: 2026, month: 5, day: 9 });
  });

  it('answers for each instant and zone on its own, however often a zone is asked', () => {
    const before = new Date('2026-05-09T20:59:59Z');
    const after = new Date('2026-05-09T21:00:00Z');
    for (let i = 0; i < 3; i++) {
      expect(dateInTimeZone(before, 'Europe/Moscow')).toEqual({ year: 2026, month: 5, day: 9 });
      expect(dateInTimeZone(after, 'Europe/Moscow')).toEqual({ year: 2026, month: 5, day: 10 });
      expect(dateInTimeZone(after, 'UTC')).toEqual({ year: 2026, month: 5, day: 9 });
    }
  });

  it('still refuses a made-up zone after valid ones were asked', () => {
    expect(isTimeZone('Europe/Moscow')).toBe(true);
    expect(() => dateInTimeZone(new Date(), 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});

describe('isLeapYear', () => {
  it('follows the Gregorian rule', () => {
    expect([2024, 2000, 1900, 2026].map(isLeapYear)).toEqual([true, true, false, false]);
  });
});

describe('ageOn', () => {
  const birth = { year: 2008, month: 5, day: 10 };

  it('counts a year on the birthday itself, not the day before', () => {
    expect(ageOn(birth, { year: 2026, month: 5, day: 9 })).toBe(17);
    expect(ageOn(birth, { year: 2026, month: 5, day: 10 })).toBe(18);
  });

  it('counts a 29 February birthday on 1 March in a common year', () => {
    const leapling = { year: 2008, month: 2, day: 29 };
    expect(ageOn(leapling, { year: 2026, month: 2, day: 28 })).toBe(17);
    expect(ageOn(leapling, { year: 2026, month: 3, day: 1 })).toBe(18);
  });

  it('counts a 29 February birthday on 29 February in a leap year', () => {
    const leapling = { year: 2004, month: 2, day: 29 };
    expect(ageOn(leapling, { year: 2024, month: 2, day: 28 })).toBe(19);
    expect(ageOn(leapling, { year: 2024, month: 2, day: 29 })).toBe(20);
  });

  it('is zero on the day of birth and negative before it', () => {
    expect(ageOn(birth, birth)).toBe(0);
    expect(ageOn(birth, { year: 2008, month: 5, day: 9 })).toBe(-1);
  });
});
