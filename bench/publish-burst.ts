import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { sql } from 'kysely';
import { buildApp, type ChorusApp } from '../api/app';
import { loadConfig, type Config } from '../config';
import { createDb, type Db } from '../db/database';
import type { PostStatus } from '../db/posts.types';
import { generateKey } from '../db/sealing';
import { createDeps } from '../deps/create-deps';
import { createWorkspaceWithOwner } from '../db/workspaces';
import type { SandboxAccount } from '../sandbox/local-bluesky';
import { startLocalBlueskyProcess, type LocalBlueskyProcess } from '../sandbox/local-bluesky-process';
import { ensureSearchAttributes } from '../temporal/connection';
import {
  createBenchDatabase,
  machineDescription,
  percentile,
  runCleanups,
  startTemporal,
  startWorker,
  untilWorkflowsEnded,
  postIndicesOnPds,
  type Cleanup,
} from './support';

/**
 * Publish burst: N posts all due in the same second, spread round-robin over several accounts of a
 * local Bluesky PDS, created through the API as users would create them. Prints creation rate,
 * publishing throughput, lateness (publish time minus due time) and what actually landed on the
 * PDS. Exits 0 only when the targets below are met.
 *
 *   npm run bench:publish-burst -- --posts 1000 --accounts 5
 *
 * Chorus runs in this process, as `npm start` runs it: the Temporal dev server (a child process;
 * TEMPORAL_ADDRESS to use another), a worker and the API. The PDS runs beside it in a child process
 * of its own, as a real network would (in this process it would share the worker's event loop).
 * PostgreSQL is DATABASE_URL if set, else a throwaway database on the server the tests use.
 */

const TARGET_P99_LATENESS_MS = 2_000;
/** Assumed creation cost when there is no warm-up to measure it. */
const FALLBACK_CREATE_MS_PER_POST = 50;
/** Headroom over the measured creation rate when picking the due time. */
const CREATION_SAFETY_FACTOR = 1.5;
/** With no --lead, the due time is at least this far ahead of the start of scheduling. */
const DEFAULT_MIN_DUE_AHEAD_MS = 60_000;
const MIN_DEFAULT_LEAD_MS = 10_000;
const FINAL_STATUSES: readonly PostStatus[] = ['published', 'failed', 'partially_published'];

interface Options {
  posts: number;
  accounts: number;
  /**
   * Seconds between the end of scheduling and the due time, planned from the warm-up's creation
   * rate (the due time must be fixed before the first post is created); the actual gap is printed.
   * Undefined: computed, so that the due time is at least a minute out.
   */
  leadSeconds: number | undefined;
  concurrency: number;
  warmup: number;
  timeoutSeconds: number;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      posts: { type: 'string', default: '1000' },
      accounts: { type: 'string', default: '5' },
      lead: { type: 'string' },
      concurrency: { type: 'string', default: '32' },
      warmup: { type: 'string', default: '32' },
      timeout: { type: 'string', default: '600' },
    },
  });
  return {
    posts: positiveInteger('posts', values.posts),
    accounts: positiveInteger('accounts', values.accounts),
    leadSeconds: values.lead === undefined ? undefined : nonNegativeNumber('lead', values.lead),
    concurrency: positiveInteger('concurrency', values.concurrency),
    warmup: Math.floor(nonNegativeNumber('warmup', values.warmup)),
    timeoutSeconds: positiveInteger('timeout', values.timeout),
  };
}

