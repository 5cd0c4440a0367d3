import type { Response } from 'express';
import { Eta } from 'eta';
import type { TFunction } from 'i18next';
import type { Assets } from './assets.js';
import type { Formats } from './format.js';
import type { Language } from './i18n.js';
import { webPaths } from './paths.js';

/** What every page's layout needs beside the page's own data. */
export interface PageContext {
  readonly lang: Language;
  readonly t: TFunction;
  readonly fmt: Formats;
  readonly assets: Assets;
  /** The path and query of this page, for the language switch and sign-in to return to. */
  readonly here: string;
  readonly user:
    | { readonly role: 'resident' | 'official' | 'regulator'; readonly csrfToken: string }
    | undefined;
}

// default-src 'none': a page loads only the gateway's own stylesheet and script; forms post only
// here; no page may be framed (clickjacking a ballot form).
const contentSecurityPolicy =
  "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface Renderer {
  page(
    res: Response,
    view: string,
    context: PageContext,
    data: Record<string, unknown>,
    status?: number,
  ): void;
}

/**
 * Eta with auto-escaping on (its default, set here so no one turns it off by accident): every
 * `<%= %>` is HTML-escaped; `<%~ %>` is kept for markup the gateway made itself (the layout's
 * body, the QR code's SVG).
 */
export function createRenderer(options: { readonly cache: boolean }): Renderer {
  const eta = new Eta({ views: webPaths.views, autoEscape: true, cache: options.cache });
  return {
    page(res, view, context, data, status = 200): void {
      const html = eta.render(view, { ...context, ...data });
      res.status(status);
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.setHeader('Content-Security-Policy', contentSecurityPolicy);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Referrer-Policy', 'same-origin');
      // Pages differ by who is signed in and by language; none may sit in a shared cache.
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Content-Language', context.lang);
      res.end(html);
    },
  };
}
