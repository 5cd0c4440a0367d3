import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { Config } from '../config.js';
import { createPseudonymizer, type Pseudonymizer } from '../crypto/pseudonym.js';
import { ApiProblem } from '../services/problems.js';
import type { Caller, PersonalClaims, Role } from './caller.js';

export interface AuthVerifier {
  /** Verifies a bearer token; throws ApiProblem unauthenticated, or unavailable if the IdP is down. */
  verify(token: string): Promise<Caller>;
}

interface Discovery {
  readonly jwks_uri: string;
  readonly userinfo_endpoint?: string;
}

const knownRoles: readonly Role[] = ['resident', 'official', 'regulator'];
const personalClaimNames = ['name', 'birthdate', 'district', 'phone_number'] as const;

function unauthenticated(): ApiProblem {
  return new ApiProblem('unauthenticated', 'A valid bearer token is required.');
}

function idpUnavailable(): ApiProblem {
  return new ApiProblem('unavailable', 'The identity provider is unreachable; retry later.');
}

function pickPersonal(source: Record<string, unknown>): PersonalClaims {
  const claims: Record<string, string> = {};
  for (const name of personalClaimNames) {
    const value = source[name];
    if (typeof value === 'string') claims[name] = value;
  }
  return claims;
}

/**
 * Verifies the IdP's JWT access tokens against the keys its discovery document names:
 * signature, expiry, `iss` equal to the configured issuer, `aud` containing the API audience.
 */
export function createAuthVerifier(options: {
  readonly issuer: string;
  readonly audience: string;
  readonly departmentMspIds: readonly string[];
  readonly pseudonymizer: Pseudonymizer;
  readonly timeoutMs?: number;
}): AuthVerifier {
  const timeoutMs = options.timeoutMs ?? 5000;
  let discovery:
    Promise<{ jwks: ReturnType<typeof createRemoteJWKSet>; userinfo?: string }> | undefined;

  function discover(): Promise<{ jwks: ReturnType<typeof createRemoteJWKSet>; userinfo?: string }> {
    discovery ??= (async () => {
      const url = `${options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) throw new Error(`discovery answered ${response.status}`);
      const document = (await response.json()) as Discovery;
      if (typeof document.jwks_uri !== 'string') throw new Error('discovery has no jwks_uri');
      return {
        jwks: createRemoteJWKSet(new URL(document.jwks_uri), { timeoutDuration: timeoutMs }),
        ...(document.userinfo_endpoint === undefined
          ? {}
          : { userinfo: document.userinfo_endpoint }),
      };
    })();
    // A failed discovery is retried on the next request instead of being cached for ever.
    discovery.catch(() => {
      discovery = undefined;
    });
    return discovery;
  }

  async function userinfo(endpoint: string | undefined, token: string): Promise<PersonalClaims> {
    if (endpoint === undefined) return {};
    const response = await fetch(endpoint, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(timeoutMs),
    }).catch(() => {
      throw idpUnavailable();
    });
    if (!response.ok) return {};
    return pickPersonal((await response.json()) as Record<string, unknown>);
  }

  return {
    async verify(token: string): Promise<Caller> {
      const idp = await discover().catch(() => {
        throw idpUnavailable();
      });
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, idp.jwks, {
          issuer: options.issuer,
          audience: options.audience,
          clockTolerance: 5,
        }));
      } catch (error: unknown) {
        if (error instanceof joseErrors.JWKSTimeout) throw idpUnavailable();
        if (error instanceof joseErrors.JOSEError) throw unauthenticated();
        if (error instanceof TypeError) throw idpUnavailable();
        throw unauthenticated();
      }
      const subject = payload.sub;
      if (typeof subject !== 'string' || subject === '') throw unauthenticated();

      const rolesClaim: unknown = payload.roles;
      let roles: Role[];
      if (rolesClaim === undefined) roles = ['resident'];
      else if (Array.isArray(rolesClaim) && rolesClaim.every((role) => typeof role === 'string')) {
        roles = knownRoles.filter((role) => rolesClaim.includes(role));
      } else throw unauthenticated();

      const departmentClaim: unknown = payload.department;
      const department =
        typeof departmentClaim === 'string' && options.departmentMspIds.includes(departmentClaim)
          ? departmentClaim
          : undefined;

      const fromToken = pickPersonal(payload);
      let personal: Promise<PersonalClaims> | undefined;
      return {
        subject,
        residentId: options.pseudonymizer.residentId(options.issuer, subject),
        officialId: options.pseudonymizer.officialId(options.issuer, subject),
        roles,
        department,
        personalClaims(): Promise<PersonalClaims> {
          personal ??=
            fromToken.district !== undefined && fromToken.birthdate !== undefined
              ? Promise.resolve(fromToken)
              : userinfo(idp.userinfo, token).then((info) => ({ ...info, ...fromToken }));
          return personal;
        },
      };
    },
  };
}

/** The verifier the gateway's configuration asks for: one place for main and the tests. */
export function createConfiguredVerifier(config: Config): AuthVerifier {
  return createAuthVerifier({
    issuer: config.oidc.issuer,
    audience: config.oidc.audience,
    departmentMspIds: config.departmentMspIds,
    pseudonymizer: createPseudonymizer(config.pseudonymSecret),
  });
}
