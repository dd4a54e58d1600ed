import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { postWorkflowId } from '../contracts/post';
import { AuditKey, withAuditKey } from '../db/audit';
import { createDb } from '../db/database';
import { generateKey } from '../db/sealing';
import { createWorkspaceWithOwner } from '../db/workspaces';
import {
  chorusProcessEnv,
  machineDescription,
  percentile,
  runCleanups,
  startChorusProcess,
  startPostgresCluster,
  startRestartableTemporal,
  type ChorusProcess,
  type Cleanup,
  type PostgresCluster,
  type RestartableTemporal,
} from './support';

/**
 * Failure drills: Chorus publishing a burst while one of its parts is killed, restarted or stormed.
 *
 *   npm run bench:drills                                           # every drill, 100 posts each
 *   npm run bench:drills -- --drill worker-kill,storm --posts 200
 *
 * Everything runs as separate real processes, as in production: the API (`node --import tsx
 * api/main.ts`) and the worker (`workers/main.ts`), a Temporal dev server keeping its state in a
 * SQLite file (so it survives kill -9 and restart), and a PostgreSQL cluster of the drill's own
 * (initdb, pg_ctl) on a free port. Posts go to webhook channels pointing at a receiver in this
 * process, which records every delivery (webhook-id, post, time, status answered) and can answer
 * 429/5xx.
 *
 * Each drill: start Chorus (its own database and task queue), create N posts through the API, due
 * over a few seconds (`--spread`) starting `--lead` seconds later, and at `--fault-at` seconds after
 * the first due time do its damage:
 *   worker-kill       kill -9 the worker, start a new one (as a supervisor would)
 *   temporal-restart  kill -9 the Temporal server, restart it on the same file after `--down` s
 *   postgres-restart  `pg_ctl stop -m immediate`, start again after `--down` s
 *   storm             the receiver answers 429 (Retry-After 2) or 500 to a share of deliveries
 *                     from 2 s before the first due time for `--storm-seconds`
 *   scale-out         two APIs and two workers on one Temporal and one PostgreSQL: creates
 *                     alternate between the APIs; one worker is killed -9 and not replaced
 * A Chorus process that exits on its own is logged and restarted (a supervisor's job).
 *
 * Printed per drill: published / lost / duplicated (a post received under two webhook-ids: really
 * twice on the network) / redelivered (a webhook-id received again after a 2xx) / lateness p50,
 * p99, max (first 2xx receipt minus due time), Chorus's own post statuses, which worker held each
 * staged publish before the burst (Temporal's pending activities) and which completed it (the
 * identity in the workflow history), which API created each post, and how many of the reads each
 * API answered (one a second per API, as the web app polls). Exits
 * non-zero on any loss or duplicate (or a drill that could not run); redeliveries and lateness
 * are reported, not judged. Logs of every process are kept in the folder printed at the start.
 */

const DRILLS = ['worker-kill', 'temporal-restart', 'postgres-restart', 'storm', 'scale-out'] as const;
type DrillName = (typeof DRILLS)[number];
const CHANNELS = 4;

