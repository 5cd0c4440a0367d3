import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The checkout: jest runs from it (the npm scripts), as the other helpers assume. */
export function repoRoot(): string {
  return process.cwd();
}

/** Where scripts/network.sh keeps its state, by the same environment variables it reads. */
export function networkDir(root: string = repoRoot()): string {
  const explicit = process.env.VECHE_NETWORK_DIR;
  if (explicit !== undefined && explicit !== '') return explicit;
  const runtime = process.env.VECHE_RUNTIME_DIR;
  return join(
    runtime !== undefined && runtime !== '' ? runtime : join(root, '.runtime'),
    'network',
  );
}

export interface ScriptRun {
  readonly code: number;
  /** stdout and stderr, interleaved; empty when the output went to this process's stderr. */
  readonly output: string;
}

/**
 * Runs `bash scripts/network.sh <command>`. `echo` sends its progress lines to this process's
 * stderr as they come (the global setup); otherwise they are collected for the caller's error
 * message (the tests).
 */
export async function runNetworkScript(
  command: 'up' | 'down' | 'status',
  options: { readonly echo?: boolean; readonly root?: string } = {},
): Promise<ScriptRun> {
  const root = options.root ?? repoRoot();
  const echo = options.echo ?? false;
  const child = spawn('bash', [join(root, 'scripts/network.sh'), command], {
    cwd: root,
    stdio: echo ? ['ignore', 2, 2] : ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode, signal) => {
      resolve(exitCode ?? (signal === null ? 1 : 128));
    });
  });
  return { code, output };
}

/** Like runNetworkScript, but a non-zero exit is an error that carries the script's output. */
export async function networkScript(
  command: 'up' | 'down' | 'status',
  options: { readonly echo?: boolean; readonly root?: string } = {},
): Promise<string> {
  const run = await runNetworkScript(command, options);
  if (run.code !== 0) {
    throw new Error(
      `scripts/network.sh ${command} exited with ${run.code}:\n${run.output.slice(-4000)}`,
    );
  }
  return run.output;
}

/** Whether scripts/install-fabric.sh finds a complete build of the Fabric binaries. */
export async function fabricBinariesBuilt(root: string = repoRoot()): Promise<boolean> {
  if (!existsSync(join(root, 'scripts/install-fabric.sh'))) return false;
  const child = spawn('bash', [join(root, 'scripts/install-fabric.sh'), 'check'], {
    cwd: root,
    stdio: 'ignore',
  });
  return new Promise((resolve) => {
    child.once('error', () => {
      resolve(false);
    });
    child.once('close', (code) => {
      resolve(code === 0);
    });
  });
}

export type NetworkState = 'running' | 'stopped' | 'partial';

/**
 * Reads `network.sh status`: one row per process, "<name> up PID <pid> <address> (<health>)" or
 * "<name> down <address>". Running means every row is up and healthy (orderers, peers) or
 * listening (chaincode servers); stopped means no row is up, or nothing is rendered yet.
 */
export function networkState(statusOutput: string): NetworkState {
  const rows = statusOutput
    .split('\n')
    .map((line) => /^(\S+)\s+(up|down)\s+(.*)$/.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null);
  if (rows.length === 0) return 'stopped';
  const healthy = rows.filter(
    (row) => row[2] === 'up' && /\((healthy|listening)\)$/.test(row[3] ?? ''),
  );
  if (healthy.length === rows.length) return 'running';
  return rows.some((row) => row[2] === 'up') ? 'partial' : 'stopped';
}
