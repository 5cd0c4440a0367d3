import {
  assertAccess,
  isWrite,
  roleFromOrganizationalUnits,
  TRANSACTION_ACCESS,
  type Caller,
  type Role,
  type TransactionName,
} from '../../../../chaincode/src/domain/access';
import type { OrgConfig } from '../../../../chaincode/src/domain/config';

const config: OrgConfig = {
  departmentMspIds: ['ITDeptMSP', 'CivicChamberMSP'],
  gatewayMspId: 'ITDeptMSP',
  regulatorMspIds: ['RegulatorMSP'],
  timeZone: 'Europe/Moscow',
  maxClockSkewSeconds: 60,
  expectedElectorate: 1000000,
};

const as = (mspId: string, role: Role | null): Caller => ({ mspId, role });

function allowed(tx: TransactionName, caller: Caller, pollDepartment?: string): boolean {
  try {
    assertAccess(tx, {
      caller,
      config,
      ...(pollDepartment === undefined ? {} : { pollDepartment }),
    });
    return true;
  } catch (error) {
    expect((error as Error).message).toMatch(/^FORBIDDEN: /);
    return false;
  }
}

describe('roleFromOrganizationalUnits', () => {
  it('finds the single NodeOU role among other OUs', () => {
    expect(roleFromOrganizationalUnits(['client', 'org1', 'department1'])).toBe('client');
    expect(roleFromOrganizationalUnits(['admin'])).toBe('admin');
  });

  it('gives null for no role or an ambiguous one', () => {
    expect(roleFromOrganizationalUnits([])).toBeNull();
    expect(roleFromOrganizationalUnits(['COP'])).toBeNull();
    expect(roleFromOrganizationalUnits(['client', 'admin'])).toBeNull();
  });
});

describe('assertAccess', () => {
  it('lets only the gateway MSP with the client role write for residents', () => {
    for (const tx of [
      'residents:RegisterResident',
      'residents:PurgeResident',
      'ballots:CastBallot',
    ] as const) {
      expect(allowed(tx, as('ITDeptMSP', 'client'))).toBe(true);
      expect(allowed(tx, as('ITDeptMSP', 'admin'))).toBe(false);
      expect(allowed(tx, as('ITDeptMSP', 'peer'))).toBe(false);
      expect(allowed(tx, as('CivicChamberMSP', 'client'))).toBe(false);
      expect(allowed(tx, as('RegulatorMSP', 'client'))).toBe(false);
    }
  });

  it('lets department clients and admins create polls, and nobody else', () => {
    expect(allowed('polls:CreatePoll', as('CivicChamberMSP', 'client'))).toBe(true);
    expect(allowed('polls:CreatePoll', as('CivicChamberMSP', 'admin'))).toBe(true);
    expect(allowed('polls:CreatePoll', as('CivicChamberMSP', 'peer'))).toBe(false);
    expect(allowed('polls:CreatePoll', as('CivicChamberMSP', null))).toBe(false);
    expect(allowed('polls:CreatePoll', as('RegulatorMSP', 'admin'))).toBe(false);
    expect(allowed('polls:CreatePoll', as('StrangerMSP', 'client'))).toBe(false);
  });

  it("lets only the poll's own department open or close it", () => {
    for (const tx of ['polls:OpenPoll', 'polls:ClosePoll'] as const) {
      expect(allowed(tx, as('CivicChamberMSP', 'client'), 'CivicChamberMSP')).toBe(true);
      expect(allowed(tx, as('ITDeptMSP', 'client'), 'CivicChamberMSP')).toBe(false);
      expect(allowed(tx, as('CivicChamberMSP', 'client'))).toBe(false);
    }
  });

  it("lets the poll's department or the gateway run the tally", () => {
    for (const tx of ['tally:TallyShard', 'tally:FinalizeTally'] as const) {
      expect(allowed(tx, as('CivicChamberMSP', 'admin'), 'CivicChamberMSP')).toBe(true);
      expect(allowed(tx, as('ITDeptMSP', 'client'), 'CivicChamberMSP')).toBe(true);
      expect(allowed(tx, as('RegulatorMSP', 'client'), 'RegulatorMSP')).toBe(false);
    }
  });

  it('never lets a regulator write, even one also listed as a department', () => {
    const odd = { ...config, departmentMspIds: [...config.departmentMspIds, 'RegulatorMSP'] };
    expect(() => {
      assertAccess('polls:CreatePoll', { caller: as('RegulatorMSP', 'admin'), config: odd });
    }).toThrow(/^FORBIDDEN: /);
  });

  it('lets every channel organisation read, and strangers not', () => {
    for (const msp of ['ITDeptMSP', 'CivicChamberMSP', 'RegulatorMSP']) {
      expect(allowed('polls:GetPoll', as(msp, 'client'))).toBe(true);
      expect(allowed('tally:GetTally', as(msp, 'admin'))).toBe(true);
    }
    expect(allowed('polls:GetPoll', as('StrangerMSP', 'client'))).toBe(false);
  });

  it("keeps the resident's district from the regulator", () => {
    expect(allowed('residents:GetResidentDistrict', as('CivicChamberMSP', 'client'))).toBe(true);
    expect(allowed('residents:GetResidentDistrict', as('RegulatorMSP', 'client'))).toBe(false);
  });

  it('lets InitConfig come only from a department of the config being set', () => {
    expect(allowed('config:InitConfig', as('ITDeptMSP', 'admin'))).toBe(true);
    expect(allowed('config:InitConfig', as('RegulatorMSP', 'admin'))).toBe(false);
  });

  it('refuses every write and every channel read before the config exists', () => {
    const caller = as('ITDeptMSP', 'client');
    expect(() => {
      assertAccess('ballots:CastBallot', { caller, config: null });
    }).toThrow(/^FORBIDDEN: /);
    expect(() => {
      assertAccess('polls:GetPoll', { caller, config: null });
    }).toThrow(/^FORBIDDEN: /);
    expect(() => {
      assertAccess('config:GetConfig', { caller, config: null });
    }).not.toThrow();
  });
});

describe('TRANSACTION_ACCESS', () => {
  it('declares every Get and List as a read and everything else as a write', () => {
    for (const tx of Object.keys(TRANSACTION_ACCESS) as TransactionName[]) {
      const name = tx.split(':')[1]!;
      expect([tx, isWrite(tx)]).toEqual([tx, !/^(Get|List)/.test(name)]);
    }
  });
});
