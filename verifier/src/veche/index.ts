// The Veche checks of the verifier, above the Fabric-level pipeline (see README.md here).
export {
  createVecheSink,
  type VecheSink,
  type VecheSinkOptions,
  type ReceiptEvidence,
  type TxSighting,
} from './sink.js';
export {
  compareWithGateway,
  GATEWAY_CHECK,
  type GatewayCheck,
  type GatewayCheckOptions,
  type GatewayComparison,
} from './gatewayResults.js';
export { formatPollResults } from './report.js';
export {
  formatReceiptReport,
  receiptHolds,
  validationCodeName,
  verifyReceipt,
  type ReceiptReport,
  type ReceiptVerdict,
} from './receipt.js';
export {
  createVecheReplay,
  VECHE_CHECKS,
  type BallotVersion,
  type LedgerTally,
  type PollResult,
  type TxRef,
  type VecheReplay,
} from './replay.js';
export { countBallots, countDifferences, type OptionCounts } from './tallyCount.js';
export {
  createVecheChecks,
  type VecheChecks,
  type VecheChecksOptions,
  type VecheOutcome,
} from './vecheChecks.js';
