import { z } from 'zod';
import type { Finding } from '../ledgerTransaction.js';
import type { PollResult } from './replay.js';
import { countDifferences } from './tallyCount.js';

export const GATEWAY_CHECK = 'veche-gateway';

/** API.md: GET /api/v1/polls/{pollId}/results. */
const resultsSchema = z.object({
  pollId: z.string(),
  status: z.enum(['live', 'final']),
  totalBallots: z.int().min(0),
  counts: z.record(z.string(), z.int().min(0)),
});

const problemSchema = z.object({ type: z.string().optional(), code: z.string().optional() });
const ledgerInfoSchema = z.object({ height: z.int().min(0) });

export type GatewayOutcome = 'match' | 'mismatch' | 'not-compared';

export interface GatewayComparison {
  readonly pollId: string;
  readonly outcome: GatewayOutcome;
  readonly detail: string;
}

export interface GatewayCheck {
  readonly findings: Finding[];
  readonly comparisons: GatewayComparison[];
}

export interface GatewayCheckOptions {
  /** The gateway's base URL, e.g. http://127.0.0.1:3000. */
  readonly baseUrl: string;
  /** The number of the last block the verifier read. */
  readonly lastBlock: number;
  /** Injected for tests of other transports; the global fetch by default. */
  readonly fetch?: typeof fetch;
}

/** The block a finding about a poll's gateway answer is placed at: what the recount rests on. */
function anchorOf(result: PollResult): number {
  return (result.ledgerTally?.at ?? result.lastBallot ?? result.created).blockNumber;
}

/** The problem type's last path segment (`.../problems/results-sealed` → results-sealed). */
function problemName(body: unknown): string {
  const parsed = problemSchema.safeParse(body);
  const type = parsed.success ? (parsed.data.type ?? parsed.data.code ?? '') : '';
  return type.split('/').at(-1) ?? '';
}

/**
 * Asks the gateway for every poll's results and compares them with the recount from the blocks:
 * a final result always; a live one only while the gateway's ledger height is still the one the
 * verifier read (a later ballot would move it honestly). A result the gateway withholds by
 * API.md's rules (results-sealed, tally-pending) is not compared.
 */
export async function compareWithGateway(
  results: readonly PollResult[],
  options: GatewayCheckOptions,
): Promise<GatewayCheck> {
  const get = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, '');
  const findings: Finding[] = [];
  const comparisons: GatewayComparison[] = [];
  const read = async (path: string): Promise<{ status: number; body: unknown }> => {
    const response = await get(`${base}${path}`, { headers: { accept: 'application/json' } });
    const text = await response.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    return { status: response.status, body };
  };

  const info = await read('/api/v1/ledger/info');
  const height = ledgerInfoSchema.safeParse(info.body);
  const ledgerMoved = !height.success || height.data.height !== options.lastBlock + 1;

  for (const result of results) {
    const { status, body } = await read(`/api/v1/polls/${result.pollId}/results`);
    const compare = (outcome: GatewayOutcome, detail: string): void => {
      comparisons.push({ pollId: result.pollId, outcome, detail });
      if (outcome === 'mismatch') {
        findings.push({
          check: GATEWAY_CHECK,
          blockNumber: anchorOf(result),
          ...(result.ledgerTally === undefined ? {} : { txId: result.ledgerTally.at.txId }),
          message: `the gateway's results of poll ${result.pollId} differ from the recount: ${detail}`,
        });
      }
    };
    if (status === 409) {
      compare('not-compared', `withheld by the gateway (${problemName(body) || '409'})`);
      continue;
    }
    const parsed = resultsSchema.safeParse(body);
    if (status !== 200 || !parsed.success || parsed.data.pollId !== result.pollId) {
      compare('mismatch', `HTTP ${String(status)} without a results body for this poll`);
      continue;
    }
    const answer = parsed.data;
    if (
      answer.status === 'live' &&
      result.status === 'closed' &&
      result.ledgerTally !== undefined
    ) {
      compare('mismatch', 'live results for a poll whose final tally is on the ledger');
      continue;
    }
    if (answer.status === 'live' && ledgerMoved) {
      compare('not-compared', 'live results, and the ledger has grown since the blocks were read');
      continue;
    }
    const differences = countDifferences(result.recomputed, answer);
    compare(
      differences.length === 0 ? 'match' : 'mismatch',
      differences.length === 0
        ? `${answer.status} results equal the recount`
        : `${answer.status} (recomputed ≠ gateway): ${differences.join(', ')}`,
    );
  }
  return { findings, comparisons };
}
