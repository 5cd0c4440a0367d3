import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assertPinnedRuntime,
  currentRuntime,
  pinnedRuntime,
  runtimeMismatches,
} from '../../../chaincode/src/runtime';
import manifest from '../../../chaincode/package.json';
import lock from '../../../package-lock.json';

const pinned = { node: 'v20.20.2', icu: '78.2', tz: '2025c' };

describe('runtime pin', () => {
  it('refuses to load on a Node whose time-zone data differs from the pinned one', () => {
    expect(() => {
      assertPinnedRuntime({ ...pinned, tz: '2024a' }, pinned);
    }).toThrow('tz: 2024a (pinned 2025c)');
    expect(runtimeMismatches({ node: 'v22.12.0', icu: '76.1', tz: '2024b' }, pinned)).toHaveLength(
      3,
    );
  });

  it('loads on exactly the pinned runtime', () => {
    expect(() => {
      assertPinnedRuntime(pinned, pinned);
    }).not.toThrow();
  });

  it('pins the runtime this checkout runs the chaincode servers on', () => {
    expect(pinnedRuntime()).toEqual(currentRuntime());
  });

  it('refuses a package.json that pins nothing', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'veche-runtime-')), 'package.json');
    writeFileSync(file, '{}');
    expect(() => pinnedRuntime(file)).toThrow(/does not pin vecheRuntime/);
  });

  it('names exact dependency versions, the ones the lockfile holds', () => {
    const packages = lock.packages as Record<string, { version?: string }>;
    for (const [name, version] of Object.entries(manifest.dependencies)) {
      if (name.startsWith('@veche/')) {
        continue;
      }
      expect(version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(packages[`node_modules/${name}`]?.version).toBe(version);
    }
  });
});
