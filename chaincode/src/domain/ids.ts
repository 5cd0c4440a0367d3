import { createHash } from 'node:crypto';
import { z } from 'zod';

/** A resident's pseudonym: lowercase hex of an HMAC-SHA-256, as API.md defines it. */
export const residentIdSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

/** Officials are named by the same kind of pseudonym as residents. */
export const officialIdSchema = residentIdSchema;

export const pollIdSchema = z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex digits');

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Poll IDs come from the creating transaction's ID, so every endorser derives the same one. */
export function pollIdFromTxId(txId: string): string {
  return sha256Hex(`poll|${txId}`).slice(0, 32);
}

/** Names the (poll, resident) ballot; re-votes keep it, so a receipt's ballotId stays stable. */
export function ballotIdOf(pollId: string, residentId: string): string {
  return sha256Hex(`ballot|${pollId}|${residentId}`);
}
