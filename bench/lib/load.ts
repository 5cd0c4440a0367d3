// A closed-loop load generator: `concurrency` workers each run one task after another until the
// time is up, so the offered load follows what the system absorbs. Bounded in time and count;
// progress goes to stderr every few seconds.
import { performance } from 'node:perf_hooks';

export interface LoadOptions {
  readonly name: string;
  readonly seconds: number;
  readonly concurrency: number;
  /** Safety bound on tasks started, whatever the time. */
  readonly maxTasks?: number;
  /** One unit of work; worker is 0..concurrency-1, iteration counts that worker's tasks. */
  readonly task: (worker: number, iteration: number) => Promise<void>;
}

export interface LoadResult {
  readonly name: string;
  readonly completed: number;
  readonly failed: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  /** The first few failure messages, to tell a refusal from a crash. */
  readonly failures: readonly string[];
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

// fabric-gateway's errors carry each peer's own answer in `details`; the message alone hides it.
function failureText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const details = (error as { details?: unknown }).details;
  if (!Array.isArray(details) || details.length === 0) return error.message;
  const first: unknown = details[0];
  const message =
    typeof first === 'object' && first !== null && 'message' in first ? String(first.message) : '';
  return `${error.message} (${message})`;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const failures: string[] = [];
  let failed = 0;
  let started = 0;
  const maxTasks = options.maxTasks ?? Number.MAX_SAFE_INTEGER;
  const start = performance.now();
  const end = start + options.seconds * 1000;
  const progress = setInterval(() => {
    const elapsed = (performance.now() - start) / 1000;
    console.error(
      `[${options.name} +${elapsed.toFixed(0)}s/${options.seconds}s] ${latencies.length} done, ${failed} failed, ` +
        `${(latencies.length / elapsed).toFixed(1)}/s`,
    );
  }, 5000);
  const worker = async (index: number): Promise<void> => {
    for (let iteration = 0; performance.now() < end && started < maxTasks; iteration++) {
      started++;
      const t0 = performance.now();
      try {
        await options.task(index, iteration);
        latencies.push(performance.now() - t0);
      } catch (error) {
        failed++;
        if (failures.length < 5) failures.push(failureText(error));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, (_, i) => worker(i)));
  } finally {
    clearInterval(progress);
  }
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    name: options.name,
    completed: latencies.length,
    failed,
    seconds,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failures,
  };
}

export function describeResult(result: LoadResult): string {
  const line =
    `${result.name.padEnd(28)} ${result.perSecond.toFixed(1).padStart(7)}/s  ` +
    `p50 ${result.p50.toFixed(0).padStart(5)} ms  p99 ${result.p99.toFixed(0).padStart(5)} ms  ` +
    `(${result.completed} in ${result.seconds.toFixed(1)} s, ${result.failed} failed)`;
  return result.failures.length === 0
    ? line
    : `${line}\n  first failures: ${result.failures.join(' | ')}`;
}

/** `--name value` flags with numeric defaults, e.g. --seconds 60 --concurrency 32. */
export function numericFlags<T extends Record<string, number>>(
  argv: readonly string[],
  defaults: T,
): T {
  const values: Record<string, number> = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] ?? '';
    const name = flag.replace(/^--/, '');
    const value = Number(argv[i + 1]);
    if (!flag.startsWith('--') || !(name in defaults) || !Number.isFinite(value) || value <= 0) {
      throw new Error(
        `usage: ${Object.keys(defaults)
          .map((key) => `[--${key} N]`)
          .join(' ')} (got ${flag})`,
      );
    }
    values[name] = value;
  }
  return values as T;
}

export interface OpenLoadOptions {
  readonly name: string;
  readonly seconds: number;
  /** Offered load: tasks started per second, whatever the system absorbs. */
  readonly rate: number;
  /** Slots a task needs one of (a resident with no ballot in flight); none free drops the task. */
  readonly slots: number;
  readonly task: (slot: number, iteration: number) => Promise<void>;
}

export interface OpenLoadResult extends LoadResult {
  readonly offered: number;
  /** Arrivals that found every slot busy: the system was too slow for the offered load. */
  readonly dropped: number;
}

/**
 * An open-loop load generator: tasks start on a fixed schedule, so latency shows queueing as the
 * offered load nears what the system absorbs (a closed loop would slow down instead). A late
 * arrival counts its latency from its scheduled start.
 */
export async function runOpenLoad(options: OpenLoadOptions): Promise<OpenLoadResult> {
  const latencies: number[] = [];
  const failures: string[] = [];
  const free = Array.from({ length: options.slots }, (_, i) => i);
  const uses = new Array<number>(options.slots).fill(0);
  const running = new Set<Promise<void>>();
  let failed = 0;
  let dropped = 0;
  const start = performance.now();
  const total = Math.floor(options.rate * options.seconds);
  const progress = setInterval(() => {
    const elapsed = (performance.now() - start) / 1000;
    console.error(
      `[${options.name} +${elapsed.toFixed(0)}s/${options.seconds}s] ${latencies.length} done, ` +
        `${failed} failed, ${dropped} dropped, ${running.size} in flight`,
    );
  }, 5000);
  try {
    for (let n = 0; n < total; n++) {
      const due = start + (n * 1000) / options.rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const slot = free.pop();
      if (slot === undefined) {
        dropped++;
        continue;
      }
      const iteration = uses[slot] ?? 0;
      uses[slot] = iteration + 1;
      const run = options
        .task(slot, iteration)
        .then(
          () => {
            latencies.push(performance.now() - due);
          },
          (error: unknown) => {
            failed++;
            if (failures.length < 5) failures.push(failureText(error));
          },
        )
        .finally(() => {
          free.push(slot);
          running.delete(run);
        });
      running.add(run);
    }
    // Throughput counts the offered window only; stragglers still give their latency.
    const windowEnd = performance.now();
    const inWindow = latencies.length;
    await Promise.all(running);
    latencies.sort((a, b) => a - b);
    const seconds = (windowEnd - start) / 1000;
    return {
      name: options.name,
      offered: options.rate,
      completed: latencies.length,
      failed,
      dropped,
      seconds,
      perSecond: inWindow / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      failures,
    };
  } finally {
    clearInterval(progress);
  }
}
