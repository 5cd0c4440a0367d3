import { z } from 'zod';
import { fail } from '../errors';
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

/**
 * InitConfig writes the config when none is stored. Once one is, only the init transaction of a
 * new chaincode version may replace it: the peer runs a definition that requires init only after
 * an init for its version (a version bump re-arms it) and accepts that init exactly once, and a
 * new version needs the orgs' approval. Any other call is a second call: CONFLICT.
 */
export function assertConfigWritable(stored: OrgConfig | null, isInit: boolean): void {
  if (stored !== null && !isInit) {
    fail(
      'CONFLICT',
      'the configuration is already initialised; only the init of a new chaincode version replaces it',
    );
  }
}
