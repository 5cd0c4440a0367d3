import { createServer } from 'node:net';
import request from 'supertest';
import { startDevIdp, type DevIdp } from '../../helpers/devIdp.js';
import { readNetworkDescription } from '../../helpers/fabricNetwork.js';
import type { TestGateway } from './gatewayApp.js';
import { buildLedgerGateway } from './ledgerGateway.js';

let idp: DevIdp;
let gateway: TestGateway;

beforeAll(async () => {
  idp = await startDevIdp();
  // The settings network.sh rendered, FABRIC_ORDERER_HEALTH_URLS among them.
  gateway = await buildLedgerGateway(idp.issuer);
});

afterAll(async () => {
  await gateway.close();
  await idp.stop();
});

/** A port on 127.0.0.1 that nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function realOrdererUrls(): string[] {
  return readNetworkDescription().orderers.map((o) => `http://${o.operationsAddress}/healthz`);
}

function gauge(text: string, name: string): number | undefined {
  const escaped = name.replace(/[{}]/g, '\\$&');
  const match = new RegExp(`^${escaped} (\\S+)$`, 'm').exec(text);
  return match === null ? undefined : Number(match[1]);
}

describe('network health on the real network', () => {
  it('shows 4 reachable orderers, a quorum of 3, both peers’ heights and future certificate expiry in /metrics', async () => {
    const { text } = await request(gateway.app).get('/metrics').expect(200);
    expect(gauge(text, 'veche_fabric_orderers')).toBe(4);
    expect(gauge(text, 'veche_fabric_orderers_reachable')).toBe(4);
    expect(gauge(text, 'veche_fabric_orderer_quorum')).toBe(3);
    for (const msp of ['ITDeptMSP', 'RegulatorMSP']) {
      expect(gauge(text, `veche_fabric_peer_height{msp="${msp}"}`)).toBeGreaterThan(0);
    }
    const now = Date.now() / 1000;
    for (const msp of ['ITDeptMSP', 'CivicChamberMSP', 'RegulatorMSP']) {
      expect(gauge(text, `veche_certificate_expiry_seconds{msp="${msp}"}`)).toBeGreaterThan(now);
    }
  });

  it('is ready with the orderer quorum up', async () => {
    const response = await request(gateway.app).get('/readyz').expect(200);
    expect(response.body).toEqual({
      status: 'ready',
      checks: { redis: 'up', ledger: 'up', 'ledger-quorum': 'up' },
    });
  });

  it('answers 503 naming ledger-quorum when only 2 of 4 orderers answer', async () => {
    const urls = realOrdererUrls().slice(0, 2);
    for (let i = 0; i < 2; i += 1) urls.push(`http://127.0.0.1:${await closedPort()}/healthz`);
    const split = await buildLedgerGateway(idp.issuer, {
      FABRIC_ORDERER_HEALTH_URLS: urls.join(','),
    });
    try {
      const response = await request(split.app).get('/readyz').expect(503);
      expect(response.body).toEqual({
        status: 'unavailable',
        checks: { redis: 'up', ledger: 'up', 'ledger-quorum': 'down' },
        down: ['ledger-quorum'],
      });
      const { text } = await request(split.app).get('/metrics').expect(200);
      expect(gauge(text, 'veche_fabric_orderers_reachable')).toBe(2);
      expect(gauge(text, 'veche_fabric_orderer_quorum')).toBe(3);
    } finally {
      await split.close();
    }
  });

  it('stays ready when 3 of 4 orderers answer', async () => {
    const urls = realOrdererUrls().slice(0, 3);
    urls.push(`http://127.0.0.1:${await closedPort()}/healthz`);
    const degraded = await buildLedgerGateway(idp.issuer, {
      FABRIC_ORDERER_HEALTH_URLS: urls.join(','),
    });
    try {
      const response = await request(degraded.app).get('/readyz').expect(200);
      expect(response.body).toMatchObject({ checks: { 'ledger-quorum': 'up' } });
    } finally {
      await degraded.close();
    }
  });
});
