import type { Context } from 'fabric-contract-api';
import { assertAccess, type Caller, type TransactionName } from '../domain/access';
import type { OrgConfig } from '../domain/config';
import { callerOf } from './caller';

/**
 * The one gate every transaction passes: who is calling, checked against the access table in
 * domain/access.ts. Returns the caller for the event's mspId.
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
  return caller;
}
