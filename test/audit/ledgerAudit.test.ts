// Issue 9's "done when": CI verifies the ledger the other suites leave behind (this project runs
// after the integration, disruptive and end-to-end suites), once from the regulator's peer and
// once from the public block feed of a gateway that npm start runs, as an outside auditor would.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { z } from 'zod';
import { networkDir } from '../helpers/networkScript';
import { startSystem, startTimeoutMs, stopSystem, type VecheSystem } from '../helpers/vecheSystem';

const cli = join(process.cwd(), 'verifier', 'dist', 'cli.js');
const network = networkDir();

const pollSchema = z.object({
  pollId: z.string(),
  status: z.string(),
  recomputed: z.object({ totalBallots: z.number() }),
  ledgerTally: z.object({ tally: z.object({ totalBallots: z.number() }) }).optional(),
  tallyMatches: z.boolean().nullable().optional(),
});

const reportSchema = z.object({
  height: z.number(),
  blocksVerified: z.number(),
  transactions: z.number(),
  validTransactions: z.number(),
  findings: z.array(z.object({ check: z.string(), blockNumber: z.number() })),
  veche: z.object({
    polls: z.array(pollSchema),
    gateway: z
      .array(z.object({ pollId: z.string(), outcome: z.string(), detail: z.string() }))
      .optional(),
  }),
});

type Report = z.infer<typeof reportSchema>;

async function verify(from: string): Promise<{ code: number | null; report: Report }> {
  const child = spawn(process.execPath, [cli, '--from', from, '--json'], {
    env: { ...process.env, VECHE_NETWORK_DIR: network },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, report: reportSchema.parse(JSON.parse(stdout)) };
}

describe('the whole ledger the test suites leave behind', () => {
  let system: VecheSystem;

  beforeAll(async () => {
    system = await startSystem(network, {
      // The auditor fetches every block from one address; API.md lets the limits be configured.
      RATE_LIMIT_IP_PER_SEC: '10000',
    });
  }, startTimeoutMs + 30_000);

  afterAll(async () => {
    await stopSystem(system);
  });

  it('verifies from the regulator peer with no finding and every closed poll recounted equal', async () => {
    const { code, report } = await verify('peer');

    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(report.blocksVerified).toBe(report.height);
    expect(report.transactions).toBeGreaterThan(0);
    const tallied = report.veche.polls.filter((poll) => poll.ledgerTally !== undefined);
    // The end-to-end suite closes polls with ballots in them; each must have been recounted.
    expect(tallied.some((poll) => poll.recomputed.totalBallots > 0)).toBe(true);
    for (const poll of tallied) {
      expect({ pollId: poll.pollId, matches: poll.tallyMatches }).toEqual({
        pollId: poll.pollId,
        matches: true,
      });
    }
  }, 600_000);

  it('verifies from the public block feed and finds the gateway results equal to the recount', async () => {
    const { code, report } = await verify(system.base);

    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(report.blocksVerified).toBe(report.height);
    const comparisons = report.veche.gateway ?? [];
    expect(comparisons.filter((c) => c.outcome === 'match').length).toBeGreaterThan(0);
    expect(comparisons.filter((c) => c.outcome === 'mismatch')).toEqual([]);
  }, 600_000);
});
