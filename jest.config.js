/**
 * Three projects: fast unit/property tests beside the code; repository tests (every Lua script
 * through its repository against a real valkey-server) in test/repositories/; e2e/integration
 * tests in test/.
 */
const transform = { '^.+\\.ts$': ['@swc/jest'] };
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      transform,
    },
    {
      displayName: 'repositories',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/repositories/*.repo-spec.ts'],
      transform,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      transform,
      slowTestThreshold: 30,
    },
  ],
  testTimeout: 30000,
};
