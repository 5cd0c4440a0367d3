import { join } from 'node:path';
import {
  openFabricNetwork,
  readNetworkDescription,
  type FabricNetwork,
  type NetworkDescription,
} from '../../test/helpers/fabricNetwork.js';
import { numericFlags } from './load.js';

/** The running network as network.sh rendered it in this checkout, with one connection per peer. */
export function openBenchNetwork(): { description: NetworkDescription; network: FabricNetwork } {
  const description = readNetworkDescription(
    join(process.cwd(), '.runtime/network/config/network.json'),
  );
  return { description, network: openFabricNetwork(description) };
}

/** The load flags both ballot benchmarks take. */
export function ballotBenchFlags(): {
  seconds: number;
  concurrency: number;
  residentsPerWorker: number;
} {
  return numericFlags(process.argv.slice(2), {
    seconds: 60,
    concurrency: 32,
    residentsPerWorker: 4,
  });
}
