import type { ChainInfo, Ledger } from './ledger.js';
import { ApiProblem } from './problems.js';

/**
 * A block number as a path segment: decimal digits without a sign or leading zeros, so each
 * block has exactly one URL (its answer is cached as immutable), and no larger than a JavaScript
 * number holds exactly. Undefined for anything else.
 */
export function parseBlockNumber(text: string): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

export interface BlockService {
  info(): Promise<ChainInfo>;
  /** The block's protobuf bytes; 404 not-found for a malformed number or one beyond the height. */
  block(blockNumber: string): Promise<Uint8Array>;
}

/** The chain as the regulator's peer holds it, for anyone to check block by block. */
export function createBlockService(ledger: Ledger): BlockService {
  return {
    info: () => ledger.chainInfo(),
    block: async (text) => {
      const blockNumber = parseBlockNumber(text);
      const block = blockNumber === undefined ? undefined : await ledger.getBlock(blockNumber);
      if (block === undefined) throw new ApiProblem('not-found', 'The ledger holds no such block.');
      return block;
    },
  };
}
