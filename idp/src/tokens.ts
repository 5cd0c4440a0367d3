import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { optionalClaimNames, releasedClaims, type PersonClaims } from './claims.js';
import type { DemoResidents } from './demoResidents.js';
import { HttpError } from './http.js';
import { signingAlg, type SigningKeys } from './signingKeys.js';

/** Access tokens from the login flow and from /dev/token live one hour. */
export const accessTokenTtlSeconds = 3600;

export interface TokenContext {
  readonly issuer: string;
  readonly audience: string;
  readonly keys: SigningKeys;
}

/**
 * Mints an access token like the ones the provider issues after a login (RFC 9068 shape, same
 * key), but for any subject and claims. It carries no client_id: that is how userinfo tells a
 * minted token, whose claims are the whole truth, from one issued to a signed-in demo resident.
 */
export async function mintDevToken(claims: PersonClaims, context: TokenContext): Promise<string> {
  return new SignJWT(releasedClaims(claims))
    .setProtectedHeader({ alg: signingAlg, kid: context.keys.current.kid, typ: 'at+jwt' })
    .setIssuer(context.issuer)
    .setAudience(context.audience)
    .setSubject(claims.sub)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${accessTokenTtlSeconds}s`)
    .sign(context.keys.current.key);
}

/**
 * Answers userinfo for the JWT access tokens of this IdP. oidc-provider's own userinfo refuses
 * every token with an audience, and all of ours are for the API, so the gateway's fallback to
 * userinfo would otherwise never work.
 */
export class UserinfoService {
  readonly #jwks;

  constructor(
    private readonly context: TokenContext,
    private readonly residents: DemoResidents,
  ) {
    this.#jwks = createLocalJWKSet(context.keys.publicJwks);
  }

  async claimsFor(authorization: string | undefined): Promise<Record<string, unknown>> {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization ?? '');
    if (match?.[1] === undefined) {
      throw new HttpError(401, 'invalid_request', 'no bearer access token', {
        'WWW-Authenticate': 'Bearer realm="dev-idp"',
      });
    }
    const payload = await this.verify(match[1]);
    const sub = payload.sub ?? '';

    if (typeof payload.client_id === 'string') {
      const resident = this.residents.get(sub);
      if (resident === undefined) throw invalidToken('the demo account no longer exists');
      return { sub, ...releasedClaims(resident) };
    }
    const claims: Record<string, unknown> = { sub };
    for (const name of optionalClaimNames) {
      if (payload[name] !== undefined) claims[name] = payload[name];
    }
    return claims;
  }

  private async verify(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.#jwks, {
        issuer: this.context.issuer,
        audience: this.context.audience,
        algorithms: [signingAlg],
        requiredClaims: ['sub', 'exp'],
      });
      return payload;
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) throw invalidToken(error.message);
      throw error;
    }
  }
}

function invalidToken(description: string): HttpError {
  return new HttpError(401, 'invalid_token', description, {
    'WWW-Authenticate': `Bearer realm="dev-idp", error="invalid_token"`,
  });
}
