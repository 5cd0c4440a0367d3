import { fail } from '../errors';
import { knownMspIds, type OrgConfig } from './config';

/** Fabric NodeOU roles, read from the OU of the submitter's X.509 certificate. */
export const NODE_OU_ROLES = ['client', 'admin', 'peer', 'orderer'] as const;
export type Role = (typeof NODE_OU_ROLES)[number];

export interface Caller {
  readonly mspId: string;
  /** null when the certificate carries no NodeOU role, or more than one. */
  readonly role: Role | null;
}

/** The NodeOU role among a certificate's OUs; other OUs (organisation, department) are ignored. */
export function roleFromOrganizationalUnits(units: readonly string[]): Role | null {
  const roles = NODE_OU_ROLES.filter((role) => units.includes(role));
  return roles.length === 1 ? (roles[0] ?? null) : null;
}

type ReadAudience = 'anyone' | 'channel' | 'departments';
type WriteAudience =
  'bootstrap' | 'gateway' | 'department' | 'pollDepartment' | 'pollDepartmentOrGateway';

export type AccessRule =
  | { readonly kind: 'read'; readonly who: ReadAudience }
  | { readonly kind: 'write'; readonly who: WriteAudience };

/**
 * Every transaction of the chaincode, declared as a read or a write, and who may call it. This
 * table is the single place access is decided; a unit test checks that it names exactly the
 * transactions in the contract metadata.
 */
export const TRANSACTION_ACCESS = {
  'config:InitConfig': { kind: 'write', who: 'bootstrap' },
  'config:GetConfig': { kind: 'read', who: 'anyone' },
  'polls:CreatePoll': { kind: 'write', who: 'department' },
  'polls:OpenPoll': { kind: 'write', who: 'pollDepartment' },
  'polls:ClosePoll': { kind: 'write', who: 'pollDepartment' },
  'polls:GetPoll': { kind: 'read', who: 'channel' },
  'polls:ListPolls': { kind: 'read', who: 'channel' },
  'polls:GetPollHistory': { kind: 'read', who: 'channel' },
  'residents:RegisterResident': { kind: 'write', who: 'gateway' },
  'residents:GetResident': { kind: 'read', who: 'channel' },
  // Only department peers hold the private collection, so only department identities ask.
  'residents:GetResidentDistrict': { kind: 'read', who: 'departments' },
  'residents:PurgeResident': { kind: 'write', who: 'gateway' },
  'ballots:CastBallot': { kind: 'write', who: 'gateway' },
  'ballots:GetBallot': { kind: 'read', who: 'channel' },
  'ballots:GetBallotHistory': { kind: 'read', who: 'channel' },
  'ballots:ListResidentBallots': { kind: 'read', who: 'channel' },
  'tally:TallyShard': { kind: 'write', who: 'pollDepartmentOrGateway' },
  'tally:FinalizeTally': { kind: 'write', who: 'pollDepartmentOrGateway' },
  'tally:GetTally': { kind: 'read', who: 'channel' },
} as const satisfies Record<string, AccessRule>;

export type TransactionName = keyof typeof TRANSACTION_ACCESS;

export interface AccessRequest {
  readonly caller: Caller;
  /** The stored config, or for InitConfig the config being initialised; null before init. */
  readonly config: OrgConfig | null;
  /** The department of the poll the transaction acts on, for rules that depend on it. */
  readonly pollDepartment?: string;
}

function isGatewayClient(config: OrgConfig, caller: Caller): boolean {
  return caller.mspId === config.gatewayMspId && caller.role === 'client';
}

function isDepartmentMember(config: OrgConfig, caller: Caller): boolean {
  return (
    config.departmentMspIds.includes(caller.mspId) &&
    (caller.role === 'client' || caller.role === 'admin')
  );
}

function isPollDepartmentMember(config: OrgConfig, caller: Caller, department?: string): boolean {
  return (
    department !== undefined && caller.mspId === department && isDepartmentMember(config, caller)
  );
}

function mayRead(who: ReadAudience, config: OrgConfig | null, caller: Caller): boolean {
  if (who === 'anyone') {
    return true;
  }
  if (config === null) {
    return false;
  }
  if (who === 'departments') {
    return config.departmentMspIds.includes(caller.mspId) || caller.mspId === config.gatewayMspId;
  }
  return knownMspIds(config).has(caller.mspId);
}

function mayWrite(who: WriteAudience, config: OrgConfig, request: AccessRequest): boolean {
  const { caller, pollDepartment } = request;
  // A regulator never writes, even if a configuration also lists its MSP elsewhere.
  if (config.regulatorMspIds.includes(caller.mspId)) {
    return false;
  }
  switch (who) {
    case 'bootstrap':
    case 'department':
      return isDepartmentMember(config, caller);
    case 'gateway':
      return isGatewayClient(config, caller);
    case 'pollDepartment':
      return isPollDepartmentMember(config, caller, pollDepartment);
    case 'pollDepartmentOrGateway':
      return (
        isGatewayClient(config, caller) || isPollDepartmentMember(config, caller, pollDepartment)
      );
  }
}

/** Throws FORBIDDEN unless the caller may run the transaction. */
export function assertAccess(transaction: TransactionName, request: AccessRequest): void {
  const rule: AccessRule = TRANSACTION_ACCESS[transaction];
  const allowed =
    rule.kind === 'read'
      ? mayRead(rule.who, request.config, request.caller)
      : request.config !== null && mayWrite(rule.who, request.config, request);
  if (!allowed) {
    fail('FORBIDDEN', `${request.caller.mspId} may not call ${transaction}`);
  }
}

export function isWrite(transaction: TransactionName): boolean {
  return TRANSACTION_ACCESS[transaction].kind === 'write';
}
