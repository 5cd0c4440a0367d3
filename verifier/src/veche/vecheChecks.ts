import type { Finding, TransactionSink } from '../ledgerTransaction.js';
import { compareWithGateway, type GatewayComparison } from './gatewayResults.js';
import { formatReceiptReport, receiptHolds, verifyReceipt, type ReceiptReport } from './receipt.js';
import type { PollResult } from './replay.js';
import { formatPollResults } from './report.js';
import { createVecheSink } from './sink.js';

export interface VecheChecksOptions {
  /** The Veche chaincode's name on the channel; `veche` by default. */
  readonly chaincode?: string;
  /** --receipt <txId>: prove this receipt instead of reporting every poll. */
  readonly receipt?: string;
  /** The gateway the blocks came from, when --from was its URL: its results are compared too. */
  readonly gatewayUrl?: string;
}

/** What the CLI prints and decides after the run, beside the pipeline's own report. */
export interface VecheOutcome {
  /** Findings beyond those the sink already gave the pipeline (the gateway comparison). */
  readonly findings: Finding[];
  readonly text: string;
  readonly json: {
    readonly polls: PollResult[];
    readonly gateway?: GatewayComparison[];
    readonly receipt?: ReceiptReport;
  };
  /** With --receipt: whether the receipt holds, which decides the exit code. */
  readonly receiptHolds?: boolean;
}

export interface VecheChecks {
  /** Hand these to verifyLedger({ sinks }). */
  readonly sinks: TransactionSink[];
  /**
   * After verifyLedger: `findings` are the run's findings (the pipeline's and the sink's),
   * `lastBlock` the number of the last block read.
   */
  conclude(run: { findings: readonly Finding[]; lastBlock: number }): Promise<VecheOutcome>;
}

/**
 * The CLI's one entry to the Veche checks:
 *
 *   const veche = createVecheChecks({ chaincode: 'veche', receipt, gatewayUrl });
 *   const result = await verifyLedger({ source, sinks: veche.sinks, ... });
 *   const outcome = await veche.conclude({ findings: result.findings, lastBlock: result.height - 1 });
 *   print outcome.text (or outcome.json under --json); add outcome.findings to the result's;
 *   with --receipt the exit code is outcome.receiptHolds, otherwise no findings at all.
 */
export function createVecheChecks(options: VecheChecksOptions = {}): VecheChecks {
  const sink = createVecheSink({
    ...(options.chaincode === undefined ? {} : { chaincode: options.chaincode }),
    ...(options.receipt === undefined ? {} : { receipt: options.receipt }),
  });
  return {
    sinks: [sink],
    async conclude({ findings, lastBlock }) {
      const polls = sink.results();
      if (options.receipt !== undefined) {
        const receipt = verifyReceipt(options.receipt, sink, findings);
        return {
          findings: [],
          text: formatReceiptReport(receipt),
          json: { polls, receipt },
          receiptHolds: receiptHolds(receipt),
        };
      }
      const lines = [formatPollResults(polls)];
      if (options.gatewayUrl === undefined) {
        return { findings: [], text: lines.join('\n'), json: { polls } };
      }
      const gateway = await compareWithGateway(polls, { baseUrl: options.gatewayUrl, lastBlock });
      lines.push(`gateway results compared at ${options.gatewayUrl}:`);
      for (const { pollId, outcome, detail } of gateway.comparisons) {
        lines.push(`  poll ${pollId}: ${outcome} (${detail})`);
      }
      return {
        findings: gateway.findings,
        text: lines.join('\n'),
        json: { polls, gateway: gateway.comparisons },
      };
    },
  };
}
