import type { Context } from 'fabric-contract-api';
import { assertAccess, isWrite, type Caller, type TransactionName } from '../domain/access';
import { assertWithinClockSkew } from '../domain/clock';
import type { OrgConfig } from '../domain/config';
import { callerOf } from './caller';

/**
 * The one gate every transaction passes: who is calling, checked against the access table in
 * domain/access.ts, and for a write whether its timestamp is within the configured skew of this
 * endorser's clock. Returns the caller for the event's mspId.
 */
export function authorize(
  ctx: Context,
  transaction: TransactionName,
  config: OrgConfig | null,
  pollDepartment?: string,
): Caller {
  const caller = callerOf(ctx);
  assertAccess(transaction, {
    caller,
    config,
    ...(pollDepartment === undefined ? {} : { pollDepartment }),
  });
  if (config !== null && isWrite(transaction)) {
    // The one read of the endorser's own clock (domain/clock.ts says why it is safe).
    assertWithinClockSkew(ctx.stub.getDateTimestamp(), new Date(), config.maxClockSkewSeconds);
  }
  return caller;
}
