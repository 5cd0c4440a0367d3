import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { currentEntries, levelDbEntries, type LevelDbEntry } from './levelDb';

// What DESIGN.md section 3 says must never hold a resident's personal details, as sources of
// bytes to search: block files (not compressed), every log, and public state decoded from the
// peers' LevelDB stores (compressed on disk, so read record by record, every version).

export interface ScanSource {
  /** Where the bytes come from, for the report of a hit. */
  readonly name: string;
  read(): readonly Buffer[];
}

export interface Hit {
  readonly needle: string;
  readonly source: string;
}

/** Every needle found in every source; [] when none is anywhere. */
export function findNeedles(sources: readonly ScanSource[], needles: readonly string[]): Hit[] {
  const hits: Hit[] = [];
  for (const source of sources) {
    const chunks = source.read();
    for (const needle of needles) {
      const bytes = Buffer.from(needle, 'utf8');
      if (chunks.some((chunk) => chunk.includes(bytes))) hits.push({ needle, source: source.name });
    }
  }
  return hits;
}

const fileSource = (path: string): ScanSource => ({
  name: path,
  read: () => [readFileSync(path)],
});

function filesUnder(dir: string, wanted: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && wanted(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Every block file of every peer and orderer of the network in `network` (its data/). */
export function blockFiles(network: string): ScanSource[] {
  return filesUnder(join(network, 'data'), (name) => name.startsWith('blockfile_')).map(fileSource);
}

/** Every file in a logs folder, whole. */
export function logFiles(dir: string): ScanSource[] {
  return filesUnder(dir, () => true).map(fileSource);
}

/** The peers' folders under data/ (peer-*). */
function peerDirs(network: string): string[] {
  const data = join(network, 'data');
  return readdirSync(data)
    .filter((name) => name.startsWith('peer-'))
    .map((name) => join(data, name));
}

// State database keys are `<channel>\0<kind><namespace>\0...`; a private collection's values
// live in namespace `<chaincode>$$p<collection>`, its hashes in `<chaincode>$$h<collection>`.
const isPrivateValue = (entry: LevelDbEntry): boolean =>
  entry.key.includes(Buffer.from('$$p', 'latin1'));

const entriesSource = (name: string, entries: () => readonly LevelDbEntry[]): ScanSource => ({
  name,
  read: () => entries().flatMap((entry) => [entry.key, entry.value]),
});

/**
 * Public state on every peer, every version of every key (deleted ones too): the state
 * database without its private-collection namespaces, and the history database (keys and
 * block positions only).
 */
export function publicState(network: string): ScanSource[] {
  return peerDirs(network).flatMap((peer) => [
    entriesSource(`${peer} state database, public namespaces`, () =>
      levelDbEntries(join(peer, 'ledgersData/stateLeveldb')).filter(
        (entry) => !isPrivateValue(entry),
      ),
    ),
    entriesSource(`${peer} history database`, () =>
      levelDbEntries(join(peer, 'ledgersData/historyLeveldb')),
    ),
  ]);
}

/** A peer's private data: the current private state, and every record of its private data store. */
export function privateData(peer: string): {
  current: ScanSource;
  everyVersion: ScanSource;
  store: ScanSource;
} {
  const state = (): LevelDbEntry[] =>
    levelDbEntries(join(peer, 'ledgersData/stateLeveldb')).filter(isPrivateValue);
  return {
    current: entriesSource(`${peer} private state, current versions`, () =>
      currentEntries(state()),
    ),
    everyVersion: entriesSource(`${peer} private state, every version`, state),
    store: entriesSource(`${peer} private data store`, () =>
      levelDbEntries(join(peer, 'ledgersData/pvtdataStore')),
    ),
  };
}
