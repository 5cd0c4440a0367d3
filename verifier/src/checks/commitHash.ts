// The peer's COMMIT_HASH against the one the verifier's own flags and updates give. Each block is
// checked from the stored hash of the block before it, so flags or writes that disagree are
// reported at their block rather than at every block after it (an edited stored hash shows at
// its own block and the next).
import type { Finding } from '../ledgerTransaction.js';
import { commitHash, storedCommitHash } from '../fabric/commitHash.js';
import type { BlockUpdates } from '../fabric/worldState.js';

export function checkCommitHash(
  blockNumber: number,
  codes: readonly number[],
  updates: BlockUpdates,
  metadata: Uint8Array | undefined,
  /** The stored hash of the block before; undefined when it had none. */
  previous: Uint8Array | undefined,
): { findings: Finding[]; stored: Uint8Array | undefined } {
  const stored = storedCommitHash(metadata);
  // Block 0 has none, and a block whose predecessor has none cannot be recomputed (the chain
  // starts empty only at block 1).
  if (stored === undefined || blockNumber === 0 || (previous === undefined && blockNumber > 1))
    return { findings: [], stored };
  const expected = commitHash(Uint8Array.from(codes), updates, previous ?? new Uint8Array());
  if (expected.equals(stored)) return { findings: [], stored };
  return {
    findings: [
      {
        check: 'commit-hash',
        blockNumber,
        message: `stored COMMIT_HASH ${Buffer.from(stored).toString('hex')} is not ${expected.toString('hex')}, recomputed from the re-derived flags and the block's writes`,
      },
    ],
    stored,
  };
}
