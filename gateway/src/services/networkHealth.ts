import type { Readiness } from '../validation/schemas.js';

/**
 * Orderers SmartBFT needs to order a block: with N nodes it tolerates F = ⌊(N−1)/3⌋ faulty
 * ones and needs a quorum Q = ⌈(N+F+1)/2⌉ (4 → 3, 7 → 5).
 */
export function bftQuorum(orderers: number): number {
  if (!Number.isInteger(orderers) || orderers < 1) return 0;
  const faulty = Math.floor((orderers - 1) / 3);
  return Math.ceil((orderers + faulty + 1) / 2);
}

export interface OrdererReach {
  readonly configured: number;
  readonly reachable: number;
}

export interface ReadinessInputs {
  readonly redis: boolean;
  readonly ledger: boolean;
  /** Absent when no orderer health endpoints are configured: the quorum is then not checked. */
  readonly orderers?: OrdererReach;
}

/** The readiness decision: every check up, and at least a BFT quorum of orderers answering. */
export function readinessOf(inputs: ReadinessInputs): Readiness {
  const quorum =
    inputs.orderers === undefined
      ? undefined
      : inputs.orderers.reachable >= bftQuorum(inputs.orderers.configured);
  const down = [
    ...(inputs.redis ? [] : ['redis' as const]),
    ...(inputs.ledger ? [] : ['ledger' as const]),
    ...(quorum === false ? ['ledger-quorum' as const] : []),
  ];
  const state = (up: boolean): 'up' | 'down' => (up ? 'up' : 'down');
  return {
    status: down.length === 0 ? 'ready' : 'unavailable',
    checks: {
      redis: state(inputs.redis),
      ledger: state(inputs.ledger),
      ...(quorum === undefined ? {} : { 'ledger-quorum': state(quorum) }),
    },
    ...(down.length === 0 ? {} : { down }),
  };
}

export interface NetworkSnapshot {
  /** Undefined when no orderer health endpoints are configured. */
  readonly orderers: (OrdererReach & { readonly quorum: number }) | undefined;
  /** Chain height by MSP ID of the peers that answered. */
  readonly peerHeights: Readonly<Record<string, number>>;
  /** Unix seconds at which each client identity's certificate expires, by MSP ID. */
  readonly certificateExpiry: Readonly<Record<string, number>>;
}

export interface NetworkProbes {
  /** Health endpoints of the orderers, one per node. */
  readonly ordererUrls: readonly string[];
  /** Resolves true when the orderer's health endpoint answers OK; never rejects. */
  probeOrderer(url: string): Promise<boolean>;
  peerHeights(): Promise<Readonly<Record<string, number>>>;
  certificateExpiry(): Readonly<Record<string, number>>;
}

export interface NetworkHealth {
  /** The latest snapshot, refreshed first when older than the refresh interval. */
  snapshot(): Promise<NetworkSnapshot>;
}

/**
 * Probes the network at most once per `refreshMs`, however many probes and scrapes ask: callers
 * within the interval share the last snapshot, and callers during a refresh share that refresh,
 * so a flood of /readyz requests never becomes a flood of requests to the orderers and peers.
 */
export function createNetworkHealth(
  probes: NetworkProbes,
  options: { refreshMs: number; onSnapshot?: (snapshot: NetworkSnapshot) => void },
  now: () => number = Date.now,
): NetworkHealth {
  let last: { at: number; snapshot: NetworkSnapshot } | undefined;
  let inFlight: Promise<NetworkSnapshot> | undefined;

  async function refresh(): Promise<NetworkSnapshot> {
    const [answers, peerHeights] = await Promise.all([
      Promise.all(probes.ordererUrls.map((url) => probes.probeOrderer(url))),
      probes.peerHeights().catch(() => ({})),
    ]);
    let certificateExpiry: Readonly<Record<string, number>> = {};
    try {
      certificateExpiry = probes.certificateExpiry();
    } catch {
      // An unreadable certificate shows as a missing gauge, not a failed scrape.
    }
    const configured = probes.ordererUrls.length;
    const snapshot: NetworkSnapshot = {
      orderers:
        configured === 0
          ? undefined
          : {
              configured,
              reachable: answers.filter(Boolean).length,
              quorum: bftQuorum(configured),
            },
      peerHeights,
      certificateExpiry,
    };
    last = { at: now(), snapshot };
    options.onSnapshot?.(snapshot);
    return snapshot;
  }

  return {
    snapshot(): Promise<NetworkSnapshot> {
      if (last !== undefined && now() - last.at < options.refreshMs)
        return Promise.resolve(last.snapshot);
      inFlight ??= refresh().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}
