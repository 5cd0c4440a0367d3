import {
  assertConfigWritable,
  knownMspIds,
  orgConfigSchema,
} from '../../../../chaincode/src/domain/config';

const valid = {
  departmentMspIds: ['ITDeptMSP', 'CivicChamberMSP'],
  gatewayMspId: 'ITDeptMSP',
  regulatorMspIds: ['RegulatorMSP'],
  timeZone: 'Europe/Moscow',
};

describe('orgConfigSchema', () => {
  it('accepts the default topology', () => {
    expect(orgConfigSchema.parse(valid)).toEqual(valid);
  });

  it('accepts a network without regulators', () => {
    expect(orgConfigSchema.safeParse({ ...valid, regulatorMspIds: [] }).success).toBe(true);
  });

  it.each([
    ['no departments', { departmentMspIds: [] }],
    ['a repeated department', { departmentMspIds: ['A', 'A'] }],
    ['an unknown time zone', { timeZone: 'Europe/Atlantis' }],
    ['an MSP ID with spaces', { gatewayMspId: 'IT Dept' }],
    ['an unknown field', { extra: true }],
  ])('rejects %s', (_, change) => {
    expect(orgConfigSchema.safeParse({ ...valid, ...change }).success).toBe(false);
  });
});

describe('knownMspIds', () => {
  it('collects departments, gateway and regulators', () => {
    expect([...knownMspIds(orgConfigSchema.parse(valid))].sort()).toEqual([
      'CivicChamberMSP',
      'ITDeptMSP',
      'RegulatorMSP',
    ]);
  });
});

describe('assertConfigWritable', () => {
  const stored = orgConfigSchema.parse(valid);

  it('lets the first InitConfig write, as the init or as a call after an empty init', () => {
    expect(() => {
      assertConfigWritable(null, true);
    }).not.toThrow();
    expect(() => {
      assertConfigWritable(null, false);
    }).not.toThrow();
  });

  it('lets the init of a new chaincode version replace a stored config', () => {
    expect(() => {
      assertConfigWritable(stored, true);
    }).not.toThrow();
  });

  it('answers CONFLICT to a second ordinary call', () => {
    expect(() => {
      assertConfigWritable(stored, false);
    }).toThrow(/^CONFLICT: /);
  });
});
