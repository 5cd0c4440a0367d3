import { createHmac } from 'node:crypto';

/** Maps a signed-in person to the pseudonyms the ledger knows them by. */
export interface Pseudonymizer {
  /** API.md's residentId: on ballots and resident records. */
  residentId(issuer: string, subject: string): string;
  /**
   * The ID an official's acts carry in blocks and events. Another HMAC domain than residentId,
   * so an official's poll administration cannot be linked to the same person's ballots.
   */
  officialId(issuer: string, subject: string): string;
}

/** The label that derives the officials' key from the secret: a fixed, versioned domain. */
const officialDomain = 'veche official pseudonym v1';

/**
 * residentId = lowercase hex HMAC-SHA-256(secret, `${iss}|${sub}`). Keyed, so that nobody
 * without the secret can link a public residentId back to an IdP subject. officialId is the
 * same construction under a key derived from the secret for officials only:
 * HMAC-SHA-256(HMAC-SHA-256(secret, 'veche official pseudonym v1'), `${iss}|${sub}`).
 */
export function createPseudonymizer(secret: string): Pseudonymizer {
  const residentKey = Buffer.from(secret, 'utf8');
  const officialKey = createHmac('sha256', residentKey).update(officialDomain, 'utf8').digest();
  const pseudonym = (key: Buffer, issuer: string, subject: string): string =>
    createHmac('sha256', key).update(`${issuer}|${subject}`, 'utf8').digest('hex');
  return {
    residentId: (issuer, subject) => pseudonym(residentKey, issuer, subject),
    officialId: (issuer, subject) => pseudonym(officialKey, issuer, subject),
  };
}
