import { createHash } from 'node:crypto';
import { isTimeZone } from '@veche/common';
import { z } from 'zod';
import { fail } from '../errors';
import { MAX_ELECTORATE } from './shard';

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
  /** How far a write's timestamp may be from each endorser's clock (DESIGN.md section 4). */
  maxClockSkewSeconds: z.int().min(1).max(3600),
  /** The residents a poll may have at most, as the city plans: new polls' shard count follows it. */
  expectedElectorate: z.int().min(1).max(MAX_ELECTORATE),
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
export function assertConfigWritable(alreadyStored: boolean, isInit: boolean): void {
  if (alreadyStored && !isInit) {
    fail(
      'CONFLICT',
      'the configuration is already initialised; only the init of a new chaincode version replaces it',
    );
  }
}

/** SHA-256 (hex) of a config's canonical JSON: what every org's chaincode server is pinned to. */
export function configDigest(canonicalConfigJson: string): string {
  return createHash('sha256').update(canonicalConfigJson, 'utf8').digest('hex');
}

/**
 * The chaincode cannot read its own definition, so each organisation starts its chaincode server
 * with the digest of the config it approved (network.sh puts the same digest in the definition's
 * version). An endorser refuses any other config, so a department whose own server accepts
 * anything still cannot get a config of its choosing endorsed by the others. The digest only ever
 * rejects: it cannot make two endorsers write different values.
 */
export function assertPinnedConfig(digest: string, pinnedDigest: string | undefined): void {
  if (pinnedDigest === undefined || !/^[0-9a-f]{64}$/.test(pinnedDigest)) {
    fail('FORBIDDEN', 'this chaincode server has no approved configuration digest');
  }
  if (digest !== pinnedDigest) {
    fail('FORBIDDEN', 'this configuration is not the one the organisations approved');
  }
}
