import { ageOn, dateInTimeZone, parseIsoDate } from './calendar';
import { isoDateSchema } from './text';

/** A poll's eligibility rules as the PollDraft holds them. */
export interface EligibilityRules {
  readonly districts?: readonly string[] | undefined;
  readonly minAge?: number | undefined;
}

/** What is known of a resident: the stored personal details, or a sign-in's claims. */
export interface EligibilityDetails {
  readonly district: string | undefined;
  /** YYYY-MM-DD */
  readonly birthdate: string | undefined;
}

/** Why a resident may not vote in a poll; the reason never carries the details themselves. */
export type Ineligibility = 'no-details' | 'district' | 'age';

/**
 * The one eligibility rule, for the chaincode (which decides at the ballot) and the web page
 * (which only marks polls): the district among the poll's, and the age on the day of `at` in the
 * city's time zone, with a 29 February birthday on 1 March in common years. `details` is null
 * when none are stored (never given, or purged), which fails any poll with rules.
 */
export function ineligibility(
  rules: EligibilityRules | undefined,
  details: EligibilityDetails | null,
  at: Date,
  timeZone: string,
): Ineligibility | undefined {
  const districts = rules?.districts;
  const minAge = rules?.minAge;
  if (districts === undefined && minAge === undefined) return undefined;
  if (details === null) return 'no-details';
  if (districts !== undefined) {
    if (details.district === undefined || !districts.includes(details.district)) return 'district';
  }
  if (minAge !== undefined) {
    const birthdate = details.birthdate;
    if (birthdate === undefined || !isoDateSchema.safeParse(birthdate).success) return 'age';
    if (ageOn(parseIsoDate(birthdate), dateInTimeZone(at, timeZone)) < minAge) return 'age';
  }
  return undefined;
}
