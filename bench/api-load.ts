import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { loadConfig } from '../config';
import { generateKey } from '../db/sealing';
import { createWorkspaceWithOwner } from '../db/workspaces';
import { createDeps, type ChorusDeps } from '../deps/create-deps';
import { ensureSearchAttributes } from '../temporal/connection';
import {
  chorusProcessEnv,
  createBenchDatabase,
  machineDescription,
  percentile,
  runCleanups,
  startTemporal,
  startWorker,
  type Cleanup,
} from './support';
import type { benchFirstTask } from './first-task-workflow';

/**
 * The API under load, over HTTP, as users call it:
 *
 *   npm run bench:api-load                        # 10 s per phase
 *   npm run bench:api-load -- --seconds 20 --profile
 *   npm run bench:api-load -- --only reads           # or creates
 *
 * The API runs in a process of its own (`api/main.ts`, default logging), as in production; the
 * worker, the load generator (autocannon) and a webhook sink run in this one. Phases:
 *   1. the Temporal dev server's own start rate from a bare client (10 in flight): the baseline;
 *      and, beside it, starts whose first task a worker in this process runs (a local activity
 *      and a timer, what a post's workflow does at its start; bench/first-task-workflow.ts),
 *      counted once that task has run: the least any workflow per post costs the machine;
 *   2. `POST /v1/posts` at 10 connections (each a scheduled post: a row, its audit entry and its
 *      workflow start);
 *   3. `GET /v1/posts/:id` and `GET /v1/posts?limit=50` at 100 connections, first against the
 *      floor (`bench/read-floor.ts`: Fastify and one pg query a request, nothing of Chorus), then
 *      against the API; the API's rates are printed as a share of the floor's.
 * `--profile` writes a CPU profile of the API process (`--cpu-prof`) to the printed folder.
 * Exits 0 only when every target below is met.
 */

const TARGETS = {
  /** Creates per second as a share of the dev server's own start rate in the same run. */
  createShareOfBaseline: 0.8,
  createP99Ms: 250,
  byIdPerSecond: 3000,
  byIdP99Ms: 50,
  listPerSecond: 1000,
  listP99Ms: 100,
};
const SEEDED_POSTS = 200;
const PHASES = ['creates', 'reads'] as const;
type Phase = (typeof PHASES)[number];

function options() {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      profile: { type: 'boolean', default: false },
      only: { type: 'string' },
    },
  });
  const only = values.only?.split(',');
  if (only?.some((p) => !PHASES.includes(p as Phase))) throw new Error(`--only takes ${PHASES.join(', ')}`);
  const seconds = Number(values.seconds);
  if (!Number.isInteger(seconds) || seconds < 1) throw new Error('--seconds must be a whole number ≥ 1');
  return { seconds, profile: values.profile, phases: (only ?? PHASES) as readonly Phase[] };
}

interface Figures {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
  /**
   * CPU time of the API process per request in the phase (Linux; absent elsewhere): on a shared
   * machine the rate follows what the other processes leave the API, this much less.
   */
  apiCpuMsPerRequest?: number;
  /**
   * The whole machine during the phase (Linux): CPU time of all processes per request (or start),
   * and the share of CPU time left idle. Where the machine has no idle time left, a request's rate
   * is set by what it costs the machine, not by how long it waits.
   */
  machine?: { cpuMsPerRequest: number; idle: number };
}

