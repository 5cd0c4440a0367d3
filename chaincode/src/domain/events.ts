export const EVENT_ACTIONS = [
  'ConfigInitialised',
  'PollCreated',
  'PollOpened',
  'PollClosed',
  'ShardTallied',
  'TallyFinalized',
  'ResidentRegistered',
  'ResidentPurged',
  'BallotCast',
] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];

export type ActorKind = 'resident' | 'official' | 'system';

/**
 * The single chaincode event of a write (Fabric keeps one per transaction). It lands in the
 * block, so it names pseudonyms and IDs only, never personal details.
 */
export interface LedgerEvent {
  readonly action: EventAction;
  readonly mspId: string;
  readonly actor: ActorKind;
  readonly actorId?: string;
  readonly pollId?: string;
  readonly residentId?: string;
  readonly choices?: readonly string[];
  readonly previousChoices?: readonly string[];
  /** A ballot's revision: lets a listener apply each ballot once, whatever the order. */
  readonly revision?: number;
}
