import { boundedText } from '@veche/common';
import { z } from 'zod';
import { isoDateSchema } from './calendar';
import { residentIdSchema } from './ids';

/**
 * What goes to the private collection. The salt makes the value's hash, which Fabric writes into
 * the block, impossible to confirm by guessing a name and birth date. Name and phone may be empty
 * when the identity provider has none; district and birth date are required for eligibility.
 */
export const personalDataSchema = z.strictObject({
  name: boundedText(0, 200).default(''),
  birthdate: isoDateSchema,
  district: boundedText(1, 200),
  phone: boundedText(0, 64).default(''),
  salt: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
});
export type PersonalData = z.output<typeof personalDataSchema>;

export const residentRecordSchema = z.strictObject({
  residentId: residentIdSchema,
  registeredAt: z.iso.datetime(),
  personalDataStored: z.boolean(),
});
export type ResidentRecord = z.output<typeof residentRecordSchema>;

/** A second registration keeps the first registration time; it only stores fresh details. */
export function registerResident(
  residentId: string,
  existing: ResidentRecord | null,
  txTime: Date,
): ResidentRecord {
  return {
    residentId,
    registeredAt: existing?.registeredAt ?? txTime.toISOString(),
    personalDataStored: true,
  };
}

export function purgeResident(record: ResidentRecord): ResidentRecord {
  return { ...record, personalDataStored: false };
}
