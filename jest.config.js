/**
 * Two tiers, both run by `npm test`:
 * - fast: workflows against mocked activities on a local Temporal server of their own (test/fast);
 * - e2e: real parts, one Temporal dev server and one PostgreSQL database per run (see test/setup).
 */
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 120_000,
  maxWorkers: 2,
  projects: [
    { ...shared, displayName: 'fast', roots: ['<rootDir>/test/fast'], testMatch: ['**/*.test.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/test/fast/'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};
