import { z } from 'zod';
import { isTimeZone } from './calendar';

const mspId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be an MSP ID');

/**
 * The organisational configuration, written once at deployment. It lives on the ledger rather
 * than in the chaincode servers' environment because every endorser must reach the same answer.
 */
export const orgConfigSchema = z.strictObject({
  departmentMspIds: z
    .array(mspId)
    .min(1)
    .max(100)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an MSP ID'),
  gatewayMspId: mspId,
  regulatorMspIds: z
    .array(mspId)
    .max(100)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an MSP ID'),
  timeZone: z.string().min(1).max(64).refine(isTimeZone, 'must be an IANA time zone'),
});

export type OrgConfig = z.output<typeof orgConfigSchema>;

/** Every MSP whose identities may read through the chaincode. */
export function knownMspIds(config: OrgConfig): ReadonlySet<string> {
  return new Set([...config.departmentMspIds, config.gatewayMspId, ...config.regulatorMspIds]);
}
