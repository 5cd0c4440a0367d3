// One definition of the event, shared with the gateway that reads it (@veche/common).
export { EVENT_ACTIONS, type ActorKind, type EventAction, type LedgerEvent } from '@veche/common';
