import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
  type JSONWebKeySet,
} from 'jose';

/**
 * RS256 because every OpenID relying party must accept it for ID tokens, and the provider signs
 * ID tokens and JWT access tokens with the same keys.
 */
export const signingAlg = 'RS256';

export interface SigningKeys {
  /** Private JWK set handed to oidc-provider, which publishes its public half at jwks_uri. */
  readonly privateJwks: { keys: JWK[] };
  /** The same keys without private members, for verifying tokens this process issued. */
  readonly publicJwks: JSONWebKeySet;
  /** The key /dev/token signs with: the first of the set, which the provider uses too. */
  readonly current: { readonly kid: string; readonly key: CryptoKey | Uint8Array };
}

export class SigningKeysError extends Error {
  constructor(file: string, reason: string) {
    super(`signing keys file ${file}: ${reason}`);
    this.name = 'SigningKeysError';
  }
}

const privateMembers = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);

/**
 * Reads the signing keys from `file`, generating and storing one key on first start, so tokens
 * issued before a restart still verify against the published key set.
 */
export async function loadOrCreateSigningKeys(file: string): Promise<SigningKeys> {
  const jwks = (await readKeysFile(file)) ?? (await createKeysFile(file));
  const [first] = jwks.keys;
  if (first?.kid === undefined) throw new SigningKeysError(file, 'holds no key');
  return {
    privateJwks: jwks,
    publicJwks: {
      keys: jwks.keys.map((jwk) =>
        Object.fromEntries(Object.entries(jwk).filter(([name]) => !privateMembers.has(name))),
      ),
    },
    current: { kid: first.kid, key: await importJWK(first, signingAlg) },
  };
}

async function readKeysFile(file: string): Promise<{ keys: JWK[] } | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SigningKeysError(file, `cannot be read (${(error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SigningKeysError(file, 'is not valid JSON; delete it to generate a new key');
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new SigningKeysError(file, 'must be a JWK set {"keys": [...]} with at least one key');
  }
  keys.forEach((key: unknown, index) => {
    const jwk = key as Partial<Record<string, unknown>> | null;
    if (
      jwk === null ||
      jwk.kty !== 'RSA' ||
      typeof jwk.d !== 'string' ||
      typeof jwk.kid !== 'string' ||
      jwk.alg !== signingAlg
    ) {
      throw new SigningKeysError(
        file,
        `keys[${index}] must be a private RSA JWK with kid and alg RS256`,
      );
    }
  });
  return { keys: keys as JWK[] };
}

async function createKeysFile(file: string): Promise<{ keys: JWK[] }> {
  const { privateKey } = await generateKeyPair(signingAlg, {
    extractable: true,
    modulusLength: 2048,
  });
  const jwk = await exportJWK(privateKey);
  const key: JWK = { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: signingAlg, use: 'sig' };
  const jwks = { keys: [key] };

  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, `${JSON.stringify(jwks, null, 2)}\n`, { mode: 0o600 });
  try {
    // link() fails when the file exists, so two processes starting at once agree on one key
    // set, and nobody ever reads a half-written file.
    await link(temporary, file);
    return jwks;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new SigningKeysError(file, `cannot be written (${(error as Error).message})`);
    }
    const winner = await readKeysFile(file);
    if (winner === undefined) throw new SigningKeysError(file, 'vanished while being created');
    return winner;
  } finally {
    await unlink(temporary);
  }
}
