// The gateway's public block feed: GET /api/v1/ledger/info and /api/v1/ledger/blocks/{n}. The
// gateway is only a transport here; every byte it returns is checked like any other source's.
import type { BlockSource } from './blockSource.js';

async function get(url: URL): Promise<Response> {
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`GET ${url.href} answered ${response.status}`);
  return response;
}

export function openHttpSource(base: string): BlockSource {
  const root = new URL(base.endsWith('/') ? base : `${base}/`);
  return {
    description: `gateway ${root.origin}`,
    async height() {
      const info = (await (await get(new URL('api/v1/ledger/info', root))).json()) as {
        height?: unknown;
      };
      if (typeof info.height !== 'number' || !Number.isSafeInteger(info.height))
        throw new Error('the ledger info has no numeric height');
      return info.height;
    },
    async block(n) {
      const response = await get(new URL(`api/v1/ledger/blocks/${n}`, root));
      return new Uint8Array(await response.arrayBuffer());
    },
    close: () => Promise.resolve(),
  };
}
