import { ineligibility, type EligibilityDetails } from '@veche/common';
import type { Poll } from '../validation/schemas.js';

/** What the page knows of a resident to mark polls: current claims or the stored record. */
export type { EligibilityDetails };

export type EligibilityMark = 'eligible' | 'not-eligible';

/**
 * A mark for the list, by the chaincode's own rule (@veche/common's `ineligibility`): the ledger
 * still decides at the ballot; this only spares a resident a form they cannot use. `details` is
 * null when the ledger holds none (purged), so only polls without rules remain.
 */
export function eligibilityOf(
  poll: Pick<Poll, 'eligibility'>,
  details: EligibilityDetails | null,
  now: Date,
  timeZone: string,
): EligibilityMark {
  return ineligibility(poll.eligibility, details, now, timeZone) === undefined
    ? 'eligible'
    : 'not-eligible';
}
