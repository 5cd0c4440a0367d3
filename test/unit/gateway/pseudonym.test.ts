import { createPseudonymizer } from '../../../gateway/src/crypto/pseudonym.js';

describe('createPseudonymizer', () => {
  it('matches HMAC-SHA-256 computed independently by openssl', () => {
    // echo -n 'http://127.0.0.1:3001|alice' | openssl dgst -sha256 -hmac 'test-secret-test-secret-test-secret-0'
    const pseudonyms = createPseudonymizer('test-secret-test-secret-test-secret-0');
    expect(pseudonyms.residentId('http://127.0.0.1:3001', 'alice')).toBe(
      '9edc0406f1266c26af606e54d9d901327e15bcb3ced834cbbf72eccbbcf5beec',
    );
  });

  it('gives 64 lowercase hex characters that depend on issuer and subject', () => {
    const pseudonyms = createPseudonymizer('x'.repeat(32));
    const id = pseudonyms.residentId('https://idp', 'bob');
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(pseudonyms.residentId('https://other', 'bob')).not.toBe(id);
    expect(pseudonyms.residentId('https://idp', 'bob2')).not.toBe(id);
  });

  it('gives officials a pseudonym of another HMAC domain, matching openssl', () => {
    // K=$(echo -n 'veche official pseudonym v1' | openssl dgst -sha256 -hmac 'test-secret-test-secret-test-secret-0')
    // echo -n 'http://127.0.0.1:3001|alice' | openssl dgst -sha256 -mac HMAC -macopt hexkey:$K
    const pseudonyms = createPseudonymizer('test-secret-test-secret-test-secret-0');
    expect(pseudonyms.officialId('http://127.0.0.1:3001', 'alice')).toBe(
      '1f0b842d9d03f5aa9d23070bfef79a7ae9ee770246b755e86751c24dae46e1af',
    );
    expect(pseudonyms.officialId('http://127.0.0.1:3001', 'alice')).not.toBe(
      pseudonyms.residentId('http://127.0.0.1:3001', 'alice'),
    );
  });
});
