import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../helpers/freePort';
import { runNetworkScript } from '../../helpers/networkScript';

describe('scripts/network.sh up', () => {
  it('starts nothing and changes no chaincode definition when the network already runs', async () => {
    const run = await runNetworkScript('up');
    expect(run.code).toBe(0);
    expect(run.output).toContain('ready: civic is up');
    expect(run.output).not.toMatch(/started |installing |approving |committing |initialising /);
  });

  describe('with a port held by another process', () => {
    let holder: Server;
    let port: number;
    let network: string;

    beforeAll(async () => {
      port = await freePort();
      holder = createServer();
      await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
      network = mkdtempSync(join(tmpdir(), 'veche-network-'));
    });

    afterAll(async () => {
      await new Promise<void>((resolve) =>
        holder.close(() => {
          resolve();
        }),
      );
      rmSync(network, { recursive: true, force: true });
    });

    it('fails naming the port and the process, and leaves nothing running', async () => {
      const run = await runNetworkScript('up', {
        env: { VECHE_NETWORK_DIR: network, VECHE_ORDERER1_PORT: String(port) },
      });
      expect(run.code).toBe(1);
      expect(run.output).toContain(`127.0.0.1:${port} (orderer1) is already in use`);
      expect(readdirSync(join(network, 'pids'))).toEqual([]);
    });
  });
});

describe('scripts/network.sh stopped', () => {
  it('reports a network with a running process as not stopped, and an empty folder as stopped', async () => {
    expect((await runNetworkScript('stopped')).code).toBe(1);
    const empty = mkdtempSync(join(tmpdir(), 'veche-network-'));
    try {
      expect((await runNetworkScript('stopped', { env: { VECHE_NETWORK_DIR: empty } })).code).toBe(
        0,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
