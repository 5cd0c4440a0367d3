import { z } from 'zod';

/**
 * A poll ID: 32 lowercase hex digits, derived by the chaincode from the creating transaction's
 * ID. The gateway answers 404 for any other form without asking the ledger (API.md: a path ID
 * that names no resource answers 404, whatever its form).
 */
export const pollIdSchema = z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex digits');

/**
 * A Fabric transaction ID: the lowercase hex SHA-256 of the proposal's nonce and creator, as
 * every Fabric client computes it.
 */
export const txIdSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

/** A resident's pseudonym: lowercase hex of an HMAC-SHA-256, as API.md defines it. */
export const residentIdSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');
