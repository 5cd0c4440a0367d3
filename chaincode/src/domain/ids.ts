import { createHash } from 'node:crypto';
import { pollIdSchema, residentIdSchema } from '@veche/common';

// One definition for the chaincode and the gateway, which answers 404 for any other form.
export { pollIdSchema, residentIdSchema };

/** Officials are named by the same kind of pseudonym as residents. */
export const officialIdSchema = residentIdSchema;

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
