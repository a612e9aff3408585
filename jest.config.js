/**
 * Three projects: fast unit/property tests beside the code; repository tests (every Lua script
 * through its repository against a real valkey-server) in test/repositories/; e2e/integration
 * tests in test/. A fourth, `chaos`: crashes under load (`npm run chaos` runs all of it; the
 * default run leaves out the slow failover test).
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
    {
      // The TypeScript SDK (clients/typescript) against a real running Valkran, and the check
      // that its generated REST types match the server's OpenAPI document.
      displayName: 'sdk',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/clients/typescript/test/**/*.spec.ts'],
      transform,
      slowTestThreshold: 30,
    },
    {
      // Valkran under crashes (test/chaos/): the crash ledger (~35 s) runs with every test
      // command; the cluster failover test (~45 s, six valkey-servers) only in `npm run chaos`.
      displayName: 'chaos',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/chaos/**/*.chaos-spec.ts'],
      testPathIgnorePatterns: process.env.VALKRAN_CHAOS === '1' ? [] : ['/failover\\.'],
      transform,
      slowTestThreshold: 120,
    },
  ],
  testTimeout: 30000,
};
