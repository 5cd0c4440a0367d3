import { createHmac } from 'node:crypto';

/** Maps a signed-in person to the pseudonym the ledger knows them by. */
export interface Pseudonymizer {
  residentId(issuer: string, subject: string): string;
}

/**
 * residentId = lowercase hex HMAC-SHA-256(secret, `${iss}|${sub}`). Keyed, so that nobody
 * without the secret can link a public residentId back to an IdP subject.
 */
export function createPseudonymizer(secret: string): Pseudonymizer {
  const key = Buffer.from(secret, 'utf8');
  return {
    residentId(issuer: string, subject: string): string {
      return createHmac('sha256', key).update(`${issuer}|${subject}`, 'utf8').digest('hex');
    },
  };
}