function positiveInteger(flag: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${flag} must be a positive integer (got "${raw}")`);
  return value;
}

function nonNegativeNumber(flag: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${flag} must be a number ≥ 0 (got "${raw}")`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// The real parts.

interface System {
  /** The pool the API and the worker share, as in scripts/start.ts. */
  db: Db;
  poolSize: number;
  /** The bench's own connections, so watching the run takes none from the system under test. */
  observer: Db;
  app: ChorusApp;
  pds: LocalBlueskyProcess;
  temporal: Client;
  taskQueue: string;
  temporalAddress: string;
  /** Throws if the worker has stopped on its own. */
  assertWorkerRunning(): void;
}

async function startSystem(config: Config, cleanups: Cleanup[]): Promise<System> {
  const [target, databaseUrl] = await Promise.all([
    startTemporal(config, cleanups),
    createBenchDatabase(config, cleanups),
  ]);
  const deps = await createDeps(
    {
      ...config,
      DATABASE_URL: databaseUrl,
      CHORUS_TASK_QUEUE: `bench-${randomUUID()}`,
      MEDIA_DIR: `${os.tmpdir()}/chorus-bench-media`,
    },
    { temporalAddress: target.address, sealerKey: generateKey() },
  );
  cleanups.push({ what: 'database pool and Temporal connections', run: () => deps.close() });
  const { db, taskQueue } = deps;
  const observer = createDb(databaseUrl, 2);
  cleanups.push({ what: 'observer pool', run: () => observer.destroy() });
  await ensureSearchAttributes(deps.temporal, target.namespace);

  const [pds, worker] = await Promise.all([
    startLocalBlueskyProcess().then((started) => {
      cleanups.push({ what: 'local Bluesky', run: () => started.stop() });
      return started;
    }),
    startWorker(target, taskQueue, deps),
  ]);
  // Registered after the PDS so it runs before it: no activity is left talking to a closed PDS.
  cleanups.push(worker.stop);

  const app = await buildApp(deps.appDeps(), { logger: false });
  cleanups.push({ what: 'API', run: () => app.close() });
  return {
    db,
    poolSize: config.DATABASE_POOL_SIZE,
    observer,
    app,
    pds,
    temporal: deps.temporal,
    taskQueue,
    temporalAddress: target.address,
    assertWorkerRunning: worker.assertRunning,
  };
}

// ---------------------------------------------------------------------------------------------
// A workspace with one Bluesky channel per PDS account, connected through the API.

interface Workspace {
  token: string;
  channelIds: string[];
  accounts: SandboxAccount[];
}

async function prepareWorkspace(system: System, accountCount: number, runId: string): Promise<Workspace> {
  const owner = await createWorkspaceWithOwner(system.db, {
    name: 'Publish burst',
    ownerEmail: `bench-${runId}@example.test`,
  });
  // The PDS is fresh for every run, so short handles are unique (the PDS limits their length).
  const accounts = await Promise.all(
    Array.from({ length: accountCount }, (_, i) => system.pds.createAccount(`bench${i}`)),
  );
  const channelIds: string[] = [];
  // One at a time, so the channels keep the accounts' order (round-robin relies on it).
  for (const account of accounts) channelIds.push(await connectBlueskyChannel(system, owner.token, account));
  return { token: owner.token, channelIds, accounts };
}

async function connectBlueskyChannel(system: System, token: string, account: SandboxAccount): Promise<string> {
  const res = await system.app.inject({
    method: 'POST',
    url: '/v1/channels',
    headers: { authorization: `Bearer ${token}` },
    payload: {
      provider: 'bluesky',
      name: account.handle,
      credentials: { service: system.pds.pdsUrl, identifier: account.handle, password: account.appPassword },
    },
  });
  if (res.statusCode !== 201) throw new Error(`POST /v1/channels answered ${res.statusCode}: ${res.body}`);
  return (res.json() as { id: string }).id;
}

// ---------------------------------------------------------------------------------------------
// Creating posts through the API.

type CreateOutcome = { ok: true; id: string } | { ok: false; overran: boolean; status: number; body: string };

interface Creation {
  ids: string[];
  rejected: { status: number; body: string }[];
  /** Posts not created because the due time had passed before (or while) they were sent. */
  overran: number;
  startedAt: number;
  endedAt: number;
}

const postText = (marker: string, index: number, total: number) =>
  `Chorus publish burst ${marker} post ${index} of ${total}`;
const markerPattern = (marker: string) => new RegExp(`${marker} post (\\d+) of`);

async function createPosts(
  system: System,
  workspace: Workspace,
  marker: string,
  count: number,
  concurrency: number,
  dueAt?: number,
): Promise<Creation> {
  const startedAt = Date.now();
  const outcomes = await runBounded(count, concurrency, (index) =>
    createPost(system, workspace, marker, index, count, dueAt),
  );
  const creation: Creation = { ids: [], rejected: [], overran: 0, startedAt, endedAt: Date.now() };
  for (const outcome of outcomes) {
    if (outcome.ok) creation.ids.push(outcome.id);
    else if (outcome.overran) creation.overran++;
    else creation.rejected.push({ status: outcome.status, body: outcome.body });
  }
  return creation;
}

async function createPost(
  system: System,
  workspace: Workspace,
  marker: string,
  index: number,
  total: number,
  dueAt?: number,
): Promise<CreateOutcome> {
  // Past the due time the API would refuse the post ("must be in the future"); don't bother it.
  if (dueAt !== undefined && Date.now() >= dueAt) return { ok: false, overran: true, status: 0, body: '' };
  const channelId = workspace.channelIds[index % workspace.channelIds.length]!;
  const payload: Record<string, unknown> = { text: postText(marker, index, total), channelIds: [channelId] };
  if (dueAt !== undefined) payload.publishAt = new Date(dueAt).toISOString();
  const res = await system.app.inject({
    method: 'POST',
    url: '/v1/posts',
    headers: { authorization: `Bearer ${workspace.token}` },
    payload,
  });
  if (res.statusCode === 201) return { ok: true, id: (res.json() as { id: string }).id };
  const overran = res.statusCode === 422 && res.body.includes('"rule":"future"');
  return { ok: false, overran, status: res.statusCode, body: res.body.slice(0, 300) };
}

/** Runs task(0..count-1) with at most `concurrency` in flight; results keep the index order. */
async function runBounded<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return results;
}

