import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RequestHandler } from 'express';
import { webPaths } from './paths.js';

interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

/** The files under public/ that pages link, each by a name carrying a hash of its content. */
export interface Assets {
  /** The URL of `name` (e.g. `veche.css`), changing whenever its content does. */
  url(name: string): string;
  /** Answers /static/<name>.<hash>.<ext>; anything else falls through to the 404. */
  readonly handler: RequestHandler;
}

const types: Readonly<Record<string, string>> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
};

export const assetNames = ['veche.css', 'receipt.js'] as const;

/**
 * Read once at start: the set is small and fixed. Because the URL names the content, a browser
 * may keep a file for a year without asking again; a new version has a new URL.
 */
export function loadAssets(): Assets {
  const byUrl = new Map<string, Asset>();
  const urls = new Map<string, string>();
  for (const name of assetNames) {
    const body = readFileSync(`${webPaths.assets}/${name}`);
    const dot = name.lastIndexOf('.');
    const ext = name.slice(dot + 1);
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
    const url = `/static/${name.slice(0, dot)}.${hash}.${ext}`;
    byUrl.set(url, { body, type: types[ext] ?? 'application/octet-stream' });
    urls.set(name, url);
  }
  return {
    url(name: string): string {
      const url = urls.get(name);
      if (url === undefined) throw new Error(`no asset ${name}`);
      return url;
    },
    handler: (req, res, next) => {
      const asset = byUrl.get(req.path);
      if (asset === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) {
        next();
        return;
      }
      res.setHeader('Content-Type', asset.type);
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.status(200).end(req.method === 'HEAD' ? undefined : asset.body);
    },
  };
}
