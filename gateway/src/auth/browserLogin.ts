import * as oidc from 'openid-client';
import { ApiProblem } from '../services/problems.js';

/** What the pre-login session keeps between /auth/login and /auth/callback. */
export interface PendingLogin {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  /** Already checked by safeReturnTo. */
  readonly returnTo: string;
}

export interface CompletedLogin {
  readonly accessToken: string;
  /** `sub` of the verified ID token. */
  readonly subject: string;
}

/** The gateway as an OpenID Connect client: authorization code flow with PKCE S256. */
export interface BrowserLogin {
  /** The authorization URL to redirect to, and what the callback will need to check. */
  start(returnTo: string): Promise<{ url: URL; pending: PendingLogin }>;
  /**
   * Exchanges the code of the callback (its query string) with the code verifier, checking
   * state, nonce and the ID token. Throws ApiProblem unauthenticated, or unavailable when the
   * IdP cannot be reached.
   */
  finish(callbackQuery: string, pending: PendingLogin): Promise<CompletedLogin>;
}

export const loginScopes = 'openid profile phone veche';

const maxReturnToLength = 2048;
const probeOrigin = 'http://gateway.invalid';

/**
 * A same-origin path to redirect to after sign-in, else '/'. Besides the textual rules (a single
 * leading '/', no '//' or '/\\', no scheme), the value is resolved as a browser would and must
 * stay on our origin: browsers drop tabs and newlines and read '\\' as '/', which is how
 * '/\t/evil.example' or '/\\evil' would otherwise leave the site.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxReturnToLength)
    return '/';
  // eslint-disable-next-line no-control-regex
  if (!value.startsWith('/') || /[\\\u0000-\u001f\u007f]/.test(value) || value.startsWith('//'))
    return '/';
  let url: URL;
  try {
    url = new URL(value, probeOrigin);
  } catch {
    return '/';
  }
  if (url.origin !== probeOrigin) return '/';
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith('//') ? '/' : path;
}

function isUnreachable(error: unknown): boolean {
  // openid-client passes fetch's network failures through as TypeError and wraps timeouts.
  if (error instanceof TypeError) return true;
  return (
    error instanceof oidc.ClientError &&
    (error.code === 'OAUTH_TIMEOUT' || error.code === 'OAUTH_ABORT')
  );
}

function idpUnavailable(): ApiProblem {
  return new ApiProblem('unavailable', 'The identity provider is unreachable; retry later.');
}

function signInFailed(): ApiProblem {
  return new ApiProblem('unauthenticated', 'The sign-in could not be completed; sign in again.');
}

export function createBrowserLogin(options: {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  /** Plain-HTTP issuers are accepted outside production only (the development IdP). */
  readonly allowHttpIssuer: boolean;
  readonly timeoutSeconds?: number;
}): BrowserLogin {
  let configuration: Promise<oidc.Configuration> | undefined;

  function discover(): Promise<oidc.Configuration> {
    configuration ??= oidc.discovery(
      new URL(options.issuer),
      options.clientId,
      options.clientSecret,
      undefined,
      {
        timeout: options.timeoutSeconds ?? 5,
        // The development IdP speaks plain HTTP on loopback, the case this escape hatch is for.
        // eslint-disable-next-line @typescript-eslint/no-deprecated
        execute: options.allowHttpIssuer ? [oidc.allowInsecureRequests] : [],
      },
    );
    // A failed discovery is retried on the next sign-in instead of being cached for ever.
    configuration.catch(() => {
      configuration = undefined;
    });
    return configuration.catch(() => {
      throw idpUnavailable();
    });
  }

  return {
    async start(returnTo: string): Promise<{ url: URL; pending: PendingLogin }> {
      const config = await discover();
      const pending: PendingLogin = {
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        codeVerifier: oidc.randomPKCECodeVerifier(),
        returnTo,
      };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: options.redirectUri,
        scope: loginScopes,
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      });
      return { url, pending };
    },

    async finish(callbackQuery: string, pending: PendingLogin): Promise<CompletedLogin> {
      const config = await discover();
      // Built from the registered redirect URI, not from the request's Host, because
      // openid-client derives the token request's redirect_uri from this URL.
      const currentUrl = new URL(options.redirectUri);
      currentUrl.search = callbackQuery;
      try {
        const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        const subject = tokens.claims()?.sub;
        if (subject === undefined) throw signInFailed();
        return { accessToken: tokens.access_token, subject };
      } catch (error: unknown) {
        if (error instanceof ApiProblem) throw error;
        throw isUnreachable(error) ? idpUnavailable() : signInFailed();
      }
    },
  };
}