interface Options {
  drills: DrillName[];
  posts: number;
  leadSeconds: number;
  spreadSeconds: number;
  faultAtSeconds: number;
  downSeconds: number;
  timeoutSeconds: number;
  storm429: number;
  storm5xx: number;
  stormSeconds: number;
  concurrency: number;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      drill: { type: 'string', default: DRILLS.join(',') },
      posts: { type: 'string', default: '100' },
      lead: { type: 'string', default: '30' },
      spread: { type: 'string', default: '4' },
      'fault-at': { type: 'string', default: '1' },
      down: { type: 'string', default: '3' },
      timeout: { type: 'string', default: '150' },
      'storm-429': { type: 'string', default: '0.3' },
      'storm-5xx': { type: 'string', default: '0.2' },
      'storm-seconds': { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '8' },
    },
  });
  const drills = values.drill.split(',').map((d) => d.trim());
  for (const d of drills)
    if (!(DRILLS as readonly string[]).includes(d)) throw new Error(`--drill: unknown "${d}" (${DRILLS.join(', ')})`);
  const num = (flag: string, raw: string, min: number, max = Infinity) => {
    const v = Number(raw);
    if (!Number.isFinite(v) || v < min || v > max) throw new Error(`--${flag} must be a number in [${min}, ${max}]`);
    return v;
  };
  const options = {
    drills: drills as DrillName[],
    posts: Math.floor(num('posts', values.posts, 1)),
    leadSeconds: num('lead', values.lead, 5),
    spreadSeconds: num('spread', values.spread, 0),
    faultAtSeconds: num('fault-at', values['fault-at'], -3600),
    downSeconds: num('down', values.down, 0),
    timeoutSeconds: num('timeout', values.timeout, 10),
    storm429: num('storm-429', values['storm-429'], 0, 1),
    storm5xx: num('storm-5xx', values['storm-5xx'], 0, 1),
    stormSeconds: num('storm-seconds', values['storm-seconds'], 0),
    concurrency: Math.floor(num('concurrency', values.concurrency, 1)),
  };
  if (options.storm429 + options.storm5xx > 1) throw new Error('--storm-429 + --storm-5xx must be ≤ 1');
  if (options.faultAtSeconds <= -options.leadSeconds)
    throw new Error('--fault-at must come after the posts are created (greater than minus --lead)');
  return options;
}

// ---------------------------------------------------------------------------------------------
// The webhook receiver: records every delivery, answers 2xx, or 429/5xx while a storm blows.

interface Delivery {
  webhookId: string;
  marker: string;
  index: number;
  receivedAt: number;
  status: number;
}

interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** The status (and headers) for the next delivery; 204 unless a storm is set. */
  storm?: { from: number; until: number; share429: number; share5xx: number };
  close(): Promise<void>;
}

const postText = (marker: string, index: number) => `Chorus drill ${marker} post ${index}`;
const TEXT_PATTERN = /^Chorus drill (\S+) post (\d+)$/;

async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = { url: '', deliveries: [], close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const receivedAt = Date.now();
      let body: { type?: string; data?: { text?: string } } = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString()) as typeof body;
      } catch {
        // recorded below as no post
      }
      const match = body.type === 'post.published' ? TEXT_PATTERN.exec(body.data?.text ?? '') : null;
      if (!match) {
        res.writeHead(204).end(); // pings when channels are connected
        return;
      }
      let status = 204;
      const headers: Record<string, string> = {};
      const storm = receiver.storm;
      if (storm && receivedAt >= storm.from && receivedAt < storm.until) {
        const roll = Math.random();
        if (roll < storm.share429) {
          status = 429;
          headers['retry-after'] = '2';
        } else if (roll < storm.share429 + storm.share5xx) status = 500;
      }
      receiver.deliveries.push({
        webhookId: String(req.headers['webhook-id'] ?? ''),
        marker: match[1]!,
        index: Number(match[2]),
        receivedAt,
        status,
      });
      res.writeHead(status, headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}

// ---------------------------------------------------------------------------------------------
// Chorus's processes for one drill, supervised: one that exits on its own is logged and restarted.

class Fleet {
  readonly all: ChorusProcess[] = [];
  private readonly deliberate = new Set<ChorusProcess>();
  private stopping = false;
  private restarts = 0;

  constructor(
    private readonly env: Record<string, string>,
    private readonly logDir: string,
    private readonly event: (line: string) => void,
  ) {}

