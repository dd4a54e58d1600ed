import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ALL_SEARCH_ATTRIBUTES } from '../contracts/shared';
import { findOrBuildTemporalCli } from './cli';

export interface DevServerOptions {
  /** SQLite file the server keeps its state in; omit for in-memory (tests). */
  dbFile?: string;
  /** The server's port; 0 or none: one free when it starts. */
  port?: number;
  /** The Web UI's port (none: no UI); 0: one free when it starts. */
  uiPort?: number;
  namespace?: string;
}

export interface DevServer {
  address: string;
  uiUrl: string | undefined;
  namespace: string;
  stop(): Promise<void>;
}

/**
 * Starts `temporal server start-dev` on 127.0.0.1, with Chorus's search attributes registered, the
 * Web UI on when a UI port is given, and SQLite persistence.
 *
 * With a Temporal CLI at hand the server runs in its own process group, so Ctrl+C in a terminal
 * (which signals the whole foreground group) reaches only Chorus, which stops its worker first and
 * then this server, with SIGTERM so it shuts down cleanly. Without one, the SDK downloads the CLI
 * and runs it in Chorus's group (and kills it on stop).
 */
export async function startDevServer(given: DevServerOptions = {}): Promise<DevServer> {
  // Port 0 (or none) for the server, 0 for the UI: one free now, so that the addresses printed and
  // linked to are the real ones.
  const options = given.uiPort === 0 ? { ...given, uiPort: await freePort() } : given;
  const cli = await findOrBuildTemporalCli();
  if (options.dbFile) mkdirSync(path.dirname(options.dbFile), { recursive: true });
  const namespace = options.namespace ?? 'default';
  const uiUrl = options.uiPort !== undefined ? `http://127.0.0.1:${options.uiPort}` : undefined;
  if (cli) {
    // Being in a group of its own, the server outlives a Chorus that is killed outright (SIGKILL):
    // a persistent one records its pid, and the next start stops it before reusing its port and files.
    const pidFile = options.dbFile ? `${options.dbFile}.pid` : undefined;
    if (pidFile) await stopLeftover(pidFile);
    const port = options.port || (await freePort());
    const child = spawn(cli, devServerArgs({ ...options, port, namespace }), {
      detached: true,
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stopping = false;
    forwardErrors(child, () => stopping);
    if (pidFile && child.pid) writeFileSync(pidFile, String(child.pid));
    const address = `127.0.0.1:${port}`;
    // Chorus ending without stop() (an uncaught error, process.exit) must not leave the server behind.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    try {
      await waitUntilServing(child, address);
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
    return {
      address,
      uiUrl,
      namespace,
      stop: async () => {
        process.removeListener('exit', killOnExit);
        stopping = true;
        await stopChild(child);
        if (pidFile) rmSync(pidFile, { force: true });
      },
    };
  }
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'cached-download' },
      ip: '127.0.0.1',
      port: options.port,
      namespace,
      dbFilename: options.dbFile,
      ui: options.uiPort !== undefined,
      uiPort: options.uiPort,
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      extraArgs: ['--log-level', 'error'],
    },
  });
  return { address: env.address, uiUrl, namespace, stop: () => env.teardown() };
}

/** The arguments the SDK gives `start-dev` (its dynamic config included), for the same server either way. */
function devServerArgs(options: DevServerOptions & { port: number; namespace: string }): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--namespace',
    options.namespace,
    '--log-format',
    'pretty',
    '--log-level',
    'error',
    '--dynamic-config-value',
    'frontend.enableServerVersionCheck=false',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
    ...(options.dbFile ? ['--db-filename', options.dbFile] : []),
    ...(options.uiPort !== undefined ? ['--ui-port', String(options.uiPort)] : ['--headless']),
    ...ALL_SEARCH_ATTRIBUTES.flatMap((a) => [
      '--search-attribute',
      `${a.name}=${TypedSearchAttributes.toMetadataType(a.type)}`,
    ]),
  ];
}

/**
 * What a server stopping says of the work it drops ("task queue closed", "context canceled"): logged
 * at ERROR by its matching engine and persistence whenever a dispatch or write is in flight at the
 * SIGTERM, and nothing anyone can act on. Chorus stops the server last, after its worker.
 */
const SHUTDOWN_NOISE = /error="(task queue closed|context canceled)"/;

/**
 * The server's stderr (its ERROR lines) passed on to Chorus's, line by line; once Chorus is
 * stopping it, without the noise of the work it drops, so that Ctrl+C on `npm start` ends quietly.
 */
function forwardErrors(child: ChildProcess, stopping: () => boolean): void {
  const pass = (line: string, end: string) => {
    if (!(stopping() && SHUTDOWN_NOISE.test(line))) process.stderr.write(line + end);
  };
  let partial = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) pass(line, '\n');
  });
  child.stderr!.on('end', () => partial && pass(partial, ''));
}

/** A loopback port free right now: bound once by the OS, then released. */
export async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Connects until the server answers (a first start with a new SQLite file takes a few seconds). */
async function waitUntilServing(child: ChildProcess, address: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `The Temporal dev server exited (${child.exitCode ?? child.signalCode}) before it served ${address}`,
      );
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.close();
      return;
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`The Temporal dev server did not serve ${address} within 60 s: ${String(err)}`);
      await sleep(100);
    }
  }
}

/** Stops the dev server a killed Chorus left running, if `pidFile` names one (checked on Linux; elsewhere left alone). */
async function stopLeftover(pidFile: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8'));
  } catch {
    return;
  }
  const running = () => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('start-dev');
    } catch {
      return false; // ended, or not Linux
    }
  };
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // it ended meanwhile
    }
  };
  if (!Number.isInteger(pid) || !running()) return;
  signal('SIGTERM');
  for (let waited = 0; running() && waited < 10_000; waited += 100) await sleep(100);
  if (running()) signal('SIGKILL');
}

/** SIGTERM, and the server's own clean shutdown; SIGKILL if that takes more than 10 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
