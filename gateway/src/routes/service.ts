import type { Handler } from './mount.js';
import type { SpecOf } from '../validation/registry.js';
import type { Readiness } from '../validation/schemas.js';
import type { Metrics } from '../middleware/metrics.js';

export interface ServiceRouteDeps {
  readonly metrics: Metrics;
  readonly issuer: string;
  readonly openApi: () => unknown;
  readonly readiness: () => Promise<Readiness>;
  /** Brings gauges that are probed, not counted, up to date (cached, so scrapes stay cheap). */
  readonly beforeScrape: () => Promise<void>;
}

export function serviceHandlers(deps: ServiceRouteDeps): {
  getHealth: Handler<SpecOf<'getHealth'>>;
  getReadiness: Handler<SpecOf<'getReadiness'>>;
  getMetrics: Handler<SpecOf<'getMetrics'>>;
  getOpenApi: Handler<SpecOf<'getOpenApi'>>;
  getConfig: Handler<SpecOf<'getConfig'>>;
} {
  return {
    getHealth: () => Promise.resolve({ status: 200, body: { status: 'ok' } }),
    getReadiness: async () => {
      const readiness = await deps.readiness();
      return { status: readiness.status === 'ready' ? 200 : 503, body: readiness };
    },
    getMetrics: async () => {
      await deps.beforeScrape();
      return {
        status: 200,
        body: await deps.metrics.registry.metrics(),
        contentType: deps.metrics.registry.contentType,
      };
    },
    getOpenApi: () => Promise.resolve({ status: 200, body: deps.openApi() }),
    getConfig: () => Promise.resolve({ status: 200, body: { issuer: deps.issuer } }),
  };
}
