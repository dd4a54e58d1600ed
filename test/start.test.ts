import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testEnv } from './setup/test-env';
import { freePort } from '../temporal/dev-server';
import { waitFor } from './support/harness';

const ROOT = path.join(__dirname, '..');

/** The pid of the `temporal server start-dev` keeping its database in `dataDir`, read from /proc. */
function devServerPid(dataDir: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // it ended meanwhile
    }
    const at = args.indexOf('--db-filename');
    if (args.includes('start-dev') && at >= 0 && args[at + 1]?.startsWith(dataDir + path.sep)) return Number(entry);
  }
  return undefined;
}

/** The process group of a live (not zombie) process, or undefined when it has ended. */
function processGroup(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid pgrp ...", comm may contain spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    return fields[0] === 'Z' ? undefined : Number(fields[2]);
  } catch {
    return undefined;
  }
}

/**
 * `npm start` as a user runs it, with `env` over this process's environment; detached: its own
 * process group, as a terminal's foreground job, so that SIGINT to the group is a Ctrl+C (npm, and
 * Chorus under it, each receive it).
 */
function npmStart(env: NodeJS.ProcessEnv) {
  const chorus = spawn('npm', ['start', '--silent'], { cwd: ROOT, detached: true, env: { ...process.env, ...env } });
  const output = { stdout: '', stderr: '' };
  chorus.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  chorus.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = once(chorus, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { chorus, output, exited };
}

/** Until npm start says Chorus runs; when it stopped instead, what it printed (the cause is on stderr). */
async function running(chorus: ChildProcess, output: { stdout: string; stderr: string }): Promise<void> {
  await waitFor(
    'Chorus to be running',
    async () => output.stdout.includes('Press Ctrl+C to stop.') || chorus.exitCode !== null,
    90_000,
  );
  if (!output.stdout.includes('Press Ctrl+C to stop.'))
    throw new Error(`npm start did not start.\nstdout:\n${output.stdout}\nstderr:\n${output.stderr}`);
}

test('npm start serves the web app; Ctrl+C on npm start: the Temporal dev server is not in the signalled group, is stopped by Chorus after its worker, and nothing is printed on stderr', async () => {
  // The API and Temporal on ports free when they bind (0), read from what npm start prints: a port
  // picked here and released could be taken meanwhile by one of the dev server's own (EADDRINUSE).
  const uiPort = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'chorus-start-'));
  const { chorus, output, exited } = npmStart({
    CHORUS_DATA_DIR: dataDir,
    DATABASE_URL: testEnv('databaseUrl'),
    TEMPORAL_ADDRESS: '',
    API_PORT: '0',
    TEMPORAL_PORT: '0',
    TEMPORAL_UI_PORT: String(uiPort),
  });
  try {
    await running(chorus, output);
    const { stdout } = output;
    const apiPort = Number(/App {2,}http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout)?.[1]);
    expect(apiPort).toBeGreaterThan(0);
    expect(stdout).toContain(`Temporal UI  http://127.0.0.1:${uiPort}`);
    // The web app at `/` and on its own paths; the API's unknown paths stay problem+json.
    const page = await fetch(`http://127.0.0.1:${apiPort}/calendar`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="root"></div>');
    // Its script goes out compressed, and cached for good (its name changes with its content).
    const script = await fetch(`http://127.0.0.1:${apiPort}${/src="(\/assets\/[^"]+\.js)"/.exec(html)![1]}`);
    // Read to the end: an answer left unread holds its connection open, and the server's close with it.
    await script.arrayBuffer();
    expect([script.status, script.headers.get('content-encoding'), script.headers.get('cache-control')]).toEqual([
      200,
      expect.stringMatching(/^(br|gzip)$/),
      'public, max-age=31536000, immutable',
    ]);
    const missing = await fetch(`http://127.0.0.1:${apiPort}/v1/nothing-here`, { headers: { accept: 'text/html' } });
    expect([missing.status, missing.headers.get('content-type')]).toEqual([
      404,
      'application/problem+json; charset=utf-8',
    ]);
    const temporal = devServerPid(dataDir);
    expect(temporal).toBeDefined();
    expect(processGroup(temporal!)).not.toBe(chorus.pid); // Ctrl+C does not reach it directly

    process.kill(-chorus.pid!, 'SIGINT');
    const [code, signal] = await exited;
    // npm re-raises the signal once its script has ended; Chorus under it exits 0.
    expect(code === 0 || signal === 'SIGINT').toBe(true);
    expect(output.stderr).toBe('');
    // The dev server's own message on the SIGTERM that Chorus sends it last, and waits for.
    expect(output.stdout.slice(output.stdout.indexOf('Press Ctrl+C to stop.'))).toContain('Stopping server...');
    await waitFor('the Temporal dev server to have ended', async () => processGroup(temporal!) === undefined, 10_000);
  } finally {
    if (chorus.exitCode === null && chorus.signalCode === null) process.kill(-chorus.pid!, 'SIGKILL');
    const temporal = devServerPid(dataDir);
    if (temporal) process.kill(temporal, 'SIGKILL');
    if (existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });
  }
});

test('npm start on its embedded database (no DATABASE_URL): a workspace made with the CLI beside it, and its reads answered from several connections at once', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'chorus-start-embedded-'));
  const env = {
    CHORUS_DATA_DIR: dataDir,
    DATABASE_URL: '',
    PGLITE_PORT: String(await freePort()),
    TEMPORAL_ADDRESS: '',
    API_PORT: '0',
    TEMPORAL_PORT: '0',
    TEMPORAL_UI_PORT: '0',
  };
  const { chorus, output, exited } = npmStart(env);
  try {
    await running(chorus, output);
    const { stdout } = output;
    expect(stdout).toContain('embedded PGlite');
    // TEMPORAL_UI_PORT=0: the UI's real address is printed (and linked to), not port 0.
    const uiPort = Number(/Temporal UI {2}http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)?.[1]);
    expect(uiPort).toBeGreaterThan(0);
    // Serving once it can: the server answers gRPC before its UI does.
    await waitFor('the Temporal UI', async () => (await fetch(`http://127.0.0.1:${uiPort}/`).catch(() => null))?.ok);
    const api = `http://127.0.0.1:${/App {2,}http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout)?.[1]}`;
    const cli = spawn(
      process.execPath,
      [
        path.join(ROOT, 'bin', 'chorus.js'),
        'workspace',
        'create',
        '--name',
        'Embedded',
        '--owner',
        'owner@embedded.example',
      ],
      { env: { ...process.env, ...env } },
    );
    let created = '';
    cli.stdout.on('data', (chunk: Buffer) => (created += chunk.toString()));
    const [code] = (await once(cli, 'exit')) as [number | null];
    expect(code).toBe(0);
    const { token } = JSON.parse(created) as { token: string };
    const headers = { authorization: `Bearer ${token}` };
    // PGlite is one session for all of Chorus's connections: reads that run as named prepared
    // statements on PostgreSQL must not here (a second connection preparing a name fails).
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          fetch(`${api}${i % 2 ? '/v1/posts?limit=10' : '/v1/approvals?state=pending'}`, { headers }).then(
            async (res) => `${res.status} ${res.status === 200 ? '' : await res.text()}`,
          ),
        ),
      );
      expect(answers).toEqual(Array(8).fill('200 '));
    }
  } finally {
    if (chorus.exitCode === null && chorus.signalCode === null) {
      process.kill(-chorus.pid!, 'SIGINT');
      await exited;
    }
    const temporal = devServerPid(dataDir);
    if (temporal) process.kill(temporal, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
