import type { Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import type { Strategy, StrategyCreated } from 'passport';
import type { Sealer } from '../crypto/sealer.js';
import type { SessionIndex } from '../redis/sessions.js';
import { redisUnavailable } from '../redis/errors.js';
import { ApiProblem } from '../services/problems.js';
import type { PendingLogin } from './browserLogin.js';
import type { Caller, PersonalClaims, Role } from './caller.js';
import type { AuthVerifier } from './verifier.js';

/** Who a session belongs to: exactly what a Caller needs, and no personal detail. */
export interface SessionCaller {
  readonly subject: string;
  readonly roles: readonly Role[];
  readonly department: string | undefined;
  readonly residentId: string;
  readonly officialId: string;
  readonly issuer: string;
}

declare module 'express-session' {
  interface SessionData {
    /** Only in the pre-login session, between /auth/login and /auth/callback. */
    pending: PendingLogin;
    caller: SessionCaller;
    /**
     * The IdP's access token, sealed with a key derived from SESSION_SECRET. Registration needs
     * the person's current details, which the IdP answers from userinfo only to this token;
     * copying the details into the session instead would keep personal data in Redis. Sealed,
     * a Redis dump shows neither the token nor any claim it might carry.
     */
    idpToken: string;
  }
}

export const sessionCookieName = 'veche.sid';
/** A pre-login session only has to outlive one visit to the IdP's login page. */
const pendingTtlMs = 10 * 60 * 1000;
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface SessionAuthOptions {
  readonly store: session.Store;
  readonly index: SessionIndex;
  readonly sealer: Sealer;
  readonly verifier: AuthVerifier;
  readonly secret: string;
  readonly ttlSeconds: number;
  readonly secureCookie: boolean;
  readonly issuer: string;
  readonly departmentMspIds: readonly string[];
  /** The gateway's own origin: cookie-authenticated writes from any other origin are refused. */
  readonly origin: string;
}

/** Browser sessions: loading them, signing in and out, and turning one into a Caller. */
export interface SessionAuth {
  /** Loads the request's session (once); throws ApiProblem unavailable when Redis is down. */
  load(req: Request, res: Response): Promise<void>;
  /** Replaces any session of the request with a fresh pre-login session holding `pending`. */
  begin(req: Request, pending: PendingLogin): Promise<void>;
  /** Takes the pending login out of the request's session; it is good for one callback. */
  takePending(req: Request): PendingLogin | undefined;
  /** Rotates the session ID and stores the signed-in caller (session fixation defence). */
  establish(req: Request, caller: SessionCaller, accessToken: string): Promise<void>;
  /** Destroys the request's session, if any, and clears the cookie. */
  end(req: Request, res: Response): Promise<void>;
  /** The passport strategy `veche-session`: succeeds with the session's Caller, else fails. */
  readonly strategy: Strategy;
}

function callback(work: (done: (error?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    work((error?: unknown) => {
      if (error === undefined || error === null) resolve();
      else reject(redisUnavailable(error));
    });
  });
}

/** The types claim req.session always exists; it does only once `load` ran on this request. */
function loaded(req: Request): Request['session'] | undefined {
  return (req as { session?: Request['session'] }).session;
}

function signInAgain(): ApiProblem {
  return new ApiProblem(
    'unauthenticated',
    'The identity provider\u2019s token of this session has expired; sign in again.',
  );
}

export function createSessionAuth(options: SessionAuthOptions): SessionAuth {
  const cookie = {
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secureCookie,
    path: '/',
  } as const;
  const middleware: RequestHandler = session({
    name: sessionCookieName,
    secret: options.secret,
    store: options.store,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    cookie: { ...cookie, maxAge: options.ttlSeconds * 1000 },
  });

  function sealContext(sessionId: string, residentId: string): string {
    return `${sessionId}|${residentId}`;
  }

  function toCaller(req: Request, stored: SessionCaller, sealed: string | undefined): Caller {
    const context = sealContext(req.sessionID, stored.residentId);
    let personal: Promise<PersonalClaims> | undefined;
    return {
      subject: stored.subject,
      residentId: stored.residentId,
      officialId: stored.officialId,
      roles: stored.roles,
      // Re-checked per request, so a department removed from the configuration loses its power.
      department:
        stored.department !== undefined && options.departmentMspIds.includes(stored.department)
          ? stored.department
          : undefined,
      personalClaims(): Promise<PersonalClaims> {
        personal ??= (async () => {
          const token = sealed === undefined ? undefined : options.sealer.open(sealed, context);
          if (token === undefined) throw signInAgain();
          const fresh = await options.verifier.verify(token).catch((error: unknown) => {
            throw error instanceof ApiProblem && error.type === 'unauthenticated'
              ? signInAgain()
              : error;
          });
          if (fresh.subject !== stored.subject) throw signInAgain();
          return fresh.personalClaims();
        })();
        return personal;
      },
    };
  }

  const strategy: Strategy = {
    name: 'veche-session',
    authenticate(this: StrategyCreated<Strategy>, req: Request): void {
      const stored = loaded(req)?.caller;
      // A session of another issuer maps to other pseudonyms: it is not ours any more.
      if (stored === undefined || stored.issuer !== options.issuer) {
        this.fail();
        return;
      }
      // SameSite=Lax still sends the cookie from other origins of the same site (other ports,
      // sibling subdomains); a browser names the origin of a cross-origin write, so refuse it.
      const origin = req.headers.origin;
      if (!safeMethods.has(req.method) && origin !== undefined && origin !== options.origin) {
        this.error(new ApiProblem('forbidden', 'A session may not be used from another origin.'));
        return;
      }
      this.success(toCaller(req, stored, req.session.idpToken));
    },
  };

  return {
    async load(req: Request, res: Response): Promise<void> {
      if (loaded(req) !== undefined) return;
      await callback((done) => {
        void middleware(req, res, done);
      });
    },

    async begin(req: Request, pending: PendingLogin): Promise<void> {
      const previous = req.session.caller;
      if (previous !== undefined) await options.index.remove(previous.residentId, req.sessionID);
      await callback((done) => req.session.regenerate(done));
      req.session.pending = pending;
      req.session.cookie.maxAge = pendingTtlMs;
      await callback((done) => req.session.save(done));
    },

    takePending(req: Request): PendingLogin | undefined {
      const pending = req.session.pending;
      delete req.session.pending;
      return pending;
    },

    async establish(req: Request, caller: SessionCaller, accessToken: string): Promise<void> {
      await callback((done) => req.session.regenerate(done));
      // Indexed before it is stored: a session that exists is always one a purge can find.
      await options.index.add(caller.residentId, req.sessionID, options.ttlSeconds);
      req.session.caller = caller;
      req.session.idpToken = options.sealer.seal(
        accessToken,
        sealContext(req.sessionID, caller.residentId),
      );
      await callback((done) => req.session.save(done));
    },

    async end(req: Request, res: Response): Promise<void> {
      const caller = req.session.caller;
      if (caller !== undefined) await options.index.remove(caller.residentId, req.sessionID);
      await callback((done) => req.session.destroy(done));
      res.clearCookie(sessionCookieName, cookie);
    },

    strategy,
  };
}