  async start(kind: 'api' | 'worker', label: string, port?: number): Promise<ChorusProcess> {
    const proc = await startChorusProcess({ kind, label, env: this.env, logDir: this.logDir, port });
    this.all.push(proc);
    void proc.exited.then(async ({ code, signal }) => {
      if (this.stopping || this.deliberate.has(proc)) return;
      const again = `${label}-r${++this.restarts}`;
      this.event(`${label} (pid ${proc.pid}) exited on its own (${signal ?? `code ${code}`}); restarting as ${again}`);
      // As a supervisor would: again every 2 s until it starts (it cannot while what it needs is down).
      for (let attempt = 1; !this.stopping; attempt++) {
        try {
          // On the same port: the load balancer (here, the drill's readers) keeps its address.
          const restarted = await this.start(kind, again, proc.url ? Number(new URL(proc.url).port) : undefined);
          this.event(`${again} (pid ${restarted.pid}) ready after ${attempt} start(s)`);
          return;
        } catch (err) {
          if (attempt === 1) this.event(`${again} failed to start (${firstLine(err)}); trying every 2 s`);
          await sleep(2000);
        }
      }
    });
    return proc;
  }

  running(kind: 'api' | 'worker'): ChorusProcess[] {
    return this.all.filter((p) => p.kind === kind && !p.hasExited());
  }

  async kill9(proc: ChorusProcess): Promise<void> {
    this.deliberate.add(proc);
    await proc.kill9();
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.all.map((p) => p.stop()));
  }

  labelOfPid(pid: number): string {
    return this.all.find((p) => p.pid === pid)?.label ?? `pid ${pid}`;
  }
}

// ---------------------------------------------------------------------------------------------
// One drill.

interface Shared {
  options: Options;
  pg: PostgresCluster;
  temporal: RestartableTemporal;
  receiver: Receiver;
  encryptionKey: string;
  runDir: string;
}

interface DrillResult {
  drill: DrillName;
  posts: number;
  created: number;
  published: number;
  lost: number;
  duplicated: number;
  redelivered: number;
  refusedByReceiver: number;
  /** Reads of GET /v1/posts each API answered during the drill, one a second per API (as the web app polls). */
  apiReads: { ok: number; failed: number };
  latenessMs: { p50: number | null; p99: number | null; max: number | null };
  chorusStatuses: Record<string, number>;
  /** Which worker held each post's staged publish 4 s before the first due time. */
  heldBy: Record<string, number>;
  /** Which worker completed each post's publish. */
  byWorker: Record<string, number>;
  byApi: Record<string, number>;
  events: string[];
  error?: string;
}

interface CreatedPost {
  index: number;
  id: string;
  dueAt: number;
  api: string;
}

