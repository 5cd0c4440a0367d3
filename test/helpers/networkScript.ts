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

export type NetworkCommand = 'up' | 'down' | 'status' | 'running' | 'stopped';

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
  command: NetworkCommand,
  options: {
    readonly echo?: boolean;
    readonly root?: string;
    /** Added to this process's environment (a topology variable, another network folder). */
    readonly env?: Readonly<Record<string, string>>;
  } = {},
): Promise<ScriptRun> {
  const root = options.root ?? repoRoot();
  const echo = options.echo ?? false;
  const child = spawn('bash', [join(root, 'scripts/network.sh'), command], {
    cwd: root,
    env: { ...process.env, ...options.env },
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
  command: NetworkCommand,
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

/** `network.sh running`: whether every process of the rendered network runs. */
export async function networkRunning(root: string = repoRoot()): Promise<boolean> {
  return (await runNetworkScript('running', { root })).code === 0;
}

export interface ProcessRow {
  readonly name: string;
  readonly up: boolean;
  /** healthy, unhealthy, listening or not listening, for a process that is up. */
  readonly health?: string;
}

/**
 * The process rows of `network.sh status`: "<name> up PID <pid> <address> (<health>)" or
 * "<name> down <address>"; the channel height rows that follow are not process rows.
 */
export function processRows(statusOutput: string): ProcessRow[] {
  const rows: ProcessRow[] = [];
  for (const line of statusOutput.split('\n')) {
    const match = /^(\S+)\s+(up|down)\s+(.*)$/.exec(line.trim());
    if (match?.[1] === undefined) continue;
    const health = /\(([^)]*)\)$/.exec(match[3] ?? '')?.[1];
    rows.push(
      match[2] === 'up' && health !== undefined
        ? { name: match[1], up: true, health }
        : { name: match[1], up: match[2] === 'up' },
    );
  }
  return rows;
}

/** Whether `network.sh status` shows a network none of whose processes runs. */
export function networkStopped(statusOutput: string): boolean {
  if (statusOutput.includes('not rendered yet')) return true;
  const rows = processRows(statusOutput);
  // No rows at all means output this parser does not know: not "stopped", so nothing is
  // stopped after the run on a guess.
  return rows.length > 0 && rows.every((row) => !row.up);
}

export type NetworkState = 'running' | 'stopped' | 'partial';

/**
 * `network.sh status` in one word: running when every process is up and healthy (orderers,
 * peers) or listening (chaincode servers), stopped when none is up, partial otherwise.
 */
export function networkState(statusOutput: string): NetworkState {
  if (networkStopped(statusOutput)) return 'stopped';
  const rows = processRows(statusOutput);
  const fine = (row: ProcessRow): boolean =>
    row.up && (row.health === 'healthy' || row.health === 'listening');
  return rows.length > 0 && rows.every(fine) ? 'running' : 'partial';
}
