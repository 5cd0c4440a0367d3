// Where one ballot's time goes, from the Prometheus histograms the gateway and the Fabric nodes
// already keep: a snapshot before and after a load phase, and the mean of each histogram over
// the phase (the difference of its _sum over the difference of its _count).
import type { NetworkDescription } from '../../test/helpers/fabricNetwork.js';

/** Every sample of one /metrics page, by its full series name (`name{labels}`). */
export type Snapshot = ReadonlyMap<string, number>;

export function parsePrometheus(text: string): Snapshot {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    const value = Number(line.slice(at + 1));
    if (at > 0 && Number.isFinite(value)) samples.set(line.slice(0, at), value);
  }
  return samples;
}

/**
 * A node whose metrics are off (a network rendered before the Prometheus provider was set: run
 * `npm run network:render` and restart it) gives an empty snapshot, so its rows read "-" and the
 * benchmark's own figures still print.
 */
async function scrape(url: string): Promise<Snapshot> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`answered ${response.status}`);
    return parsePrometheus(await response.text());
  } catch (error: unknown) {
    console.error(`[bench] no metrics from ${url}: ${String(error)}`);
    return new Map();
  }
}

/** Sum of the samples named `name` whose labels include every `label="value"` of `labels`. */
function total(snapshot: Snapshot, name: string, labels: readonly string[]): number {
  let sum = 0;
  for (const [series, value] of snapshot) {
    const brace = series.indexOf('{');
    const base = brace < 0 ? series : series.slice(0, brace);
    if (base !== name) continue;
    if (labels.every((label) => series.includes(label))) sum += value;
  }
  return sum;
}

export interface HistogramDelta {
  /** Observations during the phase. */
  readonly count: number;
  /** Mean of those observations, in milliseconds (NaN without any). */
  readonly meanMs: number;
}

export function histogramDelta(
  before: Snapshot,
  after: Snapshot,
  name: string,
  labels: readonly string[] = [],
): HistogramDelta {
  const count = total(after, `${name}_count`, labels) - total(before, `${name}_count`, labels);
  const sum = total(after, `${name}_sum`, labels) - total(before, `${name}_sum`, labels);
  return { count, meanMs: count > 0 ? (sum / count) * 1000 : Number.NaN };
}

/** The /metrics pages a breakdown reads: the gateway's, each peer's and each orderer's. */
export interface Scrapes {
  readonly gateway: Snapshot;
  readonly peers: ReadonlyMap<string, Snapshot>;
  readonly orderers: readonly Snapshot[];
}

export async function scrapeAll(
  gatewayUrl: string,
  description: NetworkDescription,
): Promise<Scrapes> {
  const peers = await Promise.all(
    description.orgs.map(
      async (org) =>
        [org.mspId, await scrape(`http://${org.peer.operationsAddress}/metrics`)] as const,
    ),
  );
  const orderers = await Promise.all(
    description.orderers.map((o) => scrape(`http://${o.operationsAddress}/metrics`)),
  );
  return { gateway: await scrape(`${gatewayUrl}/metrics`), peers: new Map(peers), orderers };
}

export interface BreakdownRow {
  readonly step: string;
  /** Where the figure comes from (process and metric). */
  readonly source: string;
  /** Observations per ballot answered 201 during the phase. */
  readonly perBallot: number;
  readonly meanMs: number;
}

/**
 * One ballot through REST, step by step: the gateway's whole request and its Fabric calls, the
 * peers' endorsement (the chaincode's run inside it), the orderers' time, and the committing
 * peer's validation and commit. `ballots` is how many POSTs answered 201 between the scrapes.
 */
