import { fail } from '../errors';

/**
 * A write's timestamp is its submitter's clock (Fabric takes it from the proposal's channel
 * header), and poll windows and eligibility dates are judged by it. Each endorser therefore
 * compares it with its own clock and refuses one further away than the configured skew. This is
 * the only use of an endorser's clock: a refusal only rejects, so it cannot make two endorsers
 * write different values (DESIGN.md section 4).
 */
export function assertWithinClockSkew(
  txTime: Date,
  endorserTime: Date,
  maxSkewSeconds: number,
): void {
  const skewMs = Math.abs(txTime.getTime() - endorserTime.getTime());
  if (!(skewMs <= maxSkewSeconds * 1000)) {
    fail(
      'CLOCK_SKEW',
      `the transaction's timestamp is ${String(Math.round(skewMs / 1000))} s from this endorser's clock; at most ${String(maxSkewSeconds)} s is accepted`,
    );
  }
}
