// Chaincode code is CommonJS (fabric-chaincode-node loads it with require); the gateway and
// the development IdP are ESM because openid-client 6, jose 6 and oidc-provider 9 are ESM-only.
// So chaincode tests run through ts-jest in CommonJS mode and everything else in ESM mode
// (jest is started with --experimental-vm-modules by the npm scripts).
const cjs = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.cjs.json' }],
  },
};

const esm = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/test/tsconfig.esm.json' }],
  },
};

module.exports = {
  // Global in jest 29 (a project-level testTimeout is ignored): integration and end-to-end tests
  // start real processes.
  testTimeout: 120000,
  projects: [
    {
      ...cjs,
      displayName: 'unit:chaincode',
      testMatch: ['<rootDir>/test/unit/chaincode/**/*.test.ts'],
    },
    {
      ...esm,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/{common,gateway,idp,network,scripts,verifier}/**/*.test.ts'],
    },
    {
      ...esm,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      // These stop and kill network processes: jest.disruptive.config.cjs runs them alone.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/integration/network/disruptive/'],
      globalSetup: '<rootDir>/test/helpers/globalSetup.ts',
      globalTeardown: '<rootDir>/test/helpers/globalTeardown.ts',
    },
    {
      ...esm,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/helpers/globalSetup.ts',
      globalTeardown: '<rootDir>/test/helpers/globalTeardown.ts',
    },
    {
      ...esm,
      // The residents' web page in Debian's chromium (playwright-core), on the real network.
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
      globalSetup: '<rootDir>/test/helpers/globalSetup.ts',
      globalTeardown: '<rootDir>/test/helpers/globalTeardown.ts',
    },
    {
      ...esm,
      // The verifier over the whole ledger the other suites leave behind: run last by npm test.
      displayName: 'audit',
      testMatch: ['<rootDir>/test/audit/**/*.test.ts'],
      globalSetup: '<rootDir>/test/helpers/globalSetup.ts',
      globalTeardown: '<rootDir>/test/helpers/globalTeardown.ts',
    },
  ],
};