// ---------------------------------------------------------------------------------------------
// Waiting for the outcome, by polling the database.

async function statusCounts(db: Db, ids: string[]): Promise<Map<PostStatus, number>> {
  const counts = new Map<PostStatus, number>();
  if (ids.length === 0) return counts;
  const rows = await db
    .selectFrom('posts')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('id', 'in', ids)
    .groupBy('status')
    .execute();
  for (const row of rows) counts.set(row.status, Number(row.n));
  return counts;
}

const finalCount = (counts: Map<PostStatus, number>) =>
  FINAL_STATUSES.reduce((sum, s) => sum + (counts.get(s) ?? 0), 0);
const formatCounts = (counts: Map<PostStatus, number>) => [...counts].map(([s, n]) => `${s} ${n}`).join(', ') || 'none';

/** Polls until every post is final or the deadline passes; returns whether all became final. */
async function waitUntilFinal(
  system: System,
  ids: string[],
  deadline: number,
  label: string,
  progressFrom?: number,
): Promise<boolean> {
  let lastProgress = Date.now();
  for (;;) {
    system.assertWorkerRunning();
    const counts = await statusCounts(system.observer, ids);
    if (finalCount(counts) === ids.length) return true;
    if (Date.now() > deadline) {
      console.warn(`  ${label}: gave up waiting; ${formatCounts(counts)}`);
      return false;
    }
    if (progressFrom !== undefined && Date.now() - lastProgress >= 5_000) {
      lastProgress = Date.now();
      console.log(`  ${label} ${signedSeconds(Date.now() - progressFrom)} from due: ${formatCounts(counts)}`);
    }
    await sleepMs(ids.length > 100 ? 250 : 100);
  }
}

/** Used between polls, and once to let the due time arrive; never as a guess at "done". */
const sleepMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const signedSeconds = (ms: number) => `${ms >= 0 ? '+' : '−'}${(Math.abs(ms) / 1000).toFixed(1)} s`;

/**
 * The database says "published" one workflow task before the workflow closes. Letting the
 * workflows close before teardown keeps the dev server from logging cancelled writes over the
 * report; a workflow still open after the grace period is only mentioned.
 */
async function drainWorkflows(system: System, graceMs = 30_000): Promise<void> {
  const query = `TaskQueue = '${system.taskQueue}' AND ExecutionStatus = 'Running'`;
  const count = await untilWorkflowsEnded(system.temporal, query, graceMs);
  if (count > 0) console.warn(`  ${count} workflow(s) still running ${graceMs / 1000} s after their posts were final`);
}

// ---------------------------------------------------------------------------------------------
// Measuring.

interface PublishFigures {
  statuses: Map<PostStatus, number>;
  published: number;
  failures: number;
  unfinished: number;
  retried: number;
  latenessMs: number[];
  lastPublishedAt: number | undefined;
  sampleErrors: string[];
}

