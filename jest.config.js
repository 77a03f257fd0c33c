/**
 * Two projects: `unit` runs pure code with no servers; `integration` gets its own real
 * Temporal dev server and Kafka broker from test/stack/global-setup.ts (started on free
 * ports with throwaway data, never touching a running dev stack).
 */
const tsJest = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };

/** @type {import('jest').Config} */
module.exports = {
  maxWorkers: 2,
  // Integration tests start servers and simulate months of care; unit tests finish far sooner.
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: tsJest,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform: tsJest,
      // The browser tests drive the coordinator app in the system's Chromium against the same stack.
      testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/browser/**/*.test.ts'],
      globalSetup: '<rootDir>/test/stack/global-setup.ts',
      globalTeardown: '<rootDir>/test/stack/global-teardown.ts',
      setupFiles: ['<rootDir>/test/stack/capture-logs.setup.ts'],
    },
  ],
};
