import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { createDb } from '../db/database';
import { generateKey } from '../db/sealing';
import { findCallerByToken } from '../db/tokens';
import { parseRatedTsv, pearson, polarityAccuracy } from '../listening/sentiment-metrics';
import { freePort } from '../temporal/dev-server';
import { testEnv } from './setup/test-env';

const run = promisify(execFile);
const CLI = path.join(__dirname, '..', 'bin', 'chorus.js');

test("chorus workspace create prints the workspace id, a working owner token and the owner's sign-in link as JSON", async () => {
  // The servers' key: the workspace's first audit rows are sealed with the audit key derived from it.
  const env = { ...process.env, DATABASE_URL: testEnv('databaseUrl'), CHORUS_ENCRYPTION_KEY: generateKey() };
  const { stdout } = await run('node', [CLI, 'workspace', 'create', '--name', 'Acme', '--owner', 'Ops@Acme.test'], {
    env: { ...env, CHORUS_APP_URL: '' },
  });
  const created = JSON.parse(stdout);
  expect(created).toEqual({
    workspaceId: expect.any(String),
    userId: expect.any(String),
    token: expect.stringMatching(/^chorus_/),
    // CHORUS_APP_URL unset: the app is expected where the API listens by default.
    signInLink: expect.stringMatching(/^http:\/\/127\.0\.0\.1:3000\/welcome\?code=chorusinv_/),
  });
  const db = createDb(testEnv('databaseUrl'), 1);
  try {
    expect(await findCallerByToken(db, created.token)).toMatchObject({
      workspaceId: created.workspaceId,
      role: 'owner',
    });
    const user = await db
      .selectFrom('users')
      .select('email')
      .where('id', '=', created.userId)
      .executeTakeFirstOrThrow();
    expect(user.email).toBe('ops@acme.test');
  } finally {
    await db.destroy();
  }
  const verified = await run('node', [CLI, 'audit', 'verify', '--workspace', created.workspaceId], { env });
  expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, unsealed: 0 });
  // Another key does not vouch for these rows; no key at all is refused before anything is written.
  await expect(
    run('node', [CLI, 'audit', 'verify', '--workspace', created.workspaceId], {
      env: { ...env, CHORUS_ENCRYPTION_KEY: generateKey() },
    }),
  ).rejects.toMatchObject({ code: 1, stdout: expect.stringContaining('sealed with another audit key') });
  await expect(
    run('node', [CLI, 'workspace', 'create', '--name', 'Keyless', '--owner', 'ops@acme.test'], {
      env: { ...env, CHORUS_ENCRYPTION_KEY: '', CHORUS_DATA_DIR: path.join(__dirname, 'no-such-dir') },
    }),
  ).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('CHORUS_ENCRYPTION_KEY') });
});

test('chorus workspace create without --owner exits 2 with usage', async () => {
  await expect(run('node', [CLI, 'workspace', 'create', '--name', 'Acme'])).rejects.toMatchObject({
    code: 2,
    stderr: expect.stringContaining('--owner <email>'),
  });
});

describe('chorus without a reachable database', () => {
  /** A loopback port that nothing listens on. */
  const unusedPort = freePort;

  const expectHelp = (err: { code: number; stderr: string }, ...mentions: string[]) => {
    expect(err.code).toBe(3);
    expect(err.stderr).toMatch(/^chorus: cannot reach the database at /);
    for (const text of mentions) expect(err.stderr).toContain(text);
    expect(err.stderr).not.toMatch(/^\s+at /m); // no stack trace
  };

  test('the embedded database not running: says to start Chorus, or set PGLITE_PORT or DATABASE_URL, and exits 3', async () => {
    const port = await unusedPort();
    const failure = await run('node', [CLI, 'workspace', 'create', '--name', 'Acme', '--owner', 'ops@acme.test'], {
      env: { ...process.env, DATABASE_URL: '', PGLITE_PORT: String(port) },
    }).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expectHelp(failure!, `127.0.0.1:${port}`, 'ECONNREFUSED', 'npm start', 'PGLITE_PORT', 'DATABASE_URL=');
  });

  test('DATABASE_URL where nothing listens: names it (password hidden) and exits 3', async () => {
    const port = await unusedPort();
    const failure = await run('node', [CLI, 'audit', 'verify', '--workspace', '00000000-0000-0000-0000-000000000000'], {
      env: { ...process.env, DATABASE_URL: `postgres://chorus:s3cret@127.0.0.1:${port}/chorus` },
    }).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expectHelp(failure!, `postgres://chorus:***@127.0.0.1:${port}/chorus`, 'ECONNREFUSED', 'DATABASE_URL');
    expect(failure!.stderr).not.toContain('s3cret');
  });

  test('a port that accepts connections but never answers: gives up after the connect timeout instead of waiting forever', async () => {
    const silent = net.createServer(() => undefined).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const { port } = silent.address() as net.AddressInfo;
      const failure = await run('node', [CLI, 'workspace', 'create', '--name', 'Acme', '--owner', 'ops@acme.test'], {
        env: { ...process.env, DATABASE_URL: '', PGLITE_PORT: String(port) },
        timeout: 30_000,
      }).then(
        () => undefined,
        (err: { code: number; stderr: string }) => err,
      );
      expectHelp(failure!, `127.0.0.1:${port}`, 'timeout', 'npm start');
    } finally {
      silent.close();
    }
  });
});

test('chorus sentiment scores the development set through stdin and stdout, meeting the targets', async () => {
  const devSet = parseRatedTsv(
    readFileSync(path.join(__dirname, '..', '..', 'shared', 'data', 'sentiment', 'tweets-dev.tsv'), 'utf8'),
  );
  const child = spawn('node', [CLI, 'sentiment'], { env: { ...process.env, DOTENV_CONFIG_QUIET: '' } });
  const stdout: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stdin.end(devSet.map((t) => t.text.replace(/\r?\n/g, ' ')).join('\n') + '\n');
  const [code] = (await once(child, 'close')) as [number];
  expect(code).toBe(0);
  const lines = Buffer.concat(stdout).toString('utf8').trimEnd().split('\n');
  expect(lines).toHaveLength(devSet.length); // one JSON line per input and nothing else
  const scores = lines.map((l) => JSON.parse(l) as { score: number; label: string }).map((r) => r.score);
  const r = pearson(
    devSet.map((t) => t.score),
    scores,
  );
  const accuracy = polarityAccuracy(
    devSet.map((t) => t.score),
    scores,
    'reference',
  );
  console.log(
    `chorus sentiment on ${devSet.length} tweets: Pearson r ${r.toFixed(3)}, polarity accuracy ${accuracy.toFixed(3)}`,
  );
  expect(r).toBeGreaterThanOrEqual(0.85);
  expect(accuracy).toBeGreaterThanOrEqual(0.96);
});
