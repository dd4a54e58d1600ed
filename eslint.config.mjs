import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bin/**', '*.js', '*.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O libraries,
    // and activities only as types.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'fs', 'path', 'http', 'https', 'net', 'crypto', 'child_process', 'os'], message: 'Workflows run in a deterministic sandbox: do I/O in an activity.' },
          { group: ['pg', 'kysely', '@atproto/*', 'fastify', 'undici', 'standardwebhooks'], message: 'Workflows must not do I/O: call an activity.' },
          { group: ['../activities', '../activities/*', '../db/*', '../channels/*', '../api/*'], allowTypeImports: true, message: 'Workflows may import these as types only: do I/O in an activity.' },
        ],
      }],
    },
  },
);
