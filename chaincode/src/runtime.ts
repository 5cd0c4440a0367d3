import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The environment variable that carries the SHA-256 of the config this organisation approved
 * (network.sh computes it from init.json). Read only by InitConfig, which refuses any other.
 */
export const CONFIG_DIGEST_VARIABLE = 'VECHE_CONFIG_SHA256';

export function pinnedConfigDigest(): string | undefined {
  return process.env[CONFIG_DIGEST_VARIABLE];
}

/**
 * What decides the chaincode's computations beyond its own code: Node (its built-in ICU and
 * time-zone database judge eligibility dates in the city's zone). Two endorsers with different
 * time-zone rules could disagree about a resident's age on the day near a rule change.
 */
export interface Runtime {
  readonly node: string;
  readonly icu: string;
  readonly tz: string;
}

export function currentRuntime(): Runtime {
  return {
    node: process.version,
    icu: process.versions.icu ?? 'none',
    tz: process.versions.tz ?? 'none',
  };
}

/** The runtime pinned in chaincode/package.json (`vecheRuntime`), the same file for every org. */
export function pinnedRuntime(packageJsonPath = join(__dirname, '..', 'package.json')): Runtime {
  const manifest = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as {
    vecheRuntime?: Partial<Runtime>;
  };
  const pinned = manifest.vecheRuntime;
  if (
    typeof pinned?.node !== 'string' ||
    typeof pinned.icu !== 'string' ||
    typeof pinned.tz !== 'string'
  ) {
    throw new Error(`${packageJsonPath} does not pin vecheRuntime {node, icu, tz}`);
  }
  return { node: pinned.node, icu: pinned.icu, tz: pinned.tz };
}

/** Every way `actual` differs from `pinned`, as `field: actual (pinned expected)`. */
export function runtimeMismatches(actual: Runtime, pinned: Runtime): string[] {
  return (['node', 'icu', 'tz'] as const)
    .filter((field) => actual[field] !== pinned[field])
    .map((field) => `${field}: ${actual[field]} (pinned ${pinned[field]})`);
}

/**
 * Refuses to load the chaincode on another runtime than the pinned one, so a chaincode server
 * on another Node never starts, rather than endorse with other time-zone rules.
 */
export function assertPinnedRuntime(actual = currentRuntime(), pinned = pinnedRuntime()): void {
  const mismatches = runtimeMismatches(actual, pinned);
  if (mismatches.length > 0) {
    throw new Error(`the veche chaincode must run on its pinned runtime; ${mismatches.join(', ')}`);
  }
}
