import { z } from 'zod';

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

export const ACTOR_KINDS = ['resident', 'official', 'system'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/**
 * The single chaincode event of a write (Fabric keeps one per transaction), named after its
 * action. It lands in the block, so it names pseudonyms and IDs only, never personal details.
 * The chaincode writes it and the gateway reads it (receipts, live counts, the audit trail).
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

/** LedgerEvent as a reader parses it from an event payload; unknown fields are dropped. */
export const ledgerEventSchema = z.object({
  action: z.enum(EVENT_ACTIONS),
  mspId: z.string(),
  actor: z.enum(ACTOR_KINDS),
  actorId: z.string().optional(),
  pollId: z.string().optional(),
  residentId: z.string().optional(),
  choices: z.array(z.string()).readonly().optional(),
  previousChoices: z.array(z.string()).readonly().optional(),
  revision: z.number().int().positive().optional(),
}) satisfies z.ZodType<LedgerEvent>;