async function main() {
  const opts = options();
  const cleanups: Cleanup[] = [];
  try {
    const config = loadConfig({ LOG_LEVEL: 'warn' });
    const [target, databaseUrl] = await Promise.all([
      startTemporal(config, cleanups),
      createBenchDatabase(config, cleanups),
    ]);
    const taskQueue = `bench-${randomUUID()}`;
    const sealerKey = generateKey();
    const deps = await createDeps(
      { ...config, DATABASE_URL: databaseUrl, CHORUS_TASK_QUEUE: taskQueue },
      { temporalAddress: target.address, sealerKey },
    );
    cleanups.push({ what: 'database pool and Temporal connections', run: () => deps.close() });
    await ensureSearchAttributes(deps.temporal, target.namespace);
    const worker = await startWorker(target, taskQueue, deps);
    cleanups.push(worker.stop);
    const sink = await startSink();
    cleanups.push({ what: 'webhook sink', run: () => new Promise((resolve) => sink.close(resolve)) });

    const profileDir = path.join(os.tmpdir(), `chorus-api-profile-${Date.now()}`);
    const api = await startServer(path.join(__dirname, '..', 'api', 'main.ts'), {
      env: chorusProcessEnv({ databaseUrl, temporal: target, taskQueue, encryptionKey: sealerKey }),
      profileDir: opts.profile ? profileDir : undefined,
    });
    cleanups.push({ what: 'API process', run: () => api.stop() });

    // --- Data: one workspace, one webhook channel, posts scheduled a week out.
    const owner = await createWorkspaceWithOwner(deps.db, { name: 'API load', ownerEmail: 'bench@chorus.example' });
    const headers = { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' };
    const channel = await json<{ id: string }>(api.url, '/v1/channels', headers, {
      provider: 'webhook',
      name: 'Sink',
      credentials: { url: sink.url, secret: `whsec_${randomBytes(32).toString('base64')}` },
    });
    const publishAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const postBody = (text: string) => JSON.stringify({ text, channelIds: [channel.id], publishAt });
    const ids: string[] = [];
    for (let i = 0; i < SEEDED_POSTS; i++)
      ids.push((await json<{ id: string }>(api.url, '/v1/posts', headers, JSON.parse(postBody(`Seed ${i}`)))).id);

    const machine = machineDescription();
    console.log(`Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.totalMemoryGiB} GiB, Node ${machine.node}`);
    console.log(`Phases of ${opts.seconds} s each.\n`);

    const checks: [string, boolean][] = [];
    const figures: Record<string, Figures> = {};
    if (opts.phases.includes('creates')) {
      const baseline = await bareStarts(deps.temporal, opts.seconds, 10);
      report('Temporal dev server, bare starts (10 in flight)', baseline);
      const firstTasks = await startsWithFirstTask(deps, target.namespace, opts.seconds, 10);
      report('  the same, each with its first task run', firstTasks);
      let created = 0;
      const creates = await load(api.url, opts.seconds, 10, api.pid, {
        method: 'POST',
        path: '/v1/posts',
        headers,
        setupRequest: (request) => ({ ...request, body: postBody(`Load ${created++} ${randomUUID()}`) }),
      });
      report('POST /v1/posts (10 connections)', creates);
      console.log(
        `Creates at ${ratio(creates.perSecond, baseline.perSecond)} of the bare start rate, ` +
          `${ratio(creates.perSecond, firstTasks.perSecond)} of starts with their first task run ` +
          `(which themselves run at ${ratio(firstTasks.perSecond, baseline.perSecond)} of bare starts).`,
      );
      checks.push(
        [
          `creates ≥ ${TARGETS.createShareOfBaseline * 100} % of bare starts`,
          creates.perSecond >= TARGETS.createShareOfBaseline * baseline.perSecond,
        ],
        [`create p99 ≤ ${TARGETS.createP99Ms} ms`, creates.p99Ms <= TARGETS.createP99Ms],
      );
      Object.assign(figures, { baseline, firstTasks, creates });
    }
    if (opts.phases.includes('reads')) {
      // The floor first, in its own process against the same rows: the machine's own limit.
      const floorServer = await startServer(path.join(__dirname, 'read-floor.ts'), {
        env: { DATABASE_URL: databaseUrl },
      });
      const floor = await reads(floorServer, opts.seconds, ids, {});
      await floorServer.stop();
      report('Floor: Fastify + one pg query, GET by id', floor.byId);
      report('Floor: Fastify + one pg query, list of 50', floor.list);
      const { byId, list } = await reads(api, opts.seconds, ids, headers);
      report('GET /v1/posts/:id (100 connections)', byId);
      report('GET /v1/posts?limit=50 (100 connections)', list);
      console.log(
        `The API at ${ratio(byId.perSecond, floor.byId.perSecond)} of the floor by id, ${ratio(list.perSecond, floor.list.perSecond)} per list page.`,
      );
      checks.push(
        [`by id ≥ ${TARGETS.byIdPerSecond}/s`, byId.perSecond >= TARGETS.byIdPerSecond],
        [`by id p99 ≤ ${TARGETS.byIdP99Ms} ms`, byId.p99Ms <= TARGETS.byIdP99Ms],
        [`list ≥ ${TARGETS.listPerSecond}/s`, list.perSecond >= TARGETS.listPerSecond],
        [`list p99 ≤ ${TARGETS.listP99Ms} ms`, list.p99Ms <= TARGETS.listP99Ms],
      );
      Object.assign(figures, { floorById: floor.byId, floorList: floor.list, byId, list });
    }
    checks.push(['no failed request', Object.values(figures).every((f) => f.failures === 0)]);
    console.log();
    for (const [what, met] of checks) console.log(`${met ? 'met    ' : 'MISSED '} ${what}`);
    if (opts.profile) console.log(`\nCPU profile of the API process: ${profileDir} (open in Chrome DevTools)`);
    console.log(JSON.stringify({ machine, seconds: opts.seconds, ...figures }));
    process.exitCode = checks.every(([, met]) => met) ? 0 : 1;
  } finally {
    await runCleanups(cleanups);
  }
}

/** The dev server's own rate: workflow starts from one client, `inFlight` at a time, no worker. */
async function bareStarts(client: Client, seconds: number, inFlight: number): Promise<Figures> {
  const startedAt = Date.now();
  const machineBefore = machineCpu();
  const { latencies, failures } = await startFor(seconds, inFlight, () =>
    client.workflow.start('benchBaseline', { taskQueue: 'bench-baseline', workflowId: randomUUID() }),
  );
  return startFigures(
    latencies,
    failures,
    startedAt,
    Date.now(),
    machineShare(machineBefore, machineCpu(), latencies.length),
  );
}

/**
 * Starts as in bareStarts, of bench/first-task-workflow.ts, with a worker in this process running
 * their first tasks: the rate counts the time until the last started workflow's first task ran,
 * so a worker that falls behind the starts is not hidden.
 */
async function startsWithFirstTask(
  deps: ChorusDeps,
  namespace: string,
  seconds: number,
  inFlight: number,
): Promise<Figures> {
  const taskQueue = `bench-first-task-${randomUUID()}`;
  let firstTasksRun = 0;
  const worker = await Worker.create({
    connection: await deps.workerConnection(),
    namespace,
    taskQueue,
    workflowsPath: require.resolve('./first-task-workflow'),
    activities: { noteFirstTask: async () => void firstTasksRun++ },
  });
  const running = worker.run();
  try {
    const startedAt = Date.now();
    const machineBefore = machineCpu();
    const { latencies, failures } = await startFor(seconds, inFlight, () =>
      deps.temporal.workflow.start<typeof benchFirstTask>('benchFirstTask', { taskQueue, workflowId: randomUUID() }),
    );
    const caughtUp = Date.now() + 60_000;
    while (firstTasksRun < latencies.length && Date.now() < caughtUp) await delay(20);
    if (firstTasksRun < latencies.length)
      throw new Error(`The worker ran ${firstTasksRun} of ${latencies.length} first tasks within a minute`);
    const endedAt = Date.now();
    return startFigures(
      latencies,
      failures,
      startedAt,
      endedAt,
      machineShare(machineBefore, machineCpu(), latencies.length),
    );
  } finally {
    worker.shutdown();
    await running;
  }
}

/** `inFlight` loops calling `start` for `seconds`: each start's latency, and how many failed. */
async function startFor(
  seconds: number,
  inFlight: number,
  start: () => Promise<unknown>,
): Promise<{ latencies: number[]; failures: number }> {
  const latencies: number[] = [];
  let failures = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (Date.now() < end) {
        const t0 = performance.now();
        try {
          await start();
          latencies.push(performance.now() - t0);
        } catch {
          failures++;
        }
      }
    }),
  );
  return { latencies, failures };
}