async function runDrill(name: DrillName, shared: Shared): Promise<DrillResult> {
  const { options, receiver } = shared;
  const layout = name === 'scale-out' ? { apis: 2, workers: 2 } : { apis: 1, workers: 1 };
  let t0 = Number.NaN;
  const events: string[] = [];
  const event = (line: string) => {
    const at = Number.isNaN(t0) ? '' : `${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s  `;
    events.push(`${at}${line}`);
    console.log(`  ${at}${line}`);
  };
  console.log(`\n== ${name}: ${options.posts} posts, ${layout.apis} API, ${layout.workers} worker process(es)`);

  const databaseUrl = await shared.pg.createDatabase(`drill_${name.replace(/-/g, '_')}_${Date.now()}`);
  const env = chorusProcessEnv({
    databaseUrl,
    temporal: shared.temporal,
    taskQueue: `drill-${name}-${randomUUID()}`,
    encryptionKey: shared.encryptionKey,
    more: { CHORUS_DATA_DIR: path.join(shared.runDir, 'data'), LOG_LEVEL: 'info' },
  });
  const fleet = new Fleet(env, path.join(shared.runDir, 'logs', name), event);
  try {
    const startedAt = Date.now();
    // The first API migrates the fresh database; the rest start beside it (the migrator locks).
    await Promise.all([
      ...Array.from({ length: layout.apis }, (_, i) => fleet.start('api', `api-${i + 1}`)),
      ...Array.from({ length: layout.workers }, (_, i) => fleet.start('worker', `worker-${i + 1}`)),
    ]);
    event(`processes ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${describe(fleet.all)}`);
    const apis = fleet.running('api');

    // The audit chain is sealed with a key derived from the processes' encryption key, as createDeps does.
    const setupDb = withAuditKey(createDb(databaseUrl, 1), AuditKey.derive(shared.encryptionKey));
    const owner = await createWorkspaceWithOwner(setupDb, {
      name: `Drill ${name}`,
      ownerEmail: `drill-${name}@chorus.example`,
    }).finally(() => setupDb.destroy());
    const headers = { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' };
    const channelIds: string[] = [];
    for (let c = 0; c < CHANNELS; c++) {
      const channel = await post<{ id: string }>(apis[0]!.url!, '/v1/channels', headers, {
        provider: 'webhook',
        name: `Receiver ${c + 1}`,
        credentials: { url: receiver.url, secret: `whsec_${randomBytes(32).toString('base64')}` },
      });
      channelIds.push(channel.id);
    }

    // --- The burst: due from t0 over --spread seconds.
    const marker = `${name}-${randomBytes(4).toString('hex')}`;
    t0 = Date.now() + options.leadSeconds * 1000;
    const dueOf = (i: number) => t0 + Math.floor((i / options.posts) * options.spreadSeconds * 1000);
    if (name === 'storm')
      receiver.storm = {
        from: t0 - 2000,
        until: t0 + options.stormSeconds * 1000,
        share429: options.storm429,
        share5xx: options.storm5xx,
      };
    const created: CreatedPost[] = [];
    const refusedCreates: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        for (let i = next++; i < options.posts; i = next++) {
          const api = apis[i % apis.length]!;
          try {
            const { id } = await post<{ id: string }>(api.url!, '/v1/posts', headers, {
              text: postText(marker, i),
              channelIds: [channelIds[i % channelIds.length]!],
              publishAt: new Date(dueOf(i)).toISOString(),
            });
            created.push({ index: i, id, dueAt: dueOf(i), api: api.label });
          } catch (err) {
            refusedCreates.push(String(err));
          }
        }
      }),
    );
    event(
      `${created.length} posts created through the API${refusedCreates.length ? `, ${refusedCreates.length} refused (first: ${refusedCreates[0]})` : ''}`,
    );
    if (Date.now() > t0 - 2000) event('WARNING: creation ran into the burst (raise --lead)');

    // --- The damage, mid-burst.
    // As the web app polls: every API answers a read a second from now on (and holds pooled connections).
    const reads = { ok: 0, failed: 0 };
    let reading = true;
    const readers = apis.map(async (api) => {
      while (reading) {
        const answered = await fetch(`${api.url}/v1/posts?limit=10`, {
          headers,
          signal: AbortSignal.timeout(5000),
        }).then(
          (r) => r.ok,
          () => false,
        );
        reads[answered ? 'ok' : 'failed']++;
        await sleep(1000);
      }
    });
    // The damage, at --fault-at from the first due time (before it, when negative). Its failure is
    // kept, and thrown once the drill gets to it.
    const fault = sleepUntil(t0 + options.faultAtSeconds * 1000)
      .then(() => injectFault(name, shared, fleet, event))
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    // Which worker holds each staged publish, just before the burst (and a fault at its time).
    await sleepUntil(t0 - 4000);
    const heldBy = await inTemporal(shared.temporal, (client) => heldByWorker(client, created, fleet)).catch(
      (err: unknown) => ({ [`unreadable (${firstLine(err).slice(0, 60)})`]: created.length }),
    );
    event(`staged publishes held by (pending activities in Temporal): ${list(heldBy)}`);
    await sleepUntil(t0);
    event('first posts due');
    const faultError = await fault;
    if (faultError) throw faultError;

    // --- Wait for every post to arrive and Chorus to record its outcome.
    const mine = () => receiver.deliveries.filter((d) => d.marker === marker);
    const lastDue = t0 + options.spreadSeconds * 1000;
    const deadline = lastDue + options.timeoutSeconds * 1000;
    let statuses: Record<string, number> = {};
    for (;;) {
      const delivered = new Set(
        mine()
          .filter((d) => ok(d.status))
          .map((d) => d.index),
      );
      if (delivered.size >= created.length) {
        statuses = await chorusStatuses(databaseUrl, owner.workspaceId);
        if (Object.entries(statuses).every(([s]) => FINAL.has(s))) break;
      }
      if (Date.now() > deadline) {
        event(`timed out ${options.timeoutSeconds} s after the last due time`);
        statuses = await chorusStatuses(databaseUrl, owner.workspaceId);
        break;
      }
      await sleep(500);
    }
    event('every post received and recorded (or timed out); 3 s more for late redeliveries');
    await sleep(3000);
    reading = false;
    await Promise.all(readers);
    const byWorker = await inTemporal(shared.temporal, (client) => publishedBy(client, created, fleet));
    return {
      ...figures(name, options.posts, created, mine()),
      chorusStatuses: statuses,
      heldBy,
      byWorker,
      byApi: count(created.map((c) => c.api)),
      apiReads: reads,
      events,
    };
  } finally {
    receiver.storm = undefined;
    await fleet.stopAll();
  }
}

