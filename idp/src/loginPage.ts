import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { DemoResident, DemoResidents } from './demoResidents.js';
import { escapeHtml, HttpError, readBody, sendHtml } from './http.js';

/**
 * The interaction pages: instead of asking for a password, the development IdP lets the user
 * pick one of the demo residents. Consent needs no page (see loadExistingGrant).
 */
export class LoginPage {
  constructor(
    private readonly provider: Provider,
    private readonly residents: DemoResidents,
  ) {}

  async show(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
    await this.loginInteraction(req, res, uid);
    const action = `/interaction/${encodeURIComponent(uid)}/login`;
    const rows = [...this.residents.values()].map((resident) => row(resident, action)).join('\n');
    sendHtml(
      res,
      200,
      page(
        'Sign in',
        `<p class="warn">Development IdP: no passwords, pick a demo account.</p>\n<ul>\n${rows}\n</ul>`,
      ),
    );
  }

  async submit(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
    await this.loginInteraction(req, res, uid);
    const form = new URLSearchParams(await readBody(req, 4096));
    const sub = form.get('sub') ?? '';
    if (!this.residents.has(sub)) {
      throw new HttpError(400, 'invalid_request', 'no demo resident with that sub');
    }
    await this.provider.interactionFinished(
      req,
      res,
      { login: { accountId: sub } },
      { mergeWithLastSubmission: false },
    );
  }

  private async loginInteraction(
    req: IncomingMessage,
    res: ServerResponse,
    uid: string,
  ): Promise<void> {
    let details;
    try {
      details = await this.provider.interactionDetails(req, res);
    } catch {
      // The interaction cookie is missing or expired: the browser must start from the client.
      throw new HttpError(400, 'invalid_request', 'sign-in session not found or expired');
    }
    if (details.uid !== uid) {
      throw new HttpError(400, 'invalid_request', 'sign-in session does not match this page');
    }
    if (details.prompt.name !== 'login') {
      throw new HttpError(400, 'invalid_request', `unexpected prompt ${details.prompt.name}`);
    }
  }
}

function row(resident: DemoResident, action: string): string {
  const roles = resident.roles.join(', ');
  const department = resident.department === undefined ? '' : ` (${resident.department})`;
  return `<li><form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="sub" value="${escapeHtml(resident.sub)}">
<button type="submit">${escapeHtml(resident.name)}</button>
<span>${escapeHtml(resident.district)}, ${escapeHtml(roles + department)}, born ${escapeHtml(resident.birthdate)}, sub ${escapeHtml(resident.sub)}</span>
</form></li>`;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} - Veche dev IdP</title>
<style>body{font-family:sans-serif;max-width:48rem;margin:2rem auto}li{margin:.5rem 0}.warn{color:#a00}</style>
</head><body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>
`;
}
