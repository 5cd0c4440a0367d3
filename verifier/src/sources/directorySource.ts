// A directory of exported blocks: one serialized common.Block per file named <n>.block (what
// `peer channel fetch` writes per block, and what --export produces).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlockSource } from './blockSource.js';

export const blockFileName = (n: number): string => `${n}.block`;

export async function openDirectorySource(directory: string): Promise<BlockSource> {
  const names = await readdir(directory);
  const numbers = new Set(
    names.flatMap((name) => {
      const match = /^(\d+)\.block$/.exec(name);
      return match ? [Number(match[1])] : [];
    }),
  );
  if (numbers.size === 0) throw new Error(`${directory} holds no <n>.block files`);
  // The height is the first gap: a missing block cannot be verified past.
  let height = 0;
  while (numbers.has(height)) height++;
  return {
    description: `directory ${directory}`,
    height: () => Promise.resolve(height),
    block: (n) => readFile(join(directory, blockFileName(n))),
    close: () => Promise.resolve(),
  };
}
