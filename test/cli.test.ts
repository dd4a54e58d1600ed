import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createDb } from '../db/database';
import { findCallerByToken } from '../db/tokens';
import { parseRatedTsv, pearson, polarityAccuracy } from '../listening/sentiment-metrics';
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

test('chorus sentiment scores the development set through stdin and stdout, meeting the targets', async () => {
  const devSet = parseRatedTsv(readFileSync(path.join(__dirname, '..', '..', 'shared', 'data', 'sentiment', 'tweets-dev.tsv'), 'utf8'));
  const child = spawn('node', [CLI, 'sentiment'], { env: { ...process.env, DOTENV_CONFIG_QUIET: '' } });
  const stdout: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stdin.end(devSet.map((t) => t.text.replace(/\r?\n/g, ' ')).join('\n') + '\n');
  const [code] = (await once(child, 'close')) as [number];
  expect(code).toBe(0);
  const lines = Buffer.concat(stdout).toString('utf8').trimEnd().split('\n');
  expect(lines).toHaveLength(devSet.length); // one JSON line per input and nothing else
  const scores = lines.map((l) => JSON.parse(l) as { score: number; label: string }).map((r) => r.score);
  const r = pearson(devSet.map((t) => t.score), scores);
  const accuracy = polarityAccuracy(devSet.map((t) => t.score), scores, 'reference');
  console.log(`chorus sentiment on ${devSet.length} tweets: Pearson r ${r.toFixed(3)}, polarity accuracy ${accuracy.toFixed(3)}`);
  expect(r).toBeGreaterThanOrEqual(0.85);
  expect(accuracy).toBeGreaterThanOrEqual(0.96);
});
