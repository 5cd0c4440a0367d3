export const roles = ['resident', 'official', 'regulator'] as const;
export type Role = (typeof roles)[number];

/** The claims the gateway reads, as an IdP would release them for one person. */
export interface PersonClaims {
  readonly sub: string;
  readonly roles?: readonly Role[];
  readonly department?: string;
  readonly name?: string;
  readonly birthdate?: string;
  readonly district?: string;
  readonly phone_number?: string;
}

/** Claims beside `sub`, in the order they are copied into tokens and userinfo answers. */
export const optionalClaimNames = [
  'roles',
  'department',
  'name',
  'birthdate',
  'district',
  'phone_number',
] as const;

const stringClaimNames = ['department', 'name', 'birthdate', 'district', 'phone_number'] as const;

export const maxSubLength = 255;
export const maxClaimLength = 255;

/** A rejected input, with the field at fault, so callers can answer 400 or fail to start. */
export class InvalidClaimsError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'InvalidClaimsError';
  }
}

/**
 * Parses claims from untrusted JSON. Optional strings are bounded but not interpreted (a
 * birthdate need not be a date) so that tests can hand the gateway malformed claims on purpose.
 */
export function parsePersonClaims(input: unknown, at = ''): PersonClaims {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidClaimsError(at || 'body', 'must be a JSON object');
  }
  const record = input as Record<string, unknown>;
  const known = new Set<string>(['sub', ...optionalClaimNames]);
  for (const key of Object.keys(record)) {
    // Unknown members are refused rather than dropped: a typo such as "role" would otherwise
    // silently mint a token without the intended claim.
    if (!known.has(key)) throw new InvalidClaimsError(at + key, 'is not a supported claim');
  }

  const { sub } = record;
  if (typeof sub !== 'string' || sub.length < 1 || sub.length > maxSubLength) {
    throw new InvalidClaimsError(at + 'sub', `must be a string of 1..${maxSubLength} characters`);
  }

  const claims: { -readonly [K in keyof PersonClaims]: PersonClaims[K] } = { sub };
  if (record.roles !== undefined) claims.roles = parseRoles(record.roles, at + 'roles');
  for (const name of stringClaimNames) {
    const value = record[name];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.length > maxClaimLength) {
      throw new InvalidClaimsError(
        at + name,
        `must be a string of at most ${maxClaimLength} characters`,
      );
    }
    claims[name] = value;
  }
  return claims;
}

function parseRoles(value: unknown, field: string): Role[] {
  if (!Array.isArray(value)) throw new InvalidClaimsError(field, 'must be an array');
  const seen = new Set<Role>();
  for (const role of value) {
    if (!isRole(role)) {
      throw new InvalidClaimsError(field, `may contain only ${roles.join(', ')}`);
    }
    if (seen.has(role)) throw new InvalidClaimsError(field, `repeats "${role}"`);
    seen.add(role);
  }
  return [...seen];
}

function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}

/** The claims of `person` other than `sub`, leaving out those it does not have. */
export function releasedClaims(person: PersonClaims): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of optionalClaimNames) {
    const value = person[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
