import type { Request, Response } from 'express';
import { safeReturnTo, type BrowserLogin } from '../auth/browserLogin.js';
import type { SessionAuth } from '../auth/sessions.js';
import type { AuthVerifier } from '../auth/verifier.js';
import { ApiProblem } from '../services/problems.js';
import type { BrowserHandler } from './mount.js';

export interface AuthRouteDeps {
  readonly login: BrowserLogin;
  readonly sessions: SessionAuth;
  readonly verifier: AuthVerifier;
  readonly issuer: string;
}

function queryString(req: Request): string {
  const at = req.originalUrl.indexOf('?');
  return at === -1 ? '' : req.originalUrl.slice(at);
}

export function authHandlers(deps: AuthRouteDeps): {
  startLogin: BrowserHandler;
  finishLogin: BrowserHandler;
  logout: BrowserHandler;
} {
  const { login, sessions, verifier } = deps;
  return {
    startLogin: async (req: Request, res: Response): Promise<void> => {
      // Checked here and kept server-side, so the callback never redirects to a value it was sent.
      const returnTo = safeReturnTo((req.query as Record<string, unknown>).returnTo);
      await sessions.load(req, res);
      const { url, pending } = await login.start(returnTo);
      await sessions.begin(req, pending);
      res.redirect(302, url.href);
    },

    finishLogin: async (req: Request, res: Response): Promise<void> => {
      await sessions.load(req, res);
      const pending = sessions.takePending(req);
      if (pending === undefined) {
        throw new ApiProblem('unauthenticated', 'No sign-in is in progress; sign in again.');
      }
      try {
        const completed = await login.finish(queryString(req), pending);
        // The access token is verified as a Bearer token would be, so roles, department and
        // the pseudonym come from the one place that decides them.
        const caller = await verifier.verify(completed.accessToken);
        if (caller.subject !== completed.subject) {
          throw new ApiProblem('unauthenticated', 'The sign-in could not be completed.');
        }
        await sessions.establish(
          req,
          {
            subject: caller.subject,
            roles: caller.roles,
            department: caller.department,
            residentId: caller.residentId,
            officialId: caller.officialId,
            issuer: deps.issuer,
          },
          completed.accessToken,
        );
        res.redirect(302, safeReturnTo(pending.returnTo));
      } catch (error: unknown) {
        // The pre-login session is single-use: a failed callback cannot be replayed with it.
        await sessions.end(req, res).catch(() => undefined);
        throw error;
      }
    },

    logout: async (req: Request, res: Response): Promise<void> => {
      await sessions.load(req, res);
      await sessions.end(req, res);
      res.status(204).end();
    },
  };
}
