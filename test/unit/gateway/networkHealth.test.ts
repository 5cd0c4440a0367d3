import {
  bftQuorum,
  createNetworkHealth,
  readinessOf,
  type NetworkProbes,
} from '../../../gateway/src/services/networkHealth.js';

describe('the SmartBFT quorum', () => {
  it('is ceil((N+F+1)/2) with F=floor((N-1)/3)', () => {
    expect([1, 2, 3, 4, 5, 7, 10].map(bftQuorum)).toEqual([1, 2, 2, 3, 4, 5, 7]);
  });

  it('is 0 for no orderers or a nonsense count', () => {
    expect(bftQuorum(0)).toBe(0);
    expect(bftQuorum(-1)).toBe(0);
    expect(bftQuorum(2.5)).toBe(0);
  });
});

describe('the readiness decision', () => {
  it('is ready with 4 orderers of which 1 is down', () => {
    expect(
      readinessOf({ redis: true, ledger: true, orderers: { configured: 4, reachable: 3 } }),
    ).toEqual({
      status: 'ready',
      checks: { redis: 'up', ledger: 'up', 'ledger-quorum': 'up' },
    });
  });

  it('is not ready with 4 orderers of which 2 are down, and names the quorum', () => {
    expect(
      readinessOf({ redis: true, ledger: true, orderers: { configured: 4, reachable: 2 } }),
    ).toEqual({
      status: 'unavailable',
      checks: { redis: 'up', ledger: 'up', 'ledger-quorum': 'down' },
      down: ['ledger-quorum'],
    });
  });

  it('leaves the quorum out when no orderers are probed, as API.md shows it', () => {
    expect(readinessOf({ redis: true, ledger: true })).toEqual({
      status: 'ready',
      checks: { redis: 'up', ledger: 'up' },
    });
  });

  it('names every check that is down', () => {
    expect(
      readinessOf({ redis: false, ledger: false, orderers: { configured: 4, reachable: 0 } }).down,
    ).toEqual(['redis', 'ledger', 'ledger-quorum']);
  });
});

describe('network health probes', () => {
  function probes(): NetworkProbes & { calls: string[] } {
    const calls: string[] = [];
    return {
      calls,
      ordererUrls: ['http://a/healthz', 'http://b/healthz', 'http://c/healthz', 'http://d/healthz'],
      probeOrderer: (url) => {
        calls.push(url);
        return Promise.resolve(url !== 'http://d/healthz');
      },
      peerHeights: () => Promise.resolve({ ITDeptMSP: 12, RegulatorMSP: 11 }),
      certificateExpiry: () => ({ ITDeptMSP: 2_000_000_000 }),
    };
  }

  it('reports reachable orderers, the quorum, heights and expiry', async () => {
    const health = createNetworkHealth(probes(), { refreshMs: 1000 });
    await expect(health.snapshot()).resolves.toEqual({
      orderers: { configured: 4, reachable: 3, quorum: 3 },
      peerHeights: { ITDeptMSP: 12, RegulatorMSP: 11 },
      certificateExpiry: { ITDeptMSP: 2_000_000_000 },
    });
  });

  it('probes at most once per interval, however many ask at once or in between', async () => {
    let clock = 0;
    const source = probes();
    const health = createNetworkHealth(source, { refreshMs: 1000 }, () => clock);
    await Promise.all(Array.from({ length: 50 }, () => health.snapshot()));
    clock = 999;
    await health.snapshot();
    expect(source.calls).toHaveLength(4);
    clock = 1000;
    await health.snapshot();
    expect(source.calls).toHaveLength(8);
  });

  it('shows unanswered peers and unreadable certificates as absent, not as a failure', async () => {
    const health = createNetworkHealth(
      {
        ...probes(),
        peerHeights: () => Promise.reject(new Error('peer down')),
        certificateExpiry: () => {
          throw new Error('no file');
        },
      },
      { refreshMs: 1000 },
    );
    await expect(health.snapshot()).resolves.toMatchObject({
      peerHeights: {},
      certificateExpiry: {},
    });
  });
});
