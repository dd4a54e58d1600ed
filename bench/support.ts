import { execFile, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { ChorusDeps } from '../deps/create-deps';
import type { LocalBlueskyProcess } from '../sandbox/local-bluesky-process';
import type { TemporalTarget } from '../temporal/connection';
import { freePort, startDevServer } from '../temporal/dev-server';
import { configuredTemporal } from '../temporal/target';
import { createChorusWorker } from '../workers/worker';

/** The server the benches make their throwaway databases on (shared with test runs). */
export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Everything a bench starts is registered as a cleanup and closed in reverse order, even on failure. */
export type Cleanup = { what: string; run: () => Promise<unknown> };

export async function runCleanups(cleanups: Cleanup[]): Promise<void> {
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup.run();
    } catch (err) {
      console.error(`Cleanup "${cleanup.what}" failed:`, err);
    }
  }
}

/** DATABASE_URL as is, or a fresh database of our own (the server is shared with test runs). */
export async function createBenchDatabase(config: Config, cleanups: Cleanup[]): Promise<string> {
  if (config.DATABASE_URL) return config.DATABASE_URL;
  const name = `chorus_bench_${Date.now()}`;
  await withAdminClient((admin) => admin.query(`create database ${name}`));
  cleanups.push({
    what: `drop database ${name}`,
    run: () => withAdminClient((admin) => admin.query(`drop database if exists ${name} with (force)`)),
  });
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdminClient<T>(fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** A process's memory, from /proc: VmHWM is its peak resident set. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** The machine a figure was measured on, printed beside it. */
export function machineDescription() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** Chorus's worker in the bench's process, as `npm start` runs it (workflows are bundled at start). */
export async function startWorker(
  target: TemporalTarget,
  taskQueue: string,
  deps: ChorusDeps,
): Promise<{ stop: Cleanup; assertRunning(): void }> {
  // Workflows are bundled at start, as `npm start` does.
  const worker = await createChorusWorker({
    connection: await deps.workerConnection(),
    namespace: target.namespace,
    taskQueue,
    deps: deps.workerDeps(),
  });
  let failure: unknown;
  const running = worker.run().catch((err: unknown) => {
    failure = err;
  });
  return {
    stop: {
      what: 'worker',
      run: async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      },
    },
    assertRunning() {
      if (failure !== undefined || worker.getState() === 'FAILED')
        throw new Error(`The worker stopped: ${String(failure)}`);
    },
  };
}

/** TEMPORAL_ADDRESS when set; else a dev server in memory on a free port (a bench must not disturb `npm start`). */
export async function startTemporal(config: Config, cleanups: Cleanup[]): Promise<TemporalTarget> {
  const configured = configuredTemporal(config);
  if (configured) return configured;
  // In memory and on a free port: the bench must not disturb a developer's `npm start`.
  const server = await startDevServer();
  cleanups.push({ what: 'Temporal dev server', run: () => server.stop() });
  return configuredTemporal(config, server.address)!;
}

// ---------------------------------------------------------------------------------------------
// Chorus as separate real processes, and the parts under it that a drill kills and restarts.

/** A process the drills start: Chorus's API or worker, with its output in a log file. */
export interface ChorusProcess {
  label: string;
  kind: 'api' | 'worker';
  pid: number;
  /** The API's base URL (API processes only). */
  url?: string;
  logFile: string;
  /** Settles when the process ends, however. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** True once it has ended. */
  hasExited(): boolean;
  /** kill -9: no shutdown of any kind. */
  kill9(): Promise<void>;
  /** SIGTERM, then SIGKILL after 10 s. */
  stop(): Promise<void>;
}

/**
 * The environment of a bench's Chorus process (API or worker): its database, Temporal and task
 * queue, the shared encryption key, and deliveries to the bench's local receivers allowed. The
 * Temporal key and TLS are blanked so that the shell's settings for another cluster do not leak in;
 * `more` adds or overrides settings (a data folder, a log level, the inbox's poll interval).
 */
export function chorusProcessEnv(opts: {
  databaseUrl: string;
  temporal: { address: string; namespace: string };
  taskQueue: string;
  encryptionKey: string;
  more?: Record<string, string>;
}): Record<string, string> {
  return {
    DATABASE_URL: opts.databaseUrl,
    TEMPORAL_ADDRESS: opts.temporal.address,
    TEMPORAL_NAMESPACE: opts.temporal.namespace,
    TEMPORAL_API_KEY: '',
    TEMPORAL_TLS: '',
    CHORUS_TASK_QUEUE: opts.taskQueue,
    CHORUS_ENCRYPTION_KEY: opts.encryptionKey,
    WEBHOOKS_ALLOW_PRIVATE: 'true',
    ...opts.more,
  };
}

/** `npm run build:server`: the compiled code in dist/ and its workflow bundle, for `startChorusProcess({ built: true })`. */
export function buildServer(): void {
  console.log('Building the server code (npm run build:server)…');
  // Not under the NODE_OPTIONS the bench's processes are measured with (a heap limit, a profiler).
  const env = { ...process.env, NODE_OPTIONS: '' };
  execFileSync('npm', ['run', '--silent', 'build:server'], { cwd: path.join(__dirname, '..'), stdio: 'inherit', env });
}

/**
 * `node --import tsx api/main.ts` or `workers/main.ts` in a process of its own (both need
 * DATABASE_URL and TEMPORAL_ADDRESS in `env`); `built`: `node dist/api/main.js` or
 * `dist/workers/main.js`, as production runs them (the worker with the workflow bundle built
 * beside it; `buildServer()` first). Ready when the API answers /healthz or the worker prints that
 * it polls.
 */
export async function startChorusProcess(opts: {
  kind: 'api' | 'worker';
  label: string;
  env: Record<string, string>;
  logDir: string;
  readyTimeoutMs?: number;
  /** The API's port (a restart keeps its predecessor's); a free one otherwise. */
  port?: number;
  /** Writes CPU profiles of the process (each of its threads) here (`--cpu-prof`). */
  profileDir?: string;
  built?: boolean;
}): Promise<ChorusProcess> {
  const port = opts.kind === 'api' ? (opts.port ?? (await freePort())) : undefined;
  const main = opts.kind === 'api' ? 'api/main' : 'workers/main';
  const entry = opts.built
    ? path.join(__dirname, '..', 'dist', `${main}.js`)
    : path.join(__dirname, '..', `${main}.ts`);
  mkdirSync(opts.logDir, { recursive: true });
  const logFile = path.join(opts.logDir, `${opts.label}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const profile = opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`] : [];
  const child = spawn(process.execPath, [...(opts.built ? [] : ['--import', 'tsx']), ...profile, entry], {
    env: {
      ...process.env,
      ...opts.env,
      ...(port !== undefined ? { API_HOST: '127.0.0.1', API_PORT: String(port) } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let polling = false;
  child.stdout!.on('data', (chunk: Buffer) => {
    log.write(chunk);
    if (!polling) {
      output = (output + chunk.toString()).slice(-4096);
      polling = output.includes('Chorus worker polling');
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => log.write(chunk));
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      ended = true;
      log.end();
      resolve({ code, signal });
    }),
  );
  const url = port !== undefined ? `http://127.0.0.1:${port}` : undefined;
  const proc: ChorusProcess = {
    label: opts.label,
    kind: opts.kind,
    pid: child.pid!,
    url,
    logFile,
    exited,
    hasExited: () => ended,
    async kill9() {
      if (ended) return;
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (ended) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 180_000);
  for (;;) {
    if (ended) throw new Error(`${opts.label} exited before it was ready; see ${logFile}`);
    if (opts.kind === 'worker' ? polling : await answers(`${url}/healthz`)) return proc;
    if (Date.now() > deadline) {
      await proc.kill9();
      throw new Error(
        `${opts.label} was not ready within ${(opts.readyTimeoutMs ?? 180_000) / 1000} s; see ${logFile}`,
      );
    }
    await sleep(200);
  }
}

const answers = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.ok,
    () => false,
  );

/** A Temporal dev server keeping its state in a SQLite file, on a fixed port: it can be killed and restarted as it was. */
export interface RestartableTemporal {
  address: string;
  namespace: string;
  /** kill -9 of the server process. */
  kill9(): Promise<void>;
  /** Starts it again on the same port and file; resolves when it serves. */
  restart(): Promise<void>;
}

export async function startRestartableTemporal(dir: string, cleanups: Cleanup[]): Promise<RestartableTemporal> {
  const dbFile = path.join(dir, 'temporal.sqlite');
  const port = await freePort();
  let server = await startDevServer({ dbFile, port });
  cleanups.push({ what: 'Temporal dev server', run: () => server.stop() });
  return {
    address: server.address,
    namespace: server.namespace,
    async kill9() {
      // startDevServer records the server's pid beside its file.
      const pid = Number(readFileSync(`${dbFile}.pid`, 'utf8'));
      process.kill(pid, 'SIGKILL');
      while (isRunning(pid)) await sleep(50);
    },
    async restart() {
      server = await startDevServer({ dbFile, port });
    },
  };
}

/** Alive and not a zombie. */
function isRunning(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** A PostgreSQL cluster of the bench's own (initdb) on a free port, that it can stop hard and start again. */
export interface PostgresCluster {
  port: number;
  /** A URL for `database` on this cluster (user postgres, trust authentication). */
  url(database?: string): string;
  createDatabase(name: string): Promise<string>;
  /** `pg_ctl stop -m immediate`: every backend killed, no checkpoint (crash recovery on the next start). */
  stopImmediately(): Promise<void>;
  start(): Promise<void>;
}

/**
 * initdb into a folder of its own and pg_ctl start on a free port. The binaries come from PATH,
 * else `pg_config --bindir`, else the newest /usr/lib/postgresql/N/bin (Debian). As root, they
 * run as the `postgres` user (initdb refuses root).
 */
export async function startPostgresCluster(dir: string, cleanups: Cleanup[]): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  const asRoot = process.getuid?.() === 0;
  mkdirSync(dir, { recursive: true });
  const data = path.join(dir, 'data');
  const sockets = path.join(dir, 'sockets');
  mkdirSync(sockets, { recursive: true });
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chmodSync(dir, 0o755);
    chownSync(dir, uid, gid);
    chownSync(sockets, uid, gid);
  }
  const run = async (tool: string, args: string[]) => {
    const [file, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]]
      : [path.join(bin, tool), args];
    await promisify(execFile)(file, argv, { cwd: dir, timeout: 120_000 });
  };
  const port = await freePort();
  await run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${sockets} -c max_connections=200`;
  const start = () =>
    run('pg_ctl', ['-D', data, '-l', path.join(dir, 'postgres.log'), '-o', options, '-w', '-t', '60', 'start']);
  await start();
  cleanups.push({
    what: `PostgreSQL cluster in ${dir}`,
    run: async () => {
      await run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  });
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`create database ${name}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stopImmediately: () => run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']),
    start,
  };
}

function postgresBinDir(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter))
    if (dir && existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl'))) return dir;
  try {
    const dir = execFileSync('pg_config', ['--bindir']).toString().trim();
    if (existsSync(path.join(dir, 'initdb'))) return dir;
  } catch {
    // no pg_config
  }
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian)
    ? readdirSync(debian)
        .filter((v) => existsSync(path.join(debian, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return path.join(debian, versions[0], 'bin');
  throw new Error('No initdb/pg_ctl found (PATH, pg_config --bindir, /usr/lib/postgresql/N/bin): install PostgreSQL');
}

/**
 * Waits until no workflow matching `query` (a visibility query) runs, or `graceMs` has passed;
 * returns how many still run (a bench reads its figures after its workflows' last tasks).
 */
export async function untilWorkflowsEnded(client: Client, query: string, graceMs: number): Promise<number> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const { count } = await client.workflow.count(query);
    if (count === 0 || Date.now() > deadline) return count;
    await sleep(200);
  }
}

/** The post index of every post record in the accounts' repositories whose text `indexOf` recognises (a repeat is a duplicate). */
export async function postIndicesOnPds(
  pds: LocalBlueskyProcess,
  dids: string[],
  indexOf: (text: string) => number | undefined,
): Promise<number[]> {
  const lists = await Promise.all(dids.map((did) => pds.listPosts(did)));
  return lists.flat().flatMap((record) => {
    const index = indexOf(record.text);
    return index === undefined ? [] : [index];
  });
}
