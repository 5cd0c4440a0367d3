import { ineligibility, type PersonalData } from '@veche/common';
import { fail } from '../errors';
import type { Poll } from './poll';

// Messages say which rule failed, never the resident's district or birth date.
const messages = {
  'no-details': 'the poll has eligibility rules and no personal details are stored',
  district: "the resident's district is not among the poll's districts",
  age: "the resident is younger than the poll's minimum age",
} as const;

/**
 * Checks a resident against the poll's rules (@veche/common's `ineligibility`) on the day of the
 * transaction in the city's time zone. `details` is null when the resident's personal data was
 * never stored or was purged.
 */
export function assertEligible(
  poll: Poll,
  details: PersonalData | null,
  txTime: Date,
  timeZone: string,
): void {
  const reason = ineligibility(poll.eligibility, details, txTime, timeZone);
  if (reason !== undefined) fail('NOT_ELIGIBLE', messages[reason]);
}
