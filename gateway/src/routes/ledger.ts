import type { BlockService } from '../services/blocks.js';
import type { SpecOf } from '../validation/registry.js';
import type { Handler } from './mount.js';

/** A committed block never changes, so any cache may keep it. */
const immutable = 'public, max-age=31536000, immutable';

export function ledgerHandlers(blocks: BlockService): {
  getLedgerInfo: Handler<SpecOf<'getLedgerInfo'>>;
  getBlock: Handler<SpecOf<'getBlock'>>;
} {
  return {
    getLedgerInfo: async () => ({ status: 200, body: await blocks.info() }),
    getBlock: async ({ params }) => {
      const block = await blocks.block(params.blockNumber);
      return {
        status: 200,
        // Express sends a Buffer as bytes but would serialise a bare Uint8Array as JSON.
        body: Buffer.from(block.buffer, block.byteOffset, block.byteLength),
        contentType: 'application/octet-stream',
        headers: { 'Cache-Control': immutable },
      };
    },
  };
}
