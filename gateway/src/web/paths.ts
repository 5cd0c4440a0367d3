import { fileURLToPath } from 'node:url';

// src/web and dist/web sit at the same depth, so the gateway's folder is two levels up from
// either: templates, locale files and static assets are read from there, not compiled.
const gatewayDir = fileURLToPath(new URL('../../', import.meta.url));

export const webPaths = {
  views: `${gatewayDir}views`,
  locales: `${gatewayDir}locales`,
  assets: `${gatewayDir}public`,
} as const;