async function publishFigures(db: Db, ids: string[]): Promise<PublishFigures> {
  const rows =
    ids.length === 0
      ? []
      : await db
          .selectFrom('post_targets as t')
          .innerJoin('posts as p', 'p.id', 't.post_id')
          .select(['p.status as postStatus', 'p.publish_at', 't.published_at', 't.attempts', 't.last_error'])
          .where('p.id', 'in', ids)
          .execute();
  const statuses = await statusCounts(db, ids);
  const latenessMs = rows.filter((r) => r.published_at).map((r) => r.published_at!.getTime() - r.publish_at.getTime());
  const published = statuses.get('published') ?? 0;
  const failures = (statuses.get('failed') ?? 0) + (statuses.get('partially_published') ?? 0);
  const times = rows.filter((r) => r.published_at).map((r) => r.published_at!.getTime());
  return {
    statuses,
    published,
    failures,
    unfinished: ids.length - finalCount(statuses),
    retried: rows.filter((r) => r.attempts > 1).length,
    latenessMs,
    lastPublishedAt: times.length > 0 ? Math.max(...times) : undefined,
    sampleErrors: [...new Set(rows.map((r) => r.last_error).filter((e): e is string => !!e))].slice(0, 3),
  };
}

/**
 * Where the lateness goes, per post, from the audit chain: due → the "publishing" mark (the
 * staged publish's claim, two seconds ahead) → on the PDS (the send) → the "published" mark (the
 * workflow's final markPostStatus).
 */
interface PhaseFigures {
  dueToMarkedPublishingMs: number[];
  markedPublishingToOnPdsMs: number[];
  onPdsToMarkedPublishedMs: number[];
}

async function phaseFigures(db: Db, ids: string[]): Promise<PhaseFigures> {
  const phases: PhaseFigures = {
    dueToMarkedPublishingMs: [],
    markedPublishingToOnPdsMs: [],
    onPdsToMarkedPublishedMs: [],
  };
  if (ids.length === 0) return phases;
  const [audits, targets] = await Promise.all([
    db
      .selectFrom('audit_log')
      .select(['subject_id', sql<string>`after->>'status'`.as('status'), 'at'])
      .where('subject_id', 'in', ids)
      .where('action', '=', 'post.status_changed')
      .where(sql<string>`after->>'status'`, 'in', ['publishing', 'published'])
      .execute(),
    db
      .selectFrom('post_targets as t')
      .innerJoin('posts as p', 'p.id', 't.post_id')
      .select(['p.id', 'p.publish_at', 't.published_at'])
      .where('p.id', 'in', ids)
      .execute(),
  ]);
  const marks = new Map(audits.map((a) => [`${a.subject_id} ${a.status}`, a.at.getTime()]));
  for (const t of targets) {
    const publishing = marks.get(`${t.id} publishing`);
    const published = marks.get(`${t.id} published`);
    const onPds = t.published_at?.getTime();
    if (publishing !== undefined) phases.dueToMarkedPublishingMs.push(publishing - t.publish_at.getTime());
    if (publishing !== undefined && onPds !== undefined) phases.markedPublishingToOnPdsMs.push(onPds - publishing);
    if (onPds !== undefined && published !== undefined) phases.onPdsToMarkedPublishedMs.push(published - onPds);
  }
  return phases;
}

interface PdsFigures {
  records: number;
  duplicates: number;
  missing: number;
}

/** What actually landed on the PDS: every record carrying the run's marker, by post index. */
async function pdsFigures(
  pds: LocalBlueskyProcess,
  accounts: SandboxAccount[],
  marker: string,
  expected: number,
): Promise<PdsFigures> {
  const pattern = markerPattern(marker);
  const indices = await postIndicesOnPds(
    pds,
    accounts.map((a) => a.did),
    (text) => {
      const match = pattern.exec(text);
      return match ? Number(match[1]) : undefined;
    },
  );
  const distinct = new Set(indices);
  const found = [...distinct].filter((i) => i >= 0 && i < expected).length;
  return { records: indices.length, duplicates: indices.length - distinct.size, missing: expected - found };
}

/** CPU and event-loop figures for one window: the system shares this process's event loop. */
class ResourceWindow {
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly startedAt = Date.now();
  private readonly processCpu = process.cpuUsage();
  private readonly machineCpu = machineCpuTimes();

