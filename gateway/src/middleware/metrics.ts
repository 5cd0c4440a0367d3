import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Phases: evaluate, endorse, submit, commit. */
  readonly fabricDuration: Histogram<'phase' | 'outcome'>;
  readonly rateLimitRejections: Counter<'scope'>;
  /** New proposals sent because the endorsers of the last one answered differently. */
  readonly endorsementRetries: Counter;
  /** Transactions a replay handed to the orderers again, by what their commit status said. */
  readonly resubmissions: Counter<'outcome'>;
  readonly network: {
    readonly orderers: Gauge;
    readonly orderersReachable: Gauge;
    readonly ordererQuorum: Gauge;
    readonly peerHeight: Gauge<'msp'>;
    readonly certificateExpiry: Gauge<'msp'>;
  };
}

/** A registry per app, so tests that build several apps never collide on metric names. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'veche_http_request_duration_seconds',
      help: 'HTTP request duration by route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    fabricDuration: new Histogram({
      name: 'veche_fabric_duration_seconds',
      help: 'Duration of Fabric evaluate, endorse, submit and commit-status calls',
      labelNames: ['phase', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
    rateLimitRejections: new Counter({
      name: 'veche_rate_limit_rejections_total',
      help: 'Requests answered 429, by limit',
      labelNames: ['scope'],
      registers: [registry],
    }),
    endorsementRetries: new Counter({
      name: 'veche_fabric_endorsement_retries_total',
      help: 'Writes endorsed again because their endorsers disagreed (one peer a block behind)',
      registers: [registry],
    }),
    resubmissions: new Counter({
      name: 'veche_idempotency_resubmissions_total',
      help: 'Noted transactions an Idempotency-Key replay handed to the orderers again (committed, or still unknown)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    network: {
      orderers: new Gauge({
        name: 'veche_fabric_orderers',
        help: 'Orderers whose health endpoint the gateway probes',
        registers: [registry],
      }),
      orderersReachable: new Gauge({
        name: 'veche_fabric_orderers_reachable',
        help: 'Orderers whose health endpoint answered OK at the last probe',
        registers: [registry],
      }),
      ordererQuorum: new Gauge({
        name: 'veche_fabric_orderer_quorum',
        help: 'Orderers SmartBFT needs to order blocks, ceil((N+F+1)/2) with F=floor((N-1)/3)',
        registers: [registry],
      }),
      peerHeight: new Gauge({
        name: 'veche_fabric_peer_height',
        help: 'Chain height of the channel on the peers the gateway uses, by MSP ID',
        labelNames: ['msp'],
        registers: [registry],
      }),
      certificateExpiry: new Gauge({
        name: 'veche_certificate_expiry_seconds',
        help: 'Unix time at which the gateway client identity certificate expires, by MSP ID',
        labelNames: ['msp'],
        registers: [registry],
      }),
    },
  };
}
