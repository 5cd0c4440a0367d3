/**
 * What GetTally and FinalizeTally answer (docs/chaincode-interface.md): the chaincode builds
 * it, the gateway reads it, so both name the same fields.
 */
export interface TallySummary {
  readonly pollId: string;
  readonly complete: boolean;
  readonly shardsDone: number;
  readonly shardCount: number;
  /** Shards still to tally, in order: a resumed tally goes straight to them. */
  readonly pendingShards: readonly number[];
  readonly totalBallots: number;
  readonly counts: Record<string, number>;
}
