import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { eventually } from '../../../helpers/eventually.js';
import {
  networkConfigPath,
  openFabricNetwork,
  type FabricNetwork,
  type OrdererDescription,
} from '../../../helpers/fabricNetwork.js';
import { chainHeight, validationCodes } from '../../../helpers/ledgerQueries.js';
import { networkRunning, networkScript, processRows } from '../../../helpers/networkScript.js';
import {
  ordererAdminTls,
  ordererChannelHeight,
  ordererHealthy,
} from '../../../helpers/ordererAdmin.js';

/** Whether a process runs; a zombie (killed, not yet reaped by its new parent) does not. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

// SmartBFT with four orderers tolerates one faulty node: with one killed outright (no chance to
// shut down cleanly) transactions still commit, and `network.sh up` restarts it, after which it
// fetches the blocks it missed. Runs alone (jest.disruptive.config.cjs).
describe('one SmartBFT orderer killed with SIGKILL', () => {
  const key = `orderer-crash-${Date.now()}`;
  let fabric: FabricNetwork;
  let victim: OrdererDescription;

  const put = async (suffix: string): Promise<number> => {
    const commit = await fabric
      .gateway({ as: 'ITDeptMSP' })
      .getNetwork(fabric.description.channel)
      .getContract(fabric.description.baselineChaincode)
      .submitAsync('Put', { arguments: [`${key}-${suffix}`, suffix] });
    return (await commit.getStatus()).code;
  };

  beforeAll(() => {
    fabric = openFabricNetwork();
    victim = fabric.description.orderers[1]!;
  });

  afterAll(async () => {
    fabric.close();
    if (!(await networkRunning())) await networkScript('up');
  });

  it('leaves the network committing while it is dead', async () => {
    const pidFile = join(dirname(dirname(networkConfigPath())), 'pids', `${victim.name}.pid`);
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    // The PID file could be stale: signal it only if it is that orderer.
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]).toMatch(/(^|\/)orderer$/);
    process.kill(pid, 'SIGKILL');
    await eventually(
      `${victim.name} (PID ${pid}) exits`,
      () => Promise.resolve(!running(pid)),
      10_000,
    );
    expect(await ordererHealthy(victim)).toBe(false);
    const rows = processRows(await networkScript('status'));
    expect(rows.filter((row) => !row.up).map((row) => row.name)).toEqual([victim.name]);

    expect(await put('while-dead')).toBe(validationCodes.VALID);
  }, 120_000);

  it('comes back with network.sh up, healthy, and catches up to the channel height', async () => {
    await networkScript('up');
    expect(await ordererHealthy(victim)).toBe(true);
    // One more block after the restart, so the height to reach includes one it had to order.
    expect(await put('after-restart')).toBe(validationCodes.VALID);
    const network = fabric.gateway({ as: 'ITDeptMSP' }).getNetwork(fabric.description.channel);
    const peerHeight = await chainHeight(network);
    const adminTls = ordererAdminTls(networkConfigPath());
    let ordererHeight = 0;
    await eventually(
      `${victim.name} reaches height ${peerHeight}`,
      async () => {
        ordererHeight = await ordererChannelHeight(victim, fabric.description.channel, adminTls);
        return ordererHeight >= peerHeight;
      },
      60_000,
    );
    expect(ordererHeight).toBeGreaterThanOrEqual(peerHeight);
  }, 180_000);
});
