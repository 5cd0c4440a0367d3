import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FabricConfig } from '../config.js';

/**
 * Asks an orderer's operations endpoint (`/healthz`, plain HTTP unless the orderer's operations
 * TLS is on) whether it is up. A node that does not answer within `timeoutMs`, or answers
 * anything but 200, counts as unreachable.
 */
export async function probeOrdererHealth(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * Unix seconds at which each client identity's certificate expires, by MSP ID. Read from the
 * files on every call, so a renewed certificate shows without a restart.
 */
export function certificateExpiry(
  identities: FabricConfig['identities'],
): Readonly<Record<string, number>> {
  const expiry: Record<string, number> = {};
  for (const { mspId, certPath } of Object.values(identities)) {
    try {
      const certificate = new X509Certificate(readFileSync(certPath));
      expiry[mspId] = Math.floor(Date.parse(certificate.validTo) / 1000);
    } catch {
      // Left out: a missing gauge is what an alert on expiry should notice.
    }
  }
  return expiry;
}