const FINAL = new Set(['published', 'failed', 'partially_published', 'cancelled']);
const ok = (status: number) => status >= 200 && status < 300;

async function injectFault(
  name: DrillName,
  shared: Shared,
  fleet: Fleet,
  event: (line: string) => void,
): Promise<void> {
  const { options } = shared;
  switch (name) {
    case 'worker-kill': {
      const victim = fleet.running('worker')[0]!;
      await fleet.kill9(victim);
      event(`kill -9 ${victim.label} (pid ${victim.pid}); starting worker-2`);
      const replacement = await fleet.start('worker', 'worker-2');
      event(`worker-2 (pid ${replacement.pid}) polling`);
      return;
    }
    case 'temporal-restart': {
      await shared.temporal.kill9();
      event(`kill -9 the Temporal server; restarting it in ${options.downSeconds} s`);
      await sleep(options.downSeconds * 1000);
      await shared.temporal.restart();
      event('Temporal server serving again (same SQLite file, same port)');
      return;
    }
    case 'postgres-restart': {
      await shared.pg.stopImmediately();
      event(`pg_ctl stop -m immediate; starting it in ${options.downSeconds} s`);
      await sleep(options.downSeconds * 1000);
      await shared.pg.start();
      event('PostgreSQL accepting connections again (after crash recovery)');
      return;
    }
    case 'storm':
      event(
        `storm: ${pct(options.storm429)} of deliveries answered 429 (Retry-After 2), ${pct(options.storm5xx)} 500, until ${options.stormSeconds} s after the first due time`,
      );
      return;
    case 'scale-out': {
      const victim = fleet.running('worker')[0]!;
      await fleet.kill9(victim);
      event(`kill -9 ${victim.label} (pid ${victim.pid}); not replaced: the other worker carries on`);
      return;
    }
  }
}