  constructor() {
    this.loop.enable();
  }

  finish() {
    this.loop.disable();
    const wallMs = Math.max(1, Date.now() - this.startedAt);
    const cpu = process.cpuUsage(this.processCpu);
    const machine = machineCpuTimes();
    const total = machine.total - this.machineCpu.total;
    return {
      processCpuPercentOfOneCore: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 100),
      machineBusyPercent: total > 0 ? Math.round((1 - (machine.idle - this.machineCpu.idle) / total) * 100) : 0,
      eventLoopDelayP99Ms: Math.round(this.loop.percentile(99) / 1e6),
      eventLoopDelayMaxMs: Math.round(this.loop.max / 1e6),
    };
  }
}
type ResourceFigures = ReturnType<ResourceWindow['finish']>;

function machineCpuTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    idle += cpu.times.idle;
    total += cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.idle + cpu.times.irq;
  }
  return { idle, total };
}

/** Peak resident set of this process (API, worker, PDS and the bench; not Temporal or PostgreSQL). */
function peakRssMiB(): number {
  const fromKernel = process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
  return Math.round(Math.max(fromKernel, process.memoryUsage().rss / 2 ** 20));
}

// ---------------------------------------------------------------------------------------------
// The run.

interface Plan {
  dueAt: number;
  estimatedCreationMs: number;
  plannedLeadMs: number;
}

/**
 * The due time: far enough ahead that every post is created before it, judging by the warm-up's
 * creation rate with headroom, plus the lead. The default lead keeps the due time at least a
 * minute out, so short runs still leave the freshly started workflows time to settle.
 */
function planDueTime(options: Options, warmupMsPerPost: number | undefined): Plan {
  const estimatedCreationMs = options.posts * (warmupMsPerPost ?? FALLBACK_CREATE_MS_PER_POST) * CREATION_SAFETY_FACTOR;
  const plannedLeadMs =
    options.leadSeconds !== undefined
      ? options.leadSeconds * 1000
      : Math.max(MIN_DEFAULT_LEAD_MS, DEFAULT_MIN_DUE_AHEAD_MS - estimatedCreationMs);
  // Rounded up to a whole second: "all due in the same second".
  const dueAt = Math.ceil((Date.now() + estimatedCreationMs + plannedLeadMs) / 1000) * 1000;
  return { dueAt, estimatedCreationMs, plannedLeadMs };
}

/**
 * Publishes a few posts right away before the burst: proves the pipeline end to end before
 * committing to a long run, and measures the creation rate the due time is planned on.
 */
async function warmUp(
  system: System,
  workspace: Workspace,
  options: Options,
  runId: string,
): Promise<number | undefined> {
  if (options.warmup === 0) return undefined;
  const count = options.warmup;
  const creation = await createPosts(system, workspace, `warmup-${runId}`, count, options.concurrency);
  if (creation.rejected.length > 0)
    throw new Error(
      `Warm-up: the API refused ${creation.rejected.length} post(s), e.g. ${creation.rejected[0]!.status} ${creation.rejected[0]!.body}`,
    );
  const ok = await waitUntilFinal(system, creation.ids, Date.now() + 60_000, 'warm-up');
  const figures = await publishFigures(system.observer, creation.ids);
  if (!ok || figures.published !== count)
    throw new Error(
      `Warm-up: ${figures.published}/${count} published (${formatCounts(figures.statuses)}); errors: ${figures.sampleErrors.join(' | ') || 'none'}`,
    );
  const msPerPost = (creation.endedAt - creation.startedAt) / count;
  console.log(
    `Warm-up: ${count} posts created in ${creation.endedAt - creation.startedAt} ms (${(1000 / msPerPost).toFixed(1)} posts/s) and published.`,
  );
  return msPerPost;
}

interface Report {
  options: Options;
  poolSize: number;
  creation: Creation;
  plan: Plan;
  figures: PublishFigures;
  phases: PhaseFigures;
  pds: PdsFigures;
  creationResources: ResourceFigures;
  burstResources: ResourceFigures;
}

