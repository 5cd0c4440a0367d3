import { X509Certificate } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import { roleFromOrganizationalUnits, type Caller } from '../domain/access';
import { fail } from '../errors';

/**
 * The OU values of an X.509 subject as Node prints it: one RDN per line, with multi-valued RDNs
 * joined by '+'.
 */
export function organizationalUnits(subject: string): string[] {
  return subject
    .split(/\n|\+/)
    .map((part) => part.trim())
    .filter((part) => part.startsWith('OU='))
    .map((part) => part.slice(3));
}

/**
 * The submitter's MSP ID and NodeOU role. The role comes from the certificate's OU, as Fabric's
 * MSP classifies identities when NodeOUs are enabled; the network issues no attribute certs.
 */
/**
 * Subjects by certificate (its PEM bytes, as the creator header carries them). Parsing the
 * certificate was the chaincode's largest cost per ballot in a CPU profile (docs/performance.md),
 * and the same few client certificates (the gateway's, the departments') sign nearly every
 * transaction; a certificate's subject never changes. At most `subjectCacheSize` are kept, the
 * oldest dropped first; a certificate that does not parse is not kept.
 */
const subjects = new Map<string, string>();
const subjectCacheSize = 256;

function subjectOf(idBytes: Uint8Array): string {
  const key = Buffer.from(idBytes).toString('latin1');
  const kept = subjects.get(key);
  if (kept !== undefined) return kept;
  const subject = new X509Certificate(Buffer.from(idBytes)).subject;
  if (subjects.size >= subjectCacheSize) {
    const oldest = subjects.keys().next();
    if (oldest.done !== true) subjects.delete(oldest.value);
  }
  subjects.set(key, subject);
  return subject;
}

export function callerOf(ctx: Context): Caller {
  const mspId = ctx.clientIdentity.getMSPID();
  let subject: string;
  try {
    subject = subjectOf(ctx.clientIdentity.getIDBytes());
  } catch {
    return fail('FORBIDDEN', 'the submitter has no X.509 certificate');
  }
  return { mspId, role: roleFromOrganizationalUnits(organizationalUnits(subject)) };
}
