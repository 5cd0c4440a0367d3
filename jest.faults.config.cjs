// The fault suite of issue 10 (test/faults/): residents vote through the REST API of an
// `npm start` while an orderer, a peer, the gateway, Redis and a chaincode server are killed in
// turn. It kills parts of the Fabric network in networkDir() (VECHE_RUNTIME_DIR, the VECHE_*
// ports), so nothing else may use that network meanwhile: one file at a time, like
// jest.disruptive.config.cjs, and never picked up by jest.config.cjs.
const { projects } = require('./jest.config.cjs');

const integration = projects.find((project) => project.displayName === 'integration');

module.exports = {
  // Each fault waits for its repair (network.sh up) and checks every ballot against the ledger.
  testTimeout: 420000,
  maxWorkers: 1,
  projects: [
    {
      ...integration,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/'],
    },
  ],
};