function evaluate(report: Report): { pass: boolean; failed: string[] } {
  const failed: string[] = [];
  const p99 = percentile(
    [...report.figures.latenessMs].sort((a, b) => a - b),
    99,
  );
  if (report.figures.published !== report.options.posts || report.pds.missing > 0) {
    failed.push(
      `all published (${report.figures.published}/${report.options.posts} published, ${report.pds.missing} missing on the PDS)`,
    );
  }
  if (p99 === undefined || p99 > TARGET_P99_LATENESS_MS)
    failed.push(`p99 lateness ≤ ${TARGET_P99_LATENESS_MS} ms (${p99 ?? 'n/a'} ms)`);
  if (report.pds.duplicates > 0) failed.push(`0 duplicates (${report.pds.duplicates})`);
  return { pass: failed.length === 0, failed };
}

function printReport(
  report: Report,
  machine: ReturnType<typeof machineDescription>,
  temporalAddress: string,
): { pass: boolean } {
  const { options, creation, plan, figures, phases, pds } = report;
  const sorted = [...figures.latenessMs].sort((a, b) => a - b);
  const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(sorted, p));
  const max = sorted.at(-1);
  const creationSeconds = (creation.endedAt - creation.startedAt) / 1000;
  const creationRate = creation.ids.length / Math.max(creationSeconds, 0.001);
  const actualLeadMs = plan.dueAt - creation.endedAt;
  const publishSpanMs = figures.lastPublishedAt !== undefined ? figures.lastPublishedAt - plan.dueAt : undefined;
  const throughput =
    publishSpanMs !== undefined ? figures.latenessMs.length / Math.max(publishSpanMs / 1000, 0.001) : 0;
  const verdict = evaluate(report);
  const peakRss = peakRssMiB();
  const ms = (v: number | undefined) => (v === undefined ? 'n/a' : `${v} ms`);
  const spread = (values: number[]) => {
    const s = [...values].sort((a, b) => a - b);
    return { p50: percentile(s, 50), p99: percentile(s, 99) };
  };
  const phaseSpreads = {
    dueToMarkedPublishing: spread(phases.dueToMarkedPublishingMs),
    markedPublishingToOnPds: spread(phases.markedPublishingToOnPdsMs),
    onPdsToMarkedPublished: spread(phases.onPdsToMarkedPublishedMs),
  };
  const phase = (p: { p50?: number; p99?: number }) => `p50 ${ms(p.p50)} / p99 ${ms(p.p99)}`;
  const res = (r: ResourceFigures) =>
    `process CPU ${r.processCpuPercentOfOneCore}% of one core, machine ${r.machineBusyPercent}% busy, event-loop delay p99 ${r.eventLoopDelayP99Ms} ms / max ${r.eventLoopDelayMaxMs} ms`;

  console.log(`
Publish burst results
  machine      ${machine.cpus} × ${machine.cpuModel}, ${machine.totalMemoryGiB} GiB, node ${machine.node}, ${machine.platform}
  setup        ${options.posts} posts over ${options.accounts} accounts, 1 workspace, DB pool ${report.poolSize}, ${options.concurrency} creations in flight, Temporal ${temporalAddress}
  creation     ${creation.ids.length} created in ${creationSeconds.toFixed(1)} s (${creationRate.toFixed(1)} posts/s); ${creation.rejected.length} refused; ${creation.overran} not created: past the due time
  due          ${new Date(plan.dueAt).toISOString()}; ${(actualLeadMs / 1000).toFixed(1)} s after creation ended (planned ${(plan.plannedLeadMs / 1000).toFixed(1)} s)
  publishing   ${figures.published} published, ${figures.failures} failed, ${figures.unfinished} unfinished, ${figures.retried} target(s) retried; last publish ${publishSpanMs === undefined ? 'n/a' : signedSeconds(publishSpanMs)} from due → throughput ${throughput.toFixed(1)} posts/s
  lateness     p50 ${ms(p50)}, p95 ${ms(p95)}, p99 ${ms(p99)}, max ${ms(max)}
  phases       due → marked publishing ${phase(phaseSpreads.dueToMarkedPublishing)}; → on the PDS ${phase(phaseSpreads.markedPublishingToOnPds)}; → marked published ${phase(phaseSpreads.onPdsToMarkedPublished)}
  PDS          ${pds.records} records with the run marker, ${pds.duplicates} duplicates, ${pds.missing} missing
  resources    peak RSS ${peakRss} MiB (this process)
               creation: ${res(report.creationResources)}
               burst:    ${res(report.burstResources)}
  targets      ${verdict.pass ? 'met' : `MISSED: ${verdict.failed.join('; ')}`}`);
  if (creation.overran > 0)
    console.warn(`  warning      creation overran the due time: ${creation.overran} post(s) not created`);
  if (creation.rejected.length > 0)
    console.warn(
      `  warning      the API refused ${creation.rejected.length} post(s), e.g. ${creation.rejected[0]!.status} ${creation.rejected[0]!.body}`,
    );
  if (figures.sampleErrors.length > 0) console.warn(`  errors seen  ${figures.sampleErrors.join(' | ')}`);

  const summary = {
    bench: 'publish-burst',
    pass: verdict.pass,
    failed: verdict.failed,
    posts: options.posts,
    accounts: options.accounts,
    dbPoolSize: report.poolSize,
    created: creation.ids.length,
    refused: creation.rejected.length,
    overran: creation.overran,
    creationSeconds: round1(creationSeconds),
    creationRatePerSecond: round1(creationRate),
    leadSeconds: round1(actualLeadMs / 1000),
    published: figures.published,
    failures: figures.failures,
    unfinished: figures.unfinished,
    retriedTargets: figures.retried,
    throughputPerSecond: round1(throughput),
    latenessMs: { p50, p95, p99, max },
    phasesMs: phaseSpreads,
    pdsRecords: pds.records,
    duplicates: pds.duplicates,
    missing: pds.missing,
    peakRssMiB: peakRss,
    creationResources: report.creationResources,
    burstResources: report.burstResources,
    machine,
  };
  console.log(JSON.stringify(summary));
  return verdict;
}

