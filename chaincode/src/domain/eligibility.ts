import type { PersonalData } from '@veche/common';
import { fail } from '../errors';
import { ageOn, dateInTimeZone, parseIsoDate } from './calendar';
import { hasEligibilityRules, type Poll } from './poll';

/**
 * Checks a resident against the poll's rules on the day of the transaction in the city's time
 * zone. `details` is null when the resident's personal data was never stored or was purged.
 * Messages say which rule failed, never the resident's district or birth date.
 */
export function assertEligible(
  poll: Poll,
  details: PersonalData | null,
  txTime: Date,
  timeZone: string,
): void {
  if (!hasEligibilityRules(poll)) {
    return;
  }
  if (details === null) {
    fail('NOT_ELIGIBLE', 'the poll has eligibility rules and no personal details are stored');
  }
  const districts = poll.eligibility?.districts;
  if (districts !== undefined && !districts.includes(details.district)) {
    fail('NOT_ELIGIBLE', "the resident's district is not among the poll's districts");
  }
  const minAge = poll.eligibility?.minAge;
  if (minAge !== undefined) {
    const age = ageOn(parseIsoDate(details.birthdate), dateInTimeZone(txTime, timeZone));
    if (age < minAge) {
      fail('NOT_ELIGIBLE', "the resident is younger than the poll's minimum age");
    }
  }
}
