import { sign, type KeyObject } from 'node:crypto';
import { p256 } from '@noble/curves/nist';

const order = p256.Point.CURVE().n;

/**
 * Signs what fabric-gateway hands a signer when it is connected with `hash.none`: the whole
 * message, hashed and signed with ECDSA P-256 by Node's OpenSSL instead of fabric-gateway's
 * default signer in JavaScript (docs/performance.md, bench:signer). Fabric accepts only low-S
 * signatures, and OpenSSL does not produce them, so S is normalised (noble's Signature, used here
 * only to reshape the bytes) and the result DER-encoded as Fabric expects.
 */
export function newNativeP256Signer(key: KeyObject): (message: Uint8Array) => Promise<Uint8Array> {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('the native signer takes an EC P-256 private key');
  }
  return (message) => {
    const raw = sign('sha256', message, { key, dsaEncoding: 'ieee-p1363' });
    const signature = p256.Signature.fromBytes(raw, 'compact');
    const lowS = signature.hasHighS()
      ? new p256.Signature(signature.r, order - signature.s)
      : signature;
    return Promise.resolve(lowS.toBytes('der'));
  };
}
