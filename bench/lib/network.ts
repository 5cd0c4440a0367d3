import { join } from 'node:path';
import {
  openFabricNetwork,
  readNetworkDescription,
  type FabricNetwork,
  type NetworkDescription,
} from '../../test/helpers/fabricNetwork.js';
import { networkDir } from '../../test/helpers/networkScript.js';
import { numericFlags } from './load.js';

/**
 * The running network as network.sh rendered it (.runtime/network, or the folder
 * VECHE_NETWORK_DIR / VECHE_RUNTIME_DIR name, as network.sh reads them), one connection per peer.
 */
export function openBenchNetwork(): { description: NetworkDescription; network: FabricNetwork } {
  const description = readNetworkDescription(join(networkDir(), 'config/network.json'));
  return { description, network: openFabricNetwork(description) };
}

/** The load flags both ballot benchmarks take, and any of one benchmark's own. */
export function ballotBenchFlags<T extends Record<string, number>>(
  extra: T = {} as T,
): T & { seconds: number; concurrency: number; residentsPerWorker: number } {
  return numericFlags(process.argv.slice(2), {
    seconds: 60,
    concurrency: 32,
    residentsPerWorker: 4,
    ...extra,
  });
}