function figures(
  drill: DrillName,
  posts: number,
  created: CreatedPost[],
  deliveries: Delivery[],
): Omit<DrillResult, 'chorusStatuses' | 'heldBy' | 'byWorker' | 'byApi' | 'apiReads' | 'events'> {
  const dueByIndex = new Map(created.map((c) => [c.index, c.dueAt]));
  const firstOk = new Map<number, Delivery>();
  const idsByIndex = new Map<number, Set<string>>();
  const okSeen = new Set<string>();
  let redelivered = 0;
  for (const d of [...deliveries].sort((a, b) => a.receivedAt - b.receivedAt)) {
    if (okSeen.has(d.webhookId)) redelivered++;
    if (!ok(d.status)) continue;
    okSeen.add(d.webhookId);
    if (!firstOk.has(d.index)) firstOk.set(d.index, d);
    const ids = idsByIndex.get(d.index) ?? new Set<string>();
    ids.add(d.webhookId);
    idsByIndex.set(d.index, ids);
  }
  const lateness = [...firstOk.entries()]
    .filter(([index]) => dueByIndex.has(index))
    .map(([index, d]) => d.receivedAt - dueByIndex.get(index)!)
    .sort((a, b) => a - b);
  const published = [...firstOk.keys()].filter((i) => dueByIndex.has(i)).length;
  return {
    drill,
    posts,
    created: created.length,
    published,
    lost: created.length - published,
    duplicated: [...idsByIndex.values()].reduce((sum, ids) => sum + ids.size - 1, 0),
    redelivered,
    refusedByReceiver: deliveries.filter((d) => !ok(d.status)).length,
    latenessMs: {
      p50: percentile(lateness, 50) ?? null,
      p99: percentile(lateness, 99) ?? null,
      max: lateness.at(-1) ?? null,
    },
  };
}

/** Post statuses as Chorus recorded them (a short-lived connection: the drill's PostgreSQL may just have restarted). */
async function chorusStatuses(databaseUrl: string, workspaceId: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ status: string; n: string }>(
      'select status, count(*) as n from posts where workspace_id = $1 group by status',
      [workspaceId],
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  } catch (err) {
    return { [`unknown (${String(err)})`]: 0 };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A short-lived client of the drill's Temporal server. */
async function inTemporal<T>(temporal: RestartableTemporal, fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address: temporal.address });
  try {
    return await fn(new Client({ connection, namespace: temporal.namespace }));
  } finally {
    await connection.close();
  }
}

/** For each post, one label from its workflow (8 at a time); a workflow that cannot be read is counted as such. */
async function labelEach(
  created: CreatedPost[],
  label: (post: CreatedPost) => Promise<string>,
): Promise<Record<string, number>> {
  const labels: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = next++; i < created.length; i = next++)
        labels.push(await label(created[i]!).catch((err: unknown) => `unreadable (${firstLine(err).slice(0, 60)})`));
    }),
  );
  return count(labels);
}

const workerOf = (identity: string | null | undefined, fleet: Fleet) =>
  identity ? fleet.labelOfPid(Number(identity.split('@')[0])) : 'not started';

/** The worker holding each post's staged publish now: `lastWorkerIdentity` of its pending activity. */
function heldByWorker(client: Client, created: CreatedPost[], fleet: Fleet): Promise<Record<string, number>> {
  return labelEach(created, async (post) => {
    const { raw } = await client.workflow.getHandle(postWorkflowId(post.id)).describe();
    const pending = (raw.pendingActivities ?? []).find((a) => a.activityType?.name === 'publishTargetWhenDue');
    return pending ? workerOf(pending.lastWorkerIdentity, fleet) : 'not staged';
  });
}

/**
 * The worker process that completed each post's publish: the identity (`pid@host`) on the
 * ActivityTaskCompleted (or Failed) event of `publishTargetWhenDue` in the post's workflow history.
 */
