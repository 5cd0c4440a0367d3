import { randomBytes } from 'node:crypto';
import { personalDataSchema, SALT_BYTES, type PersonalData } from '@veche/common';
import type { Caller } from '../auth/caller.js';
import type { Receipt, Registration, ResidentRecord } from '../validation/schemas.js';
import type { Ledger } from './ledger.js';
import type { ResidentSessions } from './ports.js';
import { LedgerError } from './ledgerErrors.js';
import { ApiProblem, invalidRequest, type FieldError } from './problems.js';

export interface ResidentService {
  register(caller: Caller): Promise<{ created: boolean; registration: Registration }>;
  get(caller: Caller): Promise<ResidentRecord>;
  purge(caller: Caller): Promise<{ purged: true }>;
  ballots(caller: Caller): Promise<{ items: Receipt[] }>;
}

/** The identity provider's claim behind each personal detail, to name it in an error. */
const claimOf = new Map([
  ['name', 'name'],
  ['birthdate', 'birthdate'],
  ['district', 'district'],
  ['phone', 'phone_number'],
]);

/**
 * Checks the details with the chaincode's own schema, so that what it would refuse fails here,
 * before an endorsement. A bad claim is the caller's problem; anything else (the salt) is ours.
 */
function checkedPersonalData(details: Record<keyof PersonalData, string>): PersonalData {
  const result = personalDataSchema.safeParse(details);
  if (result.success) return result.data;
  const claimErrors: FieldError[] = [];
  for (const issue of result.error.issues) {
    const where = issue.path.map(String).join('.');
    const claim = claimOf.get(where);
    if (claim === undefined) {
      throw new Error(
        `the gateway built personal data the chaincode would refuse: ${where} ${issue.message}`,
      );
    }
    // The message names the rule, never the value: these are personal details.
    claimErrors.push({ path: `/claims/${claim}`, message: issue.message });
  }
  throw invalidRequest(
    claimErrors,
    'The identity provider supplied details the ledger does not accept.',
  );
}

/** Turns the chaincode's NOT_FOUND for an unknown resident into the API's 404. */
async function orNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error: unknown) {
    if (
      error instanceof LedgerError &&
      error.failure.kind === 'chaincode' &&
      (error.failure.code === 'NOT_FOUND' || error.failure.code === 'NOT_REGISTERED')
    ) {
      throw new ApiProblem('not-found', 'The caller is not registered.');
    }
    throw error;
  }
}

export function createResidentService(ledger: Ledger, sessions: ResidentSessions): ResidentService {
  return {
    async register(caller): Promise<{ created: boolean; registration: Registration }> {
      const claims = await caller.personalClaims();
      const missing = (['district', 'birthdate'] as const).filter(
        (name) => (claims[name] ?? '') === '',
      );
      if (missing.length > 0) {
        throw invalidRequest(
          missing.map((name) => ({
            path: `/claims/${name}`,
            message: `the ${name} claim is required`,
          })),
          `The identity provider supplied no ${missing.join(' or ')} for this person.`,
        );
      }
      const details = checkedPersonalData({
        name: claims.name ?? '',
        birthdate: claims.birthdate ?? '',
        district: claims.district ?? '',
        phone: claims.phone_number ?? '',
        salt: randomBytes(SALT_BYTES).toString('hex'),
      });
      const { value } = await ledger.registerResident(caller.residentId, details);
      return {
        created: value.created,
        registration: {
          residentId: caller.residentId,
          district: details.district,
          registeredAt: value.registeredAt,
        },
      };
    },
    async get(caller): Promise<ResidentRecord> {
      const resident = await orNotFound(ledger.getResident(caller.residentId));
      const { district } = await orNotFound(ledger.getResidentDistrict(caller.residentId));
      return {
        residentId: resident.residentId,
        district,
        registeredAt: resident.registeredAt,
        personalDataStored: resident.personalDataStored,
      };
    },
    async purge(caller): Promise<{ purged: true }> {
      await orNotFound(ledger.getResident(caller.residentId));
      await ledger.purgeResident(caller.residentId);
      // Only once the ledger purge succeeded: a failed purge leaves the resident signed in to
      // retry it. The sessions go because they can still fetch the person's details from the IdP.
      await sessions.endAll(caller.residentId);
      return { purged: true };
    },
    async ballots(caller): Promise<{ items: Receipt[] }> {
      const { items } = await ledger.listResidentBallots(caller.residentId);
      const receipts = await Promise.all(
        items.map(async (ballot): Promise<Receipt> => {
          const tx = await ledger.getTransaction(ballot.txId);
          return {
            pollId: ballot.pollId,
            residentId: ballot.residentId,
            ballotId: ballot.ballotId,
            choices: ballot.choices,
            txId: ballot.txId,
            blockNumber: tx?.blockNumber ?? 0,
            recordedAt: ballot.recordedAt,
          };
        }),
      );
      return { items: receipts };
    },
  };
}
