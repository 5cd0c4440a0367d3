import { randomBytes } from 'node:crypto';

// The load of the fault suite: N registered residents vote without pause on one poll that allows
// re-votes, each through the REST API with an Idempotency-Key per ballot. A resident sends its
// next ballot only once the previous one has a final answer (201 or a 4xx): an unanswered one
// (the connection broke, 503, any 5xx) is sent again with the same key and body, as API.md asks
// of clients. So the resident's latest 201 is its latest ballot on the ledger, and the tally can
// be checked against the answers. Every request and answer is recorded.

export interface Voter {
  /** The resident's bearer token. */
  readonly token: string;
  readonly residentId: string;
}

export interface Attempt {
  readonly residentId: string;
  /** The Idempotency-Key: one per ballot, the same for each attempt of that ballot. */
  readonly key: string;
  readonly choices: readonly string[];
  readonly sentAt: number;
  readonly answeredAt: number;
  /** 0 when no HTTP answer came (connection refused or reset). */
  readonly status: number;
  readonly contentType: string;
  /** The problem type of an error answer, e.g. `unavailable`. */
  readonly problem?: string;
  /** The Receipt of a 201. */
  readonly receipt?: Record<string, unknown>;
}

export interface LoadOptions {
  readonly base: string;
  readonly pollId: string;
  readonly options: readonly string[];
  readonly voters: readonly Voter[];
  /** Pause between the attempts of an unanswered ballot. */
  readonly retryMs?: number;
  /** A request's own deadline, so a hung connection counts as unanswered and is retried. */
  readonly requestTimeoutMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One ballot's attempt: the answer, or status 0 when none came. */
async function castOnce(
  options: LoadOptions,
  voter: Voter,
  key: string,
  choices: readonly string[],
): Promise<Attempt> {
  const sentAt = Date.now();
  const base = { residentId: voter.residentId, key, choices, sentAt };
  try {
    const response = await fetch(`${options.base}/api/v1/polls/${options.pollId}/ballots`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${voter.token}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: JSON.stringify({ choices }),
      signal: AbortSignal.timeout(options.requestTimeoutMs ?? 60_000),
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    let body: Record<string, unknown> = {};
    try {
      body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      body = { unparsed: text.slice(0, 200) };
    }
    const answeredAt = Date.now();
    if (response.status === 201) {
      return { ...base, answeredAt, status: 201, contentType, receipt: body };
    }
    return {
      ...base,
      answeredAt,
      status: response.status,
      contentType,
      ...(typeof body.type === 'string' ? { problem: body.type } : {}),
    };
  } catch {
    return { ...base, answeredAt: Date.now(), status: 0, contentType: '' };
  }
}

/** Whether an answer ends the ballot: a 201 or a refusal; anything else is sent again. */
const final = (status: number): boolean => status === 201 || (status >= 400 && status < 500);

export class VotingLoad {
  readonly attempts: Attempt[] = [];
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly options: LoadOptions) {}

  start(): void {
    this.running = true;
    this.loops = this.options.voters.map((voter) => this.vote(voter));
  }

  /**
   * Stops sending new ballots and waits until every ballot already sent has a final answer,
   * retrying unanswered ones (with their key) for at most `settleMs`.
   */
  async stop(settleMs: number): Promise<void> {
    this.running = false;
    this.settleDeadline = Date.now() + settleMs;
    await Promise.all(this.loops);
  }

  private settleDeadline = Number.POSITIVE_INFINITY;

  /** A method, not the field: stop() changes it while a loop awaits. */
  private isRunning(): boolean {
    return this.running;
  }

  private async vote(voter: Voter): Promise<void> {
    const retryMs = this.options.retryMs ?? 250;
    while (this.isRunning()) {
      const key = `fault-${randomBytes(8).toString('hex')}`;
      const option =
        this.options.options[Math.floor(Math.random() * this.options.options.length)] ?? '';
      const choices = [option];
      for (;;) {
        const attempt = await castOnce(this.options, voter, key, choices);
        this.attempts.push(attempt);
        if (final(attempt.status)) break;
        if (!this.isRunning() && Date.now() > this.settleDeadline) return;
        await sleep(retryMs);
      }
    }
  }
}

/** Attempts answered within [from, to) (ms since the epoch). */
export function answeredBetween(attempts: readonly Attempt[], from: number, to: number): Attempt[] {
  return attempts.filter((a) => a.answeredAt >= from && a.answeredAt < to);
}

/** The longest time without a 201 within [from, to), counting from `from` and up to `to`. */
export function longestStall(attempts: readonly Attempt[], from: number, to: number): number {
  const times = answeredBetween(attempts, from, to)
    .filter((a) => a.status === 201)
    .map((a) => a.answeredAt)
    .sort((x, y) => x - y);
  let previous = from;
  let longest = 0;
  for (const time of [...times, to]) {
    longest = Math.max(longest, time - previous);
    previous = time;
  }
  return longest;
}

/** The first 201 for a ballot attempt sent at or after `after`; undefined when none. */
export function firstAcceptedAfter(
  attempts: readonly Attempt[],
  after: number,
): number | undefined {
  const times = attempts
    .filter((a) => a.status === 201 && a.sentAt >= after)
    .map((a) => a.answeredAt);
  return times.length === 0 ? undefined : Math.min(...times);
}
