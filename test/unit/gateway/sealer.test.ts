import { createSealer } from '../../../gateway/src/crypto/sealer.js';

describe('createSealer', () => {
  const secret = 'test-secret-test-secret-test-secret-0';

  it('opens a value sealed independently (Python cryptography: HKDF-SHA-256, AES-256-GCM)', () => {
    // HKDF(secret, no salt, info 'veche session idp token', 32) as key, IV 00..0b, AAD 'sid|rid'.
    const sealed = 'AAECAwQFBgcICQoLf7lT_JGcqVWbvgu28-xfZG1j9mN3cdkxtByo';
    expect(createSealer(secret, 'session idp token').open(sealed, 'sid|rid')).toBe('token-value');
  });

  it('round-trips, with a fresh IV each time', () => {
    const sealer = createSealer(secret, 'p');
    const one = sealer.seal('hello', 'ctx');
    const two = sealer.seal('hello', 'ctx');
    expect(one).not.toBe(two);
    expect(one).not.toContain('hello');
    expect(sealer.open(one, 'ctx')).toBe('hello');
    expect(sealer.open(two, 'ctx')).toBe('hello');
  });

  it('refuses another context, another purpose or key, tampering and truncation', () => {
    const sealer = createSealer(secret, 'p');
    const sealed = sealer.seal('hello', 'ctx');
    expect(sealer.open(sealed, 'other')).toBeUndefined();
    expect(createSealer(secret, 'q').open(sealed, 'ctx')).toBeUndefined();
    expect(createSealer(`${secret}x`, 'p').open(sealed, 'ctx')).toBeUndefined();
    const bytes = Buffer.from(sealed, 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    expect(sealer.open(bytes.toString('base64url'), 'ctx')).toBeUndefined();
    expect(sealer.open(sealed.slice(0, 20), 'ctx')).toBeUndefined();
    expect(sealer.open('', 'ctx')).toBeUndefined();
  });
});
