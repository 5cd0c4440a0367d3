import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** Authenticated encryption of small values the gateway keeps server-side but must not expose. */
export interface Sealer {
  /** base64url of IV, tag and ciphertext; `context` is bound as associated data. */
  seal(plaintext: string, context: string): string;
  /** The plaintext, or undefined when the value was tampered with or sealed for another context. */
  open(sealed: string, context: string): string | undefined;
}

const ivBytes = 12;
const tagBytes = 16;

/**
 * AES-256-GCM under a key derived from `secret` with HKDF-SHA-256 and a `purpose` label, so the
 * secret that signs cookies never serves as an encryption key itself.
 */
export function createSealer(secret: string, purpose: string): Sealer {
  const key = Buffer.from(
    hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), `veche ${purpose}`, 32),
  );
  return {
    seal(plaintext: string, context: string): string {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    open(sealed: string, context: string): string | undefined {
      const bytes = Buffer.from(sealed, 'base64url');
      if (bytes.length < ivBytes + tagBytes) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, ivBytes));
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(bytes.subarray(ivBytes, ivBytes + tagBytes));
        const body = bytes.subarray(ivBytes + tagBytes);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch {
        return undefined;
      }
    },
  };
}
