// The gateway signs every proposal, every transaction envelope and every commit-status request
// (three P-256 signatures per ballot). This times fabric-gateway's default signer (ECDSA in
// JavaScript, over a SHA-256 digest) against the gateway's native one (OpenSSL through
// node:crypto, over the whole message, low-S normalised), in the same process, on messages the
// size of a ballot's proposal, and prints both rates and their ratio. No network needed.
//
// usage: npm run bench:signer -- [--count 2000] [--bytes 3000]
import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { hash, signers } from '@hyperledger/fabric-gateway';
import { newNativeP256Signer } from '../gateway/src/fabric/nativeSigner.js';
import { numericFlags } from './lib/load.js';

type Sign = (message: Uint8Array) => Promise<Uint8Array>;

async function rate(name: string, sign: Sign, messages: readonly Uint8Array[]): Promise<number> {
  for (const message of messages.slice(0, 50)) await sign(message); // warm-up
  const started = performance.now();
  for (const message of messages) await sign(message);
  const seconds = (performance.now() - started) / 1000;
  const perSecond = messages.length / seconds;
  console.log(
    `${name.padEnd(52)} ${perSecond.toFixed(0).padStart(7)} signatures/s  ${((1000 * seconds) / messages.length).toFixed(3)} ms each`,
  );
  return perSecond;
}

async function main(): Promise<void> {
  const flags = numericFlags(process.argv.slice(2), { count: 2000, bytes: 3000 });
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
  const key = createPrivateKey(pem);
  const messages = Array.from({ length: flags.count }, () => randomBytes(flags.bytes));
  const defaultSigner = signers.newPrivateKeySigner(key);
  const nativeSigner = newNativeP256Signer(key);
  console.log(`bench:signer: ${flags.count} messages of ${flags.bytes} bytes, one P-256 key`);
  const baseline = await rate(
    'fabric-gateway default (hash.sha256 + JS ECDSA)',
    (message) => defaultSigner(hash.sha256(message)),
    messages,
  );
  const native = await rate('native (node:crypto sign, low-S)', nativeSigner, messages);
  console.log(`native/default throughput ratio: ${(native / baseline).toFixed(2)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
