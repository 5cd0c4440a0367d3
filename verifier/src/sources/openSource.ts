// --from: an http(s) URL is the gateway's block feed, "peer" (or peer:<org>) a peer read with
// qscc, anything else a directory of exported blocks.
import { stat } from 'node:fs/promises';
import type { BlockSource } from './blockSource.js';
import { openDirectorySource } from './directorySource.js';
import { openHttpSource } from './httpSource.js';
import { openPeerSource } from './peerSource.js';

export async function openSource(from: string, networkConfig: string): Promise<BlockSource> {
  if (/^https?:\/\//.test(from)) return openHttpSource(from);
  if (from === 'peer' || from.startsWith('peer:')) {
    const org = from.slice('peer:'.length);
    return openPeerSource({ networkConfig, ...(org === '' ? {} : { org }) });
  }
  const info = await stat(from).catch(() => undefined);
  if (!info?.isDirectory())
    throw new UsageError(`--from ${from}: not a URL, "peer" or a directory`);
  return openDirectorySource(from);
}

/** A mistake in the command line (exit 2), as opposed to a failed check (exit 1). */
export class UsageError extends Error {}