function publishedBy(client: Client, created: CreatedPost[], fleet: Fleet): Promise<Record<string, number>> {
  return labelEach(created, async (post) => {
    const history = await client.workflow.getHandle(postWorkflowId(post.id)).fetchHistory();
    const scheduled = new Map<string, string>();
    let identity: string | undefined;
    for (const e of history.events ?? []) {
      const s = e.activityTaskScheduledEventAttributes;
      if (s) scheduled.set(String(e.eventId), s.activityType?.name ?? '');
      const done = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes;
      if (done && scheduled.get(String(done.scheduledEventId)) === 'publishTargetWhenDue')
        identity = done.identity ?? undefined;
    }
    return identity ? workerOf(identity, fleet) : 'not completed';
  });
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const options = parseOptions();
  const machine = machineDescription();
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'chorus-drills-'));
  chmodSync(runDir, 0o755); // the cluster's folder is in it, and PostgreSQL may run as another user
  console.log(
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.totalMemoryGiB} GiB, Node ${machine.node}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(`Logs of every process: ${path.join(runDir, 'logs')}`);
  const cleanups: Cleanup[] = [];
  const results: DrillResult[] = [];
  try {
    const [pgCluster, temporal, receiver] = await Promise.all([
      startPostgresCluster(path.join(runDir, 'postgres'), cleanups),
      startRestartableTemporal(path.join(runDir, 'temporal'), cleanups),
      startReceiver(),
    ]);
    cleanups.push({ what: 'webhook receiver', run: () => receiver.close() });
    console.log(`PostgreSQL on 127.0.0.1:${pgCluster.port}, Temporal dev server on ${temporal.address}`);
    const shared: Shared = { options, pg: pgCluster, temporal, receiver, encryptionKey: generateKey(), runDir };
    for (const name of options.drills) {
      try {
        const result = await runDrill(name, shared);
        results.push(result);
        report(result);
      } catch (err) {
        console.error(`  ${name} could not run:`, err);
        results.push({
          ...figures(name, options.posts, [], []),
          chorusStatuses: {},
          heldBy: {},
          byWorker: {},
          byApi: {},
          apiReads: { ok: 0, failed: 0 },
          events: [],
          error: String(err),
        });
      }
    }
  } finally {
    await runCleanups(cleanups);
    rmSync(path.join(runDir, 'data'), { recursive: true, force: true });
  }

  console.log('\n| drill | published | lost | duplicated | redelivered | lateness p50 / p99 / max |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of results)
    console.log(
      `| ${r.drill} | ${r.error ? 'could not run' : `${r.published}/${r.created}`} | ${r.lost} | ${r.duplicated} | ${r.redelivered} | ${seconds(r.latenessMs.p50)} / ${seconds(r.latenessMs.p99)} / ${seconds(r.latenessMs.max)} |`,
    );
  const failed = results.filter((r) => r.error || r.lost > 0 || r.duplicated > 0 || r.created < r.posts);
  console.log(
    failed.length === 0 ? '\nNo post lost or duplicated.' : `\nFAILED: ${failed.map((r) => r.drill).join(', ')}`,
  );
  console.log(JSON.stringify({ machine, date: new Date().toISOString(), options, results }));
  process.exitCode = failed.length === 0 ? 0 : 1;
}

function report(r: DrillResult) {
  console.log(
    `  published ${r.published}/${r.created}  lost ${r.lost}  duplicated ${r.duplicated}  redelivered ${r.redelivered}  ` +
      `lateness p50 ${seconds(r.latenessMs.p50)} p99 ${seconds(r.latenessMs.p99)} max ${seconds(r.latenessMs.max)}` +
      (r.refusedByReceiver ? `  (${r.refusedByReceiver} deliveries refused by the receiver)` : ''),
  );
  console.log(`  Chorus's post statuses: ${list(r.chorusStatuses)}`);
  console.log(`  publish completed by (Temporal history): ${list(r.byWorker)}`);
  console.log(`  created through: ${list(r.byApi)}`);
  console.log(`  API reads during the drill: ${r.apiReads.ok} answered, ${r.apiReads.failed} failed`);
}

const firstLine = (err: unknown) => String(err).split('\n')[0]!.slice(0, 160);
const describe = (procs: ChorusProcess[]) => procs.map((p) => `${p.label} (pid ${p.pid})`).join(', ');
const list = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || '—';
const seconds = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(2)} s`);
const pct = (share: number) => `${Math.round(share * 100)} %`;

function count(items: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item] = (counts[item] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

async function sleepUntil(at: number) {
  const wait = at - Date.now();
  if (wait > 0) await sleep(wait);
}

async function post<T>(base: string, route: string, headers: Record<string, string>, body: unknown): Promise<T> {
  const res = await fetch(`${base}${route}`, { method: 'POST', headers, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${route} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
