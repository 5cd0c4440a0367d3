import type { LedgerEvent } from '../domain/events';
import type { Stub } from './ledgerState';
import { marshal } from './marshal';

/** Fabric keeps one event per transaction, so every write calls this exactly once. */
export function emitEvent(stub: Stub, event: LedgerEvent): void {
  stub.setEvent(event.action, marshal(event));
}
