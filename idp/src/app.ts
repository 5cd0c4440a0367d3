import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { InvalidClaimsError, parsePersonClaims, type PersonClaims } from './claims.js';
import type { DemoResidents } from './demoResidents.js';
import { HttpError, readBody, sendError, sendJson } from './http.js';
import { log } from './log.js';
import { LoginPage } from './loginPage.js';
import { mintDevToken, UserinfoService, type TokenContext } from './tokens.js';

export interface AppDeps {
  readonly provider: Provider;
  readonly residents: DemoResidents;
  readonly tokens: TokenContext;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A small router in front of oidc-provider: it answers the routes the development IdP adds (the
 * login page, /dev/token) and userinfo, and hands every other request to the provider.
 */
export function createRequestListener({ provider, residents, tokens }: AppDeps): Listener {
  const providerCallback = provider.callback();
  const loginPage = new LoginPage(provider, residents);
  const userinfo = new UserinfoService(tokens, residents);
  const userinfoPath = provider.pathFor('userinfo');

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';

    if (pathname === '/dev/token') {
      allow(method, ['POST']);
      sendJson(res, 200, { access_token: await mintDevToken(await devTokenClaims(req), tokens) });
      return;
    }
    if (pathname === userinfoPath) {
      allow(method, ['GET', 'POST']);
      sendJson(res, 200, await userinfo.claimsFor(req.headers.authorization));
      return;
    }
    const interaction = /^\/interaction\/([\w-]+)(\/login)?$/.exec(pathname);
    if (interaction?.[1] !== undefined) {
      if (interaction[2] === undefined) {
        allow(method, ['GET']);
        await loginPage.show(req, res, interaction[1]);
      } else {
        allow(method, ['POST']);
        await loginPage.submit(req, res, interaction[1]);
      }
      return;
    }
    await providerCallback(req, res);
  }

  return (req, res) => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
      } else if (error instanceof HttpError) {
        sendError(res, error);
      } else {
        log('error', 'request failed', { path: req.url, error: String(error) });
        sendError(res, new HttpError(500, 'server_error', 'unexpected error'));
      }
    });
  };
}

async function devTokenClaims(req: IncomingMessage): Promise<PersonClaims> {
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req, 16 * 1024));
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, 'invalid_request', 'body must be JSON');
  }
  try {
    return parsePersonClaims(body);
  } catch (error) {
    if (error instanceof InvalidClaimsError) {
      throw new HttpError(400, 'invalid_request', error.message);
    }
    throw error;
  }
}

function allow(method: string, allowed: readonly string[]): void {
  if (!allowed.includes(method)) {
    throw new HttpError(405, 'invalid_request', `use ${allowed.join(' or ')}`, {
      Allow: allowed.join(', '),
    });
  }
}