function startFigures(
  latencies: number[],
  failures: number,
  startedAt: number,
  endedAt: number,
  machine: Figures['machine'],
): Figures {
  latencies.sort((a, b) => a - b);
  return {
    perSecond: Math.round(latencies.length / ((endedAt - startedAt) / 1000)),
    p50Ms: Math.round(percentile(latencies, 50) ?? 0),
    p99Ms: Math.round(percentile(latencies, 99) ?? 0),
    failures,
    ...(machine ? { machine } : {}),
  };
}

async function load(
  url: string,
  seconds: number,
  connections: number,
  apiPid: number | undefined,
  request: autocannon.Request & { path: string },
): Promise<Figures> {
  const cpuBefore = cpuMsOf(apiPid);
  const machineBefore = machineCpu();
  const result = await autocannon({ url, connections, duration: seconds, requests: [request] });
  const cpuAfter = cpuMsOf(apiPid);
  const machine = machineShare(machineBefore, machineCpu(), result.requests.total);
  const cpu =
    cpuBefore === undefined || cpuAfter === undefined || result.requests.total === 0
      ? {}
      : { apiCpuMsPerRequest: Math.round(((cpuAfter - cpuBefore) / result.requests.total) * 1000) / 1000 };
  return {
    perSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
    ...cpu,
    ...(machine ? { machine } : {}),
  };
}

