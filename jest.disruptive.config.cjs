// The network tests that stop or kill parts of the Fabric network (test/integration/network/
// disruptive/). No other test may use the network meanwhile, so they have a configuration of
// their own, run one file at a time after the `integration` project (npm run test:integration);
// `jest` with jest.config.cjs never picks them up.
const { projects } = require('./jest.config.cjs');

const integration = projects.find((project) => project.displayName === 'integration');

module.exports = {
  // A `network.sh up` from stopped processes takes about 25 s, and a restarted orderer catches up.
  testTimeout: 240000,
  maxWorkers: 1,
  projects: [
    {
      ...integration,
      displayName: 'integration:disruptive',
      testMatch: ['<rootDir>/test/integration/network/disruptive/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/'],
    },
  ],
};
