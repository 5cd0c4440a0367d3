import { z } from 'zod';
import { residentIdSchema } from './ids';

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