let clockTicks: number | undefined;
/** The user + system CPU time a process has used (ms), from /proc (Linux); undefined elsewhere. */
function cpuMsOf(pid: number | undefined): number | undefined {
  if (pid === undefined || process.platform !== 'linux') return undefined;
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / clockTicks) * 1000;
  } catch {
    return undefined;
  }
}

/** The machine's busy and idle CPU time so far (ms, all cores), from /proc/stat (Linux); undefined elsewhere. */
function machineCpu(): { busyMs: number; idleMs: number } | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
    // cpu  user nice system idle iowait irq softirq steal …
    const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]!
      .trim()
      .split(/\s+/)
      .slice(1, 9)
      .map(Number) as [number, number, number, number, number, number, number, number];
    const ms = (ticks: number) => (ticks / clockTicks!) * 1000;
    return { busyMs: ms(user + nice + system + irq + softirq + steal), idleMs: ms(idle + iowait) };
  } catch {
    return undefined;
  }
}

function machineShare(
  before: ReturnType<typeof machineCpu>,
  after: ReturnType<typeof machineCpu>,
  requests: number,
): Figures['machine'] {
  if (!before || !after || requests === 0) return undefined;
  const busy = after.busyMs - before.busyMs;
  const idle = after.idleMs - before.idleMs;
  return {
    cpuMsPerRequest: Math.round((busy / requests) * 1000) / 1000,
    idle: Math.round((idle / (busy + idle)) * 100) / 100,
  };
}

function report(what: string, f: Figures) {
  console.log(
    `${what.padEnd(50)} ${String(f.perSecond).padStart(6)}/s  p50 ${f.p50Ms} ms  p99 ${f.p99Ms} ms${f.apiCpuMsPerRequest === undefined ? '' : `  API CPU ${f.apiCpuMsPerRequest} ms/request`}${f.machine === undefined ? '' : `  machine ${f.machine.cpuMsPerRequest} ms/request, ${Math.round(f.machine.idle * 100)} % idle`}${f.failures ? `  ${f.failures} FAILED` : ''}`,
  );
}

const ratio = (a: number, b: number) => (b > 0 ? `${Math.round((a / b) * 100)} %` : 'n/a');

async function json<T>(base: string, route: string, headers: Record<string, string>, body: unknown): Promise<T> {
  const res = await fetch(`${base}${route}`, { method: 'POST', headers, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${route} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** A webhook receiver that accepts everything (the posts are a week out; nothing is delivered during the run). */
async function startSink(): Promise<Server & { url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(server, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` });
}

/**
 * Reads by id (round the seeded posts) and list pages of 50, each at 100 connections, against the
 * API or the floor.
 */
async function reads(
  server: { url: string; pid: number | undefined },
  seconds: number,
  ids: string[],
  headers: Record<string, string>,
): Promise<{ byId: Figures; list: Figures }> {
  let next = 0;
  const byId = await load(server.url, seconds, 100, server.pid, {
    method: 'GET',
    path: `/v1/posts/${ids[0]}`,
    headers,
    setupRequest: (request) => ({ ...request, path: `/v1/posts/${ids[next++ % ids.length]}` }),
  });
  const list = await load(server.url, seconds, 100, server.pid, { method: 'GET', path: '/v1/posts?limit=50', headers });
  return { byId, list };
}

/** A server script (`api/main.ts`, the read floor) in its own process on a free port, ready when /healthz answers. */
async function startServer(
  script: string,
  opts: {
    env: Record<string, string>;
    profileDir?: string;
  },
): Promise<{ url: string; pid: number | undefined; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', ...(opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`] : []), script],
    {
      env: { ...process.env, ...opts.env, API_HOST: '127.0.0.1', API_PORT: String(port) },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The API process exited (${child.exitCode})`);
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) throw new Error('The API process did not answer /healthz within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    pid: child.pid,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
