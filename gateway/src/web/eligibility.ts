import type { Poll } from '../validation/schemas.js';

/** What the page knows of a resident to mark polls: current claims or the stored record. */
export interface EligibilityDetails {
  readonly district: string | undefined;
  /** YYYY-MM-DD */
  readonly birthdate: string | undefined;
}

export type EligibilityMark = 'eligible' | 'not-eligible';

/**
 * A mark for the list, by the chaincode's rules (district among the poll's, age on the day in the
 * city's time zone, a 29 February birthday on 1 March): the ledger still decides at the ballot;
 * this only spares a resident a form they cannot use. `details` is null when the ledger holds
 * none (purged), so only polls without rules remain.
 */
export function eligibilityOf(
  poll: Pick<Poll, 'eligibility'>,
  details: EligibilityDetails | null,
  now: Date,
  timeZone: string,
): EligibilityMark {
  const districts = poll.eligibility?.districts;
  const minAge = poll.eligibility?.minAge;
  if (districts === undefined && minAge === undefined) return 'eligible';
  if (details === null) return 'not-eligible';
  if (districts !== undefined) {
    if (details.district === undefined || !districts.includes(details.district))
      return 'not-eligible';
  }
  if (minAge !== undefined) {
    const birth = parseDate(details.birthdate);
    if (birth === undefined || ageOn(birth, dateIn(now, timeZone)) < minAge) return 'not-eligible';
  }
  return 'eligible';
}

interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

function parseDate(text: string | undefined): CalendarDate | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text ?? '');
  if (match === null) return undefined;
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

function dateIn(instant: Date, timeZone: string): CalendarDate {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    calendar: 'gregory',
    numberingSystem: 'latn',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  }).formatToParts(instant);
  const field = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((part) => part.type === type)?.value);
  return { year: field('year'), month: field('month'), day: field('day') };
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function ageOn(birth: CalendarDate, on: CalendarDate): number {
  const leapling = birth.month === 2 && birth.day === 29 && !isLeapYear(on.year);
  const month = leapling ? 3 : birth.month;
  const day = leapling ? 1 : birth.day;
  const hadBirthday = on.month > month || (on.month === month && on.day >= day);
  return on.year - birth.year - (hadBirthday ? 0 : 1);
}
