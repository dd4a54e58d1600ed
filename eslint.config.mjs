import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * The layers, bottom first: each folder names the folders it may import (value imports), and those
 * it may import as types only. contracts/ imports nothing of ours, so every layer can use it; no
 * folder imports one above it. Folders not listed (test/, bench/) may import anything.
 */
// What each layer may import, building on the layers below it.
const PARTS = ['contracts', 'config', 'content', 'db', 'temporal', 'channels', 'listening', 'notifications'];
const APP = [...PARTS, 'deps', 'services', 'activities'];
const LAYERS = {
  contracts: { imports: [] },
  config: { imports: ['contracts'] },
  content: { imports: ['contracts'] },
  db: { imports: ['contracts', 'config', 'content'] },
  temporal: { imports: ['contracts', 'config'] },
  channels: { imports: ['contracts', 'config', 'content', 'db'] },
  listening: { imports: ['contracts', 'config', 'content', 'db', 'channels'] },
  notifications: { imports: ['contracts', 'config', 'content', 'db', 'channels'] },
  // Builds what the entry points share (database, Temporal client, adapters, sealer, media, mailer) from the configuration.
  deps: { imports: PARTS },
  services: { imports: PARTS, types: ['workflows'] },
  activities: { imports: [...PARTS, 'services'], types: ['workflows'] },
  // Workflow code is bundled into Temporal's deterministic sandbox: contracts only, activities as types.
  workflows: { imports: ['contracts'], types: ['activities'] },
  api: { imports: APP, types: ['workflows'] },
  workers: { imports: APP, types: ['workflows'] },
  sandbox: { imports: [...APP, 'api', 'workers'], types: ['workflows'] },
  scripts: { imports: [...APP, 'api', 'workers', 'sandbox'], types: ['workflows'] },
  // The browser app: the API's types come from /openapi.json (web/src/api/schema.d.ts); of our code only contracts.
  web: { imports: ['contracts'] },
};
const FOLDERS = Object.keys(LAYERS);

// Code that runs in the workflow sandbox (workflows and the contracts they import): no Node built-ins, no I/O libraries.
const SANDBOX_PATTERNS = [
  {
    group: ['node:*', 'fs', 'path', 'http', 'https', 'net', 'crypto', 'child_process', 'os'],
    message: 'Workflows run in a deterministic sandbox: do I/O in an activity.',
  },
  {
    group: ['pg', 'kysely', '@atproto/*', 'fastify', 'undici', 'standardwebhooks'],
    message: 'Workflows must not do I/O: call an activity.',
  },
];

/** One config entry per folder and depth, so `../` (or `../../`) + a folder name is exactly that top folder. */
function layerRules() {
  return Object.entries(LAYERS).flatMap(([folder, { imports, types = [] }]) => {
    const above = FOLDERS.filter((f) => f !== folder && !imports.includes(f) && !types.includes(f));
    return [1, 2, 3, 4].map((depth) => {
      const up = `^(\\.\\./){${depth}}`;
      const patterns = [...(folder === 'workflows' || folder === 'contracts' ? SANDBOX_PATTERNS : [])];
      if (above.length)
        patterns.push({
          regex: `${up}(${above.join('|')})(/|$)`,
          message: `Layer order: ${folder}/ ${imports.length ? `may import only ${imports.join(', ')}` : 'imports nothing of ours'}${types.length ? ` (and types from ${types.join(', ')})` : ''}. Move what both need down a layer.`,
        });
      if (types.length)
        patterns.push({
          regex: `${up}(${types.join('|')})(/|$)`,
          allowTypeImports: true,
          message: `${folder}/ may import ${types.join(', ')} as types only (import type).`,
        });
      return {
        files: [`${folder}/${'*/'.repeat(depth - 1)}*.{ts,tsx}`],
        rules: { 'no-restricted-imports': ['error', { patterns }] },
      };
    });
  });
}

export default tseslint.config(
  {
    ignores: [
      'web/dist/**',
      'web/src/api/schema.d.ts',
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'bin/**',
      '*.js',
      '*.mjs',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mts}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  { files: ['web/**/*.{ts,tsx}'], ...reactHooks.configs.flat.recommended },
  ...layerRules(),
);
