import { readFile } from 'node:fs/promises';
import { InvalidClaimsError, parsePersonClaims, type PersonClaims, type Role } from './claims.js';

/** A fictional account offered on the login page; every personal claim is present. */
export interface DemoResident extends PersonClaims {
  readonly name: string;
  readonly birthdate: string;
  readonly district: string;
  readonly phone_number: string;
  readonly roles: readonly Role[];
}

/** Demo residents by `sub`, in fixture order. */
export type DemoResidents = ReadonlyMap<string, DemoResident>;

export class DemoResidentsError extends Error {
  constructor(file: string, reason: string) {
    super(`demo residents file ${file}: ${reason}`);
    this.name = 'DemoResidentsError';
  }
}

export async function loadDemoResidents(file: string): Promise<DemoResidents> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new DemoResidentsError(file, `cannot be read (${(error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new DemoResidentsError(file, 'is not valid JSON');
  }
  try {
    return parseDemoResidents(parsed);
  } catch (error) {
    if (error instanceof InvalidClaimsError) throw new DemoResidentsError(file, error.message);
    throw error;
  }
}

export function parseDemoResidents(input: unknown): DemoResidents {
  if (!Array.isArray(input) || input.length === 0 || input.length > 100) {
    throw new InvalidClaimsError('(top level)', 'must be an array of 1..100 accounts');
  }
  const residents = new Map<string, DemoResident>();
  input.forEach((entry: unknown, index) => {
    const at = `[${index}].`;
    const claims = parsePersonClaims(entry, at);
    const { name, birthdate, district, phone_number, roles } = claims;
    if (name === undefined || district === undefined || phone_number === undefined) {
      throw new InvalidClaimsError(at, 'needs name, district and phone_number');
    }
    // Unlike /dev/token input, fixture accounts stand for well-formed people.
    if (birthdate === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(birthdate)) {
      throw new InvalidClaimsError(at + 'birthdate', 'must be YYYY-MM-DD');
    }
    if (roles === undefined || roles.length === 0) {
      throw new InvalidClaimsError(at + 'roles', 'must name at least one role');
    }
    if (residents.has(claims.sub)) throw new InvalidClaimsError(at + 'sub', 'is not unique');
    residents.set(claims.sub, { ...claims, name, birthdate, district, phone_number, roles });
  });
  return residents;
}
