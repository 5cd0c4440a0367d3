import {
  assertConfigWritable,
  assertPinnedConfig,
  configDigest,
  knownMspIds,
  orgConfigSchema,
} from '../../../../chaincode/src/domain/config';
import { canonicalJson } from '../../../../chaincode/src/ledger/marshal';

const valid = {
  departmentMspIds: ['ITDeptMSP', 'CivicChamberMSP'],
  gatewayMspId: 'ITDeptMSP',
  regulatorMspIds: ['RegulatorMSP'],
  timeZone: 'Europe/Moscow',
  maxClockSkewSeconds: 60,
  expectedElectorate: 1000000,
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
  it('lets the first InitConfig write, as the init or as a call after an empty init', () => {
    expect(() => {
      assertConfigWritable(false, true);
    }).not.toThrow();
    expect(() => {
      assertConfigWritable(false, false);
    }).not.toThrow();
  });

  it('lets the init of a new chaincode version replace a stored config', () => {
    expect(() => {
      assertConfigWritable(true, true);
    }).not.toThrow();
  });

  it('answers CONFLICT to a second ordinary call', () => {
    expect(() => {
      assertConfigWritable(true, false);
    }).toThrow(/^CONFLICT: /);
  });
});

describe('configDigest', () => {
  it('is the SHA-256 of the canonical JSON, as network.sh pins it', () => {
    expect(configDigest('{}')).toBe(
      '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
    );
  });
});

describe('assertPinnedConfig', () => {
  const approved = configDigest(canonicalJson(orgConfigSchema.parse(valid)));

  it('accepts the config whose digest the chaincode server was started with', () => {
    expect(() => {
      assertPinnedConfig(approved, approved);
    }).not.toThrow();
  });

  it('refuses a different config, even one the caller’s own department would pass', () => {
    const other = configDigest(
      canonicalJson(orgConfigSchema.parse({ ...valid, departmentMspIds: ['ITDeptMSP'] })),
    );
    expect(() => {
      assertPinnedConfig(other, approved);
    }).toThrow(/^FORBIDDEN: this configuration is not the one the organisations approved$/);
  });

  it.each([undefined, '', 'not-a-digest'])(
    'refuses every config on a server started without a digest (%p)',
    (pinned) => {
      expect(() => {
        assertPinnedConfig(approved, pinned);
      }).toThrow(/^FORBIDDEN: /);
    },
  );
});

describe('orgConfigSchema, skew and electorate', () => {
  it.each([
    ['a zero clock skew', { maxClockSkewSeconds: 0 }],
    ['a skew over an hour', { maxClockSkewSeconds: 3601 }],
    ['no electorate', { expectedElectorate: 0 }],
    ['an electorate the shard count cannot follow', { expectedElectorate: 64_000_001 }],
  ])('rejects %s', (_, change) => {
    expect(orgConfigSchema.safeParse({ ...valid, ...change }).success).toBe(false);
  });
});
