import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * The layer rule in eslint.config.mjs, run through ESLint's Node API on files that exist only in
 * memory (at a path inside a layer). ESLint loads its ES-module config, which jest's module system
 * cannot, so the API runs in a child Node process; only the import rule runs (no type information needed).
 */
function importErrors(files: Record<string, string>): Record<string, string[]> {
  const script = `
    import { ESLint } from 'eslint';
    const eslint = new ESLint({
      overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
      ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
    });
    const files = JSON.parse(process.argv[1]);
    const out = {};
    for (const [filePath, code] of Object.entries(files)) {
      const [result] = await eslint.lintText(code, { filePath });
      out[filePath] = result.messages.map((m) => (m.ruleId ?? 'fatal') + ': ' + m.message);
    }
    console.log(JSON.stringify(out));
  `;
  const root = path.resolve(__dirname, '..');
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(files)], {
      cwd: root,
      encoding: 'utf8',
    }),
  ) as Record<string, string[]>;
}

test('an import up the layers fails lint; down the layers, or a workflow type where a start happens, passes', () => {
  const errors = importErrors({
    'db/planted.ts': "import { notFound } from '../api/problems';\nexport const x = notFound;\n",
    'services/planted.ts':
      "import { publishPost } from '../workflows/post-publishing';\nexport const x = publishPost;\n",
    'api/routes/planted.ts':
      "import { createChorusWorker } from '../../workers/worker';\nexport const x = createChorusWorker;\n",
    'contracts/planted.ts': "import type { Db } from '../db/database';\nexport type X = Db;\n",
    'workflows/planted.ts': "import { readFile } from 'node:fs';\nexport const x = readFile;\n",
    'db/fine.ts':
      "import { POST_STATUSES } from '../contracts/domain';\nimport { beyondHorizon } from '../content/publish-horizon';\nexport const x = [POST_STATUSES, beyondHorizon];\n",
    'api/routes/fine.ts':
      "import type { publishPost } from '../../workflows/post-publishing';\nimport { postWorkflowId } from '../../contracts/post';\nexport const x: [typeof publishPost | null, typeof postWorkflowId] = [null, postWorkflowId];\n",
  });
  expect(errors['db/planted.ts']).toEqual([
    expect.stringMatching(/^no-restricted-imports: '..\/api\/problems' .*Layer order: db\//),
  ]);
  expect(errors['services/planted.ts']).toEqual([expect.stringMatching(/^no-restricted-imports: .*as types only/)]);
  expect(errors['api/routes/planted.ts']).toEqual([
    expect.stringMatching(/^no-restricted-imports: .*Layer order: api\//),
  ]);
  expect(errors['contracts/planted.ts']).toEqual([
    expect.stringMatching(/^no-restricted-imports: .*contracts\/ imports nothing of ours/),
  ]);
  expect(errors['workflows/planted.ts']).toEqual([
    expect.stringMatching(/^no-restricted-imports: .*deterministic sandbox/),
  ]);
  expect(errors['db/fine.ts']).toEqual([]);
  expect(errors['api/routes/fine.ts']).toEqual([]);
});
