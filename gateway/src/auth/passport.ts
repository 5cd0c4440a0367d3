import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Passport } from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { ApiProblem } from '../services/problems.js';
import type { Caller } from './caller.js';
import type { SessionAuth } from './sessions.js';
import type { AuthVerifier } from './verifier.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // passport types req.user as Express.User; ours is always a verified Caller.
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends Caller {}
  }
}

/**
 * Authenticates API requests by Bearer token first, else by the browser session; both give the
 * same Caller. A request carrying an Authorization header is judged by it alone: a bad token is
 * an error from the bearer strategy, so passport never falls through to the cookie, and the
 * session is not even loaded. A passport instance of its own (not the global singleton), so two
 * apps in one process, as in tests, never share strategies.
 */
export function createAuthenticator(verifier: AuthVerifier, sessions: SessionAuth): RequestHandler {
  const passport = new Passport();
  passport.use(
    new BearerStrategy((token, done) => {
      verifier.verify(token).then(
        (caller) => {
          done(null, caller);
        },
        (error: unknown) => {
          done(error);
        },
      );
    }),
  );
  passport.use(sessions.strategy);
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (req.headers.authorization === undefined) {
      try {
        await sessions.load(req, res);
      } catch (error: unknown) {
        next(error);
        return;
      }
    }
    const handler = passport.authenticate(
      ['bearer', 'veche-session'],
      { session: false },
      (error: unknown, caller: Caller | false | undefined) => {
        if (error !== null && error !== undefined) {
          next(error);
          return;
        }
        if (caller === false || caller === undefined) {
          next(new ApiProblem('unauthenticated', 'A valid bearer token or session is required.'));
          return;
        }
        req.user = caller;
        next();
      },
    ) as RequestHandler;
    void handler(req, res, next);
  };
}
