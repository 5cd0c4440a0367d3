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
export function callerOf(ctx: Context): Caller {
  const mspId = ctx.clientIdentity.getMSPID();
  let subject: string;
  try {
    subject = new X509Certificate(Buffer.from(ctx.clientIdentity.getIDBytes())).subject;
  } catch {
    return fail('FORBIDDEN', 'the submitter has no X.509 certificate');
  }
  return { mspId, role: roleFromOrganizationalUnits(organizationalUnits(subject)) };
}
