import { isoDateSchema } from './text';

export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/**
 * Formatters by time zone. Building an Intl.DateTimeFormat loads the zone's rules and was the
 * chaincode's second largest cost per ballot in a CPU profile (docs/performance.md); a zone's
 * formatter answers the same for every transaction. Only valid zones get here, so the map is
 * bounded by the IANA list.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function parseIsoDate(text: string): CalendarDate {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null || !isoDateSchema.safeParse(text).success) {
    throw new RangeError('not a YYYY-MM-DD calendar date');
  }
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

/** The calendar date that a wall clock in `timeZone` shows at `instant`. */
export function dateInTimeZone(instant: Date, timeZone: string): CalendarDate {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const field = (type: Intl.DateTimeFormatPartTypes): number => {
    const part = parts.find((p) => p.type === type);
    if (part === undefined) {
      throw new RangeError(`Intl gave no ${type} for ${timeZone}`);
    }
    return Number(part.value);
  };
  return { year: field('year'), month: field('month'), day: field('day') };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * Completed years between a birth date and `on`. Someone born on 29 February has their birthday
 * on 1 March in common years, the rule the API fixes for eligibility.
 */
export function ageOn(birth: CalendarDate, on: CalendarDate): number {
  const leapling = birth.month === 2 && birth.day === 29 && !isLeapYear(on.year);
  const birthdayMonth = leapling ? 3 : birth.month;
  const birthdayDay = leapling ? 1 : birth.day;
  const hadBirthday =
    on.month > birthdayMonth || (on.month === birthdayMonth && on.day >= birthdayDay);
  return on.year - birth.year - (hadBirthday ? 0 : 1);
}
