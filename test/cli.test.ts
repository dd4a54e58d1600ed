import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createDb } from '../db/database';
import { findCallerByToken } from '../db/tokens';
import { testEnv } from './setup/test-env';

const run = promisify(execFile);
const CLI = path.join(__dirname, '..', 'bin', 'chorus.js');

test('chorus workspace create prints the workspace id and a working owner token as JSON', async () => {
  const { stdout } = await run('node', [CLI, 'workspace', 'create', '--name', 'Acme', '--owner', 'Ops@Acme.test'], {
    env: { ...process.env, DATABASE_URL: testEnv('databaseUrl') },
  });
  const created = JSON.parse(stdout);
  expect(created).toEqual({ workspaceId: expect.any(String), userId: expect.any(String), token: expect.stringMatching(/^chorus_/) });
  const db = createDb(testEnv('databaseUrl'), 1);
  try {
    expect(await findCallerByToken(db, created.token)).toMatchObject({ workspaceId: created.workspaceId, role: 'owner' });
    const user = await db.selectFrom('users').select('email').where('id', '=', created.userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('ops@acme.test');
  } finally {
    await db.destroy();
  }
});

test('chorus workspace create without --owner exits 2 with usage', async () => {
  await expect(run('node', [CLI, 'workspace', 'create', '--name', 'Acme'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--owner <email>') });
});
