import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { p256 } from '@noble/curves/nist';
import { newNativeP256Signer } from '../../../gateway/src/fabric/nativeSigner.js';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const halfOrder = p256.Point.CURVE().n >> 1n;

describe('the gateway’s native P-256 signer', () => {
  it('signs the whole message with SHA-256, verifiable as Fabric verifies it, with S always in the lower half', async () => {
    const signer = newNativeP256Signer(privateKey);
    // Without normalisation about half of OpenSSL's signatures have a high S: 200 cannot all be low by chance.
    for (let i = 0; i < 200; i += 1) {
      const message = createHash('sha256').update(`proposal ${i}`).digest();
      const der = await signer(message);
      expect(verify('sha256', message, publicKey, der)).toBe(true);
      const signature = p256.Signature.fromBytes(der, 'der');
      expect(signature.s <= halfOrder).toBe(true);
      // And as fabric-gateway's own signer's output is read: a DER signature over the digest.
      const digest = createHash('sha256').update(message).digest();
      expect(p256.verify(der, digest, p256.getPublicKey(privateKeyScalar()), { lowS: true })).toBe(
        true,
      );
    }
  });

  it('refuses a key that is not EC P-256', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    expect(() => newNativeP256Signer(rsa)).toThrow('EC P-256');
    expect(() => newNativeP256Signer(p384)).toThrow('EC P-256');
  });
});

function privateKeyScalar(): Uint8Array {
  const { d } = privateKey.export({ format: 'jwk' });
  return Buffer.from(d!, 'base64url');
}
