import { z } from 'zod';
import { boundedText, isoDateSchema } from './text';

/**
 * Bytes of random salt per registration (DESIGN.md section 3). The gateway draws them: endorsing
 * peers running the chaincode would each draw different bytes, so only the number lives here.
 */
export const SALT_BYTES = 32;

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
  salt: z
    .string()
    .regex(
      new RegExp(`^[0-9a-f]{${SALT_BYTES * 2}}$`),
      `must be ${SALT_BYTES * 2} lowercase hex digits`,
    ),
});
export type PersonalData = z.output<typeof personalDataSchema>;