const round1 = (v: number) => Math.round(v * 10) / 10;

async function main(): Promise<void> {
  const options = parseOptions();
  // Before any Temporal connection: the SDK's default logger would print every worker INFO line.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = loadConfig();
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const marker = `burst-${runId}`;
  const cleanups: Cleanup[] = [];
  let exitCode = 1;
  try {
    console.log(
      `Starting Temporal, PostgreSQL database, local Bluesky (${options.accounts} accounts), worker and API…`,
    );
    const system = await startSystem(config, cleanups);
    const workspace = await prepareWorkspace(system, options.accounts, runId);
    const msPerPost = await warmUp(system, workspace, options, runId);

    const plan = planDueTime(options, msPerPost);
    console.log(
      `Scheduling ${options.posts} posts due at ${new Date(plan.dueAt).toISOString()} (${signedSeconds(plan.dueAt - Date.now())} from now)…`,
    );
    const creationWindow = new ResourceWindow();
    const creation = await createPosts(system, workspace, marker, options.posts, options.concurrency, plan.dueAt);
    const creationResources = creationWindow.finish();
    const lead = plan.dueAt - creation.endedAt;
    console.log(
      `  created ${creation.ids.length} in ${((creation.endedAt - creation.startedAt) / 1000).toFixed(1)} s; due ${signedSeconds(lead)} after that`,
    );
    if (lead < 0)
      console.warn(`  WARNING: creation overran the due time by ${-lead} ms (${creation.overran} post(s) not created)`);

    // Settling before the due time is part of the scenario, not of the measurement.
    await sleepMs(plan.dueAt - Date.now());
    const burstWindow = new ResourceWindow();
    await waitUntilFinal(system, creation.ids, plan.dueAt + options.timeoutSeconds * 1000, 'burst', plan.dueAt);
    const burstResources = burstWindow.finish();

    const [figures, phases, pds] = await Promise.all([
      publishFigures(system.observer, creation.ids),
      phaseFigures(system.observer, creation.ids),
      pdsFigures(system.pds, workspace.accounts, marker, options.posts),
    ]);
    await drainWorkflows(system);
    const verdict = printReport(
      { options, poolSize: system.poolSize, creation, plan, figures, phases, pds, creationResources, burstResources },
      machineDescription(),
      system.temporalAddress,
    );
    exitCode = verdict.pass ? 0 : 1;
  } finally {
    await runCleanups(cleanups);
  }
  // The Temporal runtime and the PDS may leave handles behind; the result is known, so leave.
  process.exit(exitCode);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
