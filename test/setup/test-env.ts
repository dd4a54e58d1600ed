/** Names of the variables global setup hands to test files (jest workers inherit the environment). */
export const TestEnv = {
  temporalAddress: 'CHORUS_TEST_TEMPORAL_ADDRESS',
  databaseUrl: 'CHORUS_TEST_DATABASE_URL',
  workflowBundle: 'CHORUS_TEST_WORKFLOW_BUNDLE',
} as const;

export function testEnv(name: keyof typeof TestEnv): string {
  const value = process.env[TestEnv[name]];
  if (!value) throw new Error(`${TestEnv[name]} is not set: run tests through jest (test/setup/global-setup.ts)`);
  return value;
}

/** The PostgreSQL server tests use; each run gets its own fresh database on it. */
export const adminDatabaseUrl = () => process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
