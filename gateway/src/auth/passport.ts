import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Passport } from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { ApiProblem } from '../services/problems.js';
import type { Caller } from './caller.js';
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
 * A passport instance of its own (not the global singleton), so two apps in one process, as in
 * tests, never share strategies.
 */
export function createBearerAuthenticator(verifier: AuthVerifier): RequestHandler {
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
  return (req: Request, res: Response, next: NextFunction): void => {
    const handler = passport.authenticate(
      'bearer',
      { session: false },
      (error: unknown, caller: Caller | false | undefined) => {
        if (error !== null && error !== undefined) {
          next(error);
          return;
        }
        if (caller === false || caller === undefined) {
          next(new ApiProblem('unauthenticated', 'A valid bearer token is required.'));
          return;
        }
        req.user = caller;
        next();
      },
    ) as RequestHandler;
    void handler(req, res, next);
  };
}