export function ballotBreakdown(
  before: Scrapes,
  after: Scrapes,
  description: NetworkDescription,
  ballots: number,
): BreakdownRow[] {
  const rows: BreakdownRow[] = [];
  const add = (step: string, source: string, delta: HistogramDelta): void => {
    rows.push({ step, source, perBallot: delta.count / ballots, meanMs: delta.meanMs });
  };
  const gw = (name: string, labels: string[]): HistogramDelta =>
    histogramDelta(before.gateway, after.gateway, name, labels);
  add(
    'whole POST /ballots (201)',
    'gateway veche_http_request_duration_seconds',
    gw('veche_http_request_duration_seconds', ['method="POST"', 'status="201"', 'ballots']),
  );
  for (const phase of ['evaluate', 'endorse', 'submit', 'commit'] as const) {
    add(
      `gateway Fabric call: ${phase}`,
      `gateway veche_fabric_duration_seconds{phase="${phase}"}`,
      gw('veche_fabric_duration_seconds', [`phase="${phase}"`]),
    );
  }
  const gatewayMsp = description.gatewayMspId;
  for (const org of description.orgs) {
    const peerBefore = before.peers.get(org.mspId);
    const peerAfter = after.peers.get(org.mspId);
    if (peerBefore === undefined || peerAfter === undefined) continue;
    const peer = (name: string, labels: string[] = []): HistogramDelta =>
      histogramDelta(peerBefore, peerAfter, name, labels);
    if (org.mspId === gatewayMsp) {
      for (const method of ['Endorse', 'Submit', 'CommitStatus', 'Evaluate']) {
        add(
          `${org.name} Gateway service ${method}`,
          `${org.name} grpc_server_unary_request_duration{method="${method}"}`,
          peer('grpc_server_unary_request_duration', [
            `method="${method}"`,
            'service="gateway_Gateway"',
          ]),
        );
      }
    }
    if (org.role === 'department') {
      add(
        `${org.name} proposal incl. chaincode (veche)`,
        `${org.name} endorser_proposal_duration{chaincode="veche"}`,
        peer('endorser_proposal_duration', [`chaincode="${description.chaincode}"`]),
      );
      add(
        `${org.name} chaincode's state reads/writes`,
        `${org.name} chaincode_shim_request_duration{chaincode=veche_*}`,
        peer('chaincode_shim_request_duration', [`chaincode="${description.chaincode}_`]),
      );
    }
    add(
      `${org.name} block validation`,
      `${org.name} gossip_privdata_validation_duration (per block)`,
      peer('gossip_privdata_validation_duration'),
    );
    add(
      `${org.name} block + private data commit`,
      `${org.name} gossip_privdata_commit_block_duration (per block)`,
      peer('gossip_privdata_commit_block_duration'),
    );
  }
  // Each orderer measures only what it took part in; the leader's figures are the busiest.
  const busiestOrderer = (metric: string): HistogramDelta => {
    const deltas = before.orderers.map((snapshot, index) =>
      histogramDelta(snapshot, after.orderers[index] ?? snapshot, metric),
    );
    return deltas.reduce(
      (best, d) => (d.count > best.count ? d : best),
      deltas[0] ?? { count: 0, meanMs: Number.NaN },
    );
  };
  add(
    'ordering (request in the SmartBFT pool until its block is decided)',
    'orderers consensus_smartbft_pool_latency_of_elements (busiest orderer)',
    busiestOrderer('consensus_smartbft_pool_latency_of_elements'),
  );
  add(
    'SmartBFT batch processing (per block)',
    'orderers consensus_smartbft_view_latency_batch_processing',
    busiestOrderer('consensus_smartbft_view_latency_batch_processing'),
  );
  return rows;
}

export function describeBreakdown(rows: readonly BreakdownRow[]): string {
  const lines = [
    `${'step'.padEnd(66)} ${'per ballot'.padStart(10)} ${'mean ms'.padStart(8)}  source`,
  ];
  for (const row of rows) {
    lines.push(
      `${row.step.padEnd(66)} ${row.perBallot.toFixed(2).padStart(10)} ${(Number.isNaN(row.meanMs) ? '-' : row.meanMs.toFixed(1)).padStart(8)}  ${row.source}`,
    );
  }
  return lines.join('\n');
}
