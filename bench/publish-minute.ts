import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { AtpAgent } from '@atproto/api';
import { TID } from '@atproto/common-web';
import { sql } from 'kysely';
import { CLAIM_AHEAD_MS } from '../activities/publishing';
import { RepoWriteBatcher } from '../channels/bluesky-write-batch';
import { AuditKey, withAuditKey } from '../db/audit';
import { createDb } from '../db/database';
import { generateKey } from '../db/sealing';
import { createWorkspaceWithOwner } from '../db/workspaces';
import { connectClient } from '../temporal/connection';
import { loadConfig } from '../config';
import type { SandboxAccount } from '../sandbox/local-bluesky';
import { startLocalBlueskyProcess, type LocalBlueskyProcess } from '../sandbox/local-bluesky-process';
import { LONGEST_STAGING_LEAD_MS } from '../workflows/post/state';
import {
  buildServer,
  chorusProcessEnv,
  createBenchDatabase,
  machineDescription,
  memoryOf,
  percentile,
  runCleanups,
  startChorusProcess,
  startTemporal,
  untilWorkflowsEnded,
  postIndicesOnPds,
  type ChorusProcess,
  type Cleanup,
} from './support';

/**
 * Publish minute: N posts (10,000) due within one minute, on ONE worker process, to webhook channels
 * whose URL is a local receiver that records when each delivery arrives.
 *
 *   npm run bench:publish-minute -- --mode spread   # due times spread evenly over the minute
 *   npm run bench:publish-minute -- --mode second   # all due in the same second
 *
 * The API and the worker run as separate processes, as in production: the compiled code
 * (`node dist/api/main.js`, `dist/workers/main.js` with its prebuilt workflow bundle), built first
 * (`--from-source`: `api/main.ts` and `workers/main.ts` through tsx, the worker bundling its
 * workflows at start as `npm run worker` does), on the Temporal dev server (in memory; TEMPORAL_ADDRESS to use another) and real
 * PostgreSQL (a throwaway database on the server the tests use; DATABASE_URL to use another). The
 * posts are created through the API ahead of the minute (each starts its post workflow, which
 * stages its publish two to six minutes before its time, as every post does); the minute is set
 * from the creation rate of a warm-up, so that creating them ends `--lead` seconds before the first
 * is due (380 by default: the posts are scheduled ahead, as a campaign's are, and none is staged
 * while others are still being created; a short lead measures both at once).
 *
 * Prints published / duplicates (a webhook-id received again after a 2xx, or a post received under
 * two webhook-ids) / lateness p50, p99, max (first receipt minus due time) / the worker's peak RSS
 * (VmHWM) / Chorus's own post statuses. Exits 0 only when the target is met: all published, no
 * duplicate, p99 lateness ≤ 2 s, worker peak RSS ≤ 500 MB.
 *
 *   npm run bench:publish-minute -- --network bluesky   # to accounts on the reference PDS instead
 *
 * `--network bluesky`: the channels are accounts on a local reference PDS in a process of its own
 * (one per channel). A post's lateness is when Chorus recorded the PDS's answer (its target's
 * `published_at`) minus its due time; published and duplicates are counted in the accounts'
 * repositories. After Chorus's minute, the same run measures the PDS's own floor: a client in the
 * bench process sends the same number of records to the same accounts on the same schedule,
 * through the same commit batching (`RepoWriteBatcher`) and nothing else of Chorus; its lateness
 * is the PDS's answer minus the due time. The target's 2 s then reads beside that floor: exit 0
 * when all are published once, the worker within 500 MB, and p99 ≤ 2 s or ≤ the floor's p99.
 */

const TARGET_P99_MS = 2_000;
const TARGET_RSS_MB = 500;
const MODES = ['spread', 'second'] as const;
type Mode = (typeof MODES)[number];
const NETWORKS = ['webhook', 'bluesky'] as const;
type Network = (typeof NETWORKS)[number];
const POST_COLLECTION = 'app.bsky.feed.post';

interface Options {
  mode: Mode;
  network: Network;
  posts: number;
  channels: number;
  workspaces: number;
  concurrency: number;
  leadSeconds: number;
  warmup: number;
  timeoutSeconds: number;
  profile: boolean;
  fromSource: boolean;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      mode: { type: 'string', default: 'spread' },
      network: { type: 'string', default: 'webhook' },
      posts: { type: 'string', default: '10000' },
      channels: { type: 'string', default: '10' },
      workspaces: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '16' },
      lead: { type: 'string', default: '380' },
      warmup: { type: 'string', default: '200' },
      timeout: { type: 'string', default: '180' },
      profile: { type: 'boolean', default: false },
      'from-source': { type: 'boolean', default: false },
    },
  });
  if (!(MODES as readonly string[]).includes(values.mode))
    throw new Error(`--mode must be one of ${MODES.join(', ')} (got "${values.mode}")`);
  if (!(NETWORKS as readonly string[]).includes(values.network))
    throw new Error(`--network must be one of ${NETWORKS.join(', ')} (got "${values.network}")`);
  const int = (flag: string, raw: string, min: number) => {
    const v = Number(raw);
    if (!Number.isInteger(v) || v < min) throw new Error(`--${flag} must be an integer ≥ ${min} (got "${raw}")`);
    return v;
  };
  return {
    mode: values.mode as Mode,
    network: values.network as Network,
    posts: int('posts', values.posts, 1),
    channels: int('channels', values.channels, 1),
    workspaces: int('workspaces', values.workspaces, 1),
    concurrency: int('concurrency', values.concurrency, 1),
    leadSeconds: int('lead', values.lead, 5),
    warmup: int('warmup', values.warmup, 1),
    timeoutSeconds: int('timeout', values.timeout, 10),
    profile: values.profile,
    fromSource: values['from-source'],
  };
}

// ---------------------------------------------------------------------------------------------
// The receiver: records the first time each webhook-id arrives, and every repeat.

interface Receipt {
  webhookId: string;
  index: number;
  receivedAt: number;
}

interface Receiver {
  url: string;
  receipts: Receipt[];
  close(): Promise<void>;
}

const postText = (marker: string, index: number) => `Chorus minute ${marker} post ${index}`;
const TEXT_PATTERN = /^Chorus minute (\S+) post (\d+)$/;

async function startReceiver(marker: string): Promise<Receiver> {
  const receiver: Receiver = { url: '', receipts: [], close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const receivedAt = Date.now();
      res.writeHead(204).end();
      let body: { type?: string; data?: { text?: string } } = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString()) as typeof body;
      } catch {
        return;
      }
      const match = body.type === 'post.published' ? TEXT_PATTERN.exec(body.data?.text ?? '') : null;
      if (!match || match[1] !== marker) return; // pings when channels are connected
      receiver.receipts.push({
        webhookId: String(req.headers['webhook-id'] ?? ''),
        index: Number(match[2]),
        receivedAt,
      });
    });
  });
  // A burst of 10,000 connections at once: a deep accept queue (the kernel caps it at somaxconn).
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 65_535 }, resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const options = parseOptions();
  const machine = machineDescription();
  const config = loadConfig();
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  console.log(
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.totalMemoryGiB} GiB, Node ${machine.node}; load average ${load()}`,
  );
  console.log(
    `${options.posts} posts due ${options.mode === 'spread' ? 'spread over one minute' : 'in the same second'}, ${options.channels} ${options.network === 'bluesky' ? 'Bluesky accounts on a local PDS' : 'webhook channels'} in ${options.workspaces} workspaces, one worker process (${options.fromSource ? 'from source, through tsx' : 'compiled, from dist/'})`,
  );
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'chorus-minute-'));
  console.log(`Logs: ${path.join(runDir, 'logs')}`);
  const cleanups: Cleanup[] = [];
  const marker = randomBytes(4).toString('hex');
  let ok = false;
  // Interrupted: everything started is still stopped (and the database dropped).
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      console.error(`${signal}: stopping`);
      void runCleanups(cleanups).finally(() => process.exit(130));
    });
  try {
    const built = !options.fromSource;
    if (built) buildServer();
    const bluesky = options.network === 'bluesky';
    const [temporal, databaseUrl, receiver, pds] = await Promise.all([
      startTemporal(config, cleanups),
      createBenchDatabase(config, cleanups),
      startReceiver(marker),
      bluesky ? startLocalBlueskyProcess() : undefined,
    ]);
    cleanups.push({ what: 'receiver', run: () => receiver.close() });
    // Before the Chorus processes: they stop first (cleanups run last to first).
    if (pds) cleanups.push({ what: 'local Bluesky', run: () => pds.stop() });
    const encryptionKey = generateKey();
    const taskQueue = `minute-${randomUUID()}`;
    const env = chorusProcessEnv({
      databaseUrl,
      temporal,
      taskQueue,
      encryptionKey,
      more: { CHORUS_DATA_DIR: path.join(runDir, 'data'), LOG_LEVEL: 'warn' },
    });
    const logDir = path.join(runDir, 'logs');
    const procs: ChorusProcess[] = [];
    cleanups.push({ what: 'Chorus processes', run: () => Promise.all(procs.map((p) => p.stop())) });
    // The API migrates the fresh database first; then the worker.
    procs.push(await startChorusProcess({ kind: 'api', label: 'api', env, logDir, built }));
    const profileDir = options.profile ? path.join(runDir, 'profile') : undefined;
    const worker = await startChorusProcess({ kind: 'worker', label: 'worker', env, logDir, profileDir, built });
    if (profileDir) console.log(`CPU profiles of the worker's threads (written when it stops): ${profileDir}`);
    procs.push(worker);
    const api = procs[0]!.url!;
    let rssMaxMb = 0;
    const sampler = setInterval(() => {
      const m = memoryOf(worker.pid);
      if (m) rssMaxMb = Math.max(rssMaxMb, m.rssMb);
    }, 500);
    cleanups.push({ what: 'RSS sampler', run: async () => clearInterval(sampler) });

    // Several workspaces: one workspace's creates queue on its audit chain (README, Known limits).
    const setupDb = withAuditKey(createDb(databaseUrl, 1), AuditKey.derive(encryptionKey));
    const owners: { token: string }[] = [];
    try {
      for (let w = 0; w < options.workspaces; w++)
        owners.push(
          await createWorkspaceWithOwner(setupDb, {
            name: `Publish minute ${w + 1}`,
            ownerEmail: `minute-${marker}-${w}@chorus.example`,
          }),
        );
    } finally {
      await setupDb.destroy();
    }
    const headersOf = (w: number) => ({
      authorization: `Bearer ${owners[w]!.token}`,
      'content-type': 'application/json',
    });
    // Channel c is in workspace c mod --workspaces; post i goes to channel i mod --channels (on
    // Bluesky, channel c is account c).
    const channelIds: string[] = [];
    const accounts: SandboxAccount[] = [];
    for (let c = 0; c < Math.max(options.channels, options.workspaces); c++) {
      const account = pds ? await pds.createAccount(`minute${c}`) : undefined;
      if (account) accounts.push(account);
      const channel = await post<{ id: string }>(
        api,
        '/v1/channels',
        headersOf(c % options.workspaces),
        pds && account
          ? {
              provider: 'bluesky',
              name: account.handle,
              credentials: { service: pds.pdsUrl, identifier: account.handle, password: account.appPassword },
            }
          : {
              provider: 'webhook',
              name: `Receiver ${c + 1}`,
              credentials: { url: receiver.url, secret: `whsec_${randomBytes(32).toString('base64')}` },
            },
      );
      channelIds.push(channel.id);
    }
    const headers = (i: number) => headersOf((i % channelIds.length) % options.workspaces);

    // --- Warm-up: posts due in a day (they only sleep), to learn the creation rate.
    const create = async (
      count: number,
      body: (i: number) => unknown,
    ): Promise<{ ids: string[]; failed: string[] }> => {
      const ids: string[] = new Array<string>(count);
      const failed: string[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: options.concurrency }, async () => {
          for (let i = next++; i < count; i = next++) {
            try {
              ids[i] = (await post<{ id: string }>(api, '/v1/posts', headers(i), body(i))).id;
            } catch (err) {
              failed.push(String(err));
            }
          }
        }),
      );
      return { ids, failed };
    };
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const warmStart = Date.now();
    await create(options.warmup, (i) => ({
      text: `warm-up ${i}`,
      channelIds: [channelIds[i % channelIds.length]!],
      publishAt: tomorrow,
    }));
    const msPerPost = (Date.now() - warmStart) / options.warmup;
    // Creation must end --lead seconds before the first post is due (with a third of headroom).
    const t0 = Math.ceil((Date.now() + msPerPost * options.posts * 1.35 + options.leadSeconds * 1000) / 1000) * 1000;
    const dueOf = (i: number) => (options.mode === 'spread' ? t0 + Math.floor((i * 60_000) / options.posts) : t0);
    console.log(
      `Warm-up: ${(1000 / msPerPost).toFixed(1)} posts/s with ${options.concurrency} in flight; first due at ${new Date(t0).toISOString()}`,
    );

    const createStart = Date.now();
    const { ids, failed } = await create(options.posts, (i) => ({
      text: postText(marker, i),
      channelIds: [channelIds[i % channelIds.length]!],
      publishAt: new Date(dueOf(i)).toISOString(),
    }));
    const createdAt = Date.now();
    console.log(
      `Created ${options.posts - failed.length} posts in ${((createdAt - createStart) / 1000).toFixed(1)} s ` +
        `(${((options.posts - failed.length) / ((createdAt - createStart) / 1000)).toFixed(1)} posts/s); ` +
        `${((t0 - createdAt) / 1000).toFixed(1)} s before the first is due` +
        (failed.length ? `; ${failed.length} refused (first: ${failed[0]})` : ''),
    );
    if (createdAt > t0 - LONGEST_STAGING_LEAD_MS)
      console.log(
        'NOTE: some posts were staged while others were still being created (raise --lead to keep the two apart)',
      );
    if (createdAt > t0) console.log('WARNING: creation ran into the minute (raise --lead or lower --concurrency)');
    const loadBefore = load();

    // --- The minute, and until every post has arrived (or the timeout).
    const lastDue = dueOf(options.posts - 1);
    const deadline = lastDue + options.timeoutSeconds * 1000;
    const statusDb = createDb(databaseUrl, 1);
    cleanups.push({ what: 'status pool', run: () => statusDb.destroy() });
    const expected = options.posts - failed.length;
    let statuses: Record<string, number> = {};
    for (;;) {
      await sleep(2000);
      if (worker.hasExited()) throw new Error(`The worker exited; see ${worker.logFile}`);
      const arrived = bluesky ? expected : new Set(receiver.receipts.map((r) => r.index)).size;
      if (Date.now() < lastDue) continue;
      statuses = await postStatuses(statusDb, ids.filter(Boolean));
      if ((arrived >= expected && (statuses.published ?? 0) >= expected) || Date.now() > deadline) break;
    }
    // The posts' workflows end just after their deliveries are recorded: the worker's peak counts
    // their last tasks too.
    const client = await connectClient(temporal);
    cleanups.push({ what: 'Temporal client', run: () => client.connection.close() });
    await untilWorkflowsEnded(
      client,
      `TaskQueue = "${taskQueue}" AND WorkflowType = "publishPost" AND ExecutionStatus = "Running"`,
      60_000,
    );
    const memory = memoryOf(worker.pid);
    const loadAfter = load();
    const claimTimes = await claimedAt(statusDb, ids.filter(Boolean));

    // --- Figures.
    const { published, duplicates, lateness } = pds
      ? await blueskyFigures(statusDb, pds, accounts, marker, ids, dueOf)
      : webhookFigures(receiver.receipts, dueOf);
    const p = (q: number) => percentile(lateness, q) ?? null;
    // When each post was claimed against when it should have been (CLAIM_AHEAD_MS before its time):
    // a late claim is a publish staged late (Temporal's side); a late receipt after an on-time claim
    // is the send itself (the worker's side).
    const claimLateness = ids
      .map((id, i) => (claimTimes.has(id) ? claimTimes.get(id)! - (dueOf(i) - CLAIM_AHEAD_MS) : undefined))
      .filter((ms): ms is number => ms !== undefined)
      .sort((a, b) => a - b);
    const claimedAfterDue = claimLateness.filter((ms) => ms > CLAIM_AHEAD_MS).length;
    const peakMb = Math.max(memory?.peakMb ?? 0, rssMaxMb);
    const result = {
      mode: options.mode,
      posts: options.posts,
      created: expected,
      published,
      duplicates,
      latenessMs: { p50: p(50), p95: p(95), p99: p(99), max: p(100) },
      claimLatenessMs: {
        p50: percentile(claimLateness, 50) ?? null,
        p99: percentile(claimLateness, 99) ?? null,
        afterDue: claimedAfterDue,
      },
      workerPeakRssMb: Math.round(peakMb),
      chorusStatuses: statuses,
      loadBefore,
      loadAfter,
    };
    console.log(
      `\npublished ${result.published}/${expected}  duplicates ${duplicates}  lateness p50 ${s(result.latenessMs.p50)} ` +
        `p95 ${s(result.latenessMs.p95)} p99 ${s(result.latenessMs.p99)} max ${s(result.latenessMs.max)}  ` +
        `worker peak RSS ${result.workerPeakRssMb} MB`,
    );
    console.log(
      `claimed (due − ${CLAIM_AHEAD_MS / 1000} s is on time): p50 ${s(result.claimLatenessMs.p50)} p99 ${s(result.claimLatenessMs.p99)} late; ` +
        `${claimedAfterDue} claimed after their due time (staged late), the rest late in sending`,
    );
    console.log(
      `Chorus's post statuses: ${JSON.stringify(statuses)}; load average before ${loadBefore}, after ${loadAfter}`,
    );
    // The PDS's own floor, once Chorus is done: the same records, accounts and schedule without Chorus.
    const floor = pds ? await pdsFloor(pds.pdsUrl, accounts, options.posts, (i) => dueOf(i) - t0, marker) : undefined;
    const floorP99 = floor ? (percentile(floor.lateness, 99) ?? null) : null;
    if (floor) {
      const f = (q: number) => s(percentile(floor.lateness, q) ?? null);
      console.log(
        `PDS floor (a client alone, ${floor.lateness.length}/${options.posts} records, the same schedule and commit batching): ` +
          `p50 ${f(50)} p95 ${f(95)} p99 ${f(99)} max ${f(100)}` +
          (floor.failures.length ? `; ${floor.failures.length} refused (first: ${floor.failures[0]})` : ''),
      );
    }
    const p99Target = Math.max(TARGET_P99_MS, floorP99 ?? 0);
    ok =
      result.published === options.posts &&
      duplicates === 0 &&
      (result.latenessMs.p99 ?? Infinity) <= p99Target &&
      peakMb <= TARGET_RSS_MB;
    console.log(ok ? 'Target met.' : 'Target missed.');
    console.log(
      JSON.stringify({
        machine,
        date: new Date().toISOString(),
        options,
        result: {
          ...result,
          ...(floor ? { floorLatenessMs: { p50: percentile(floor.lateness, 50), p99: floorP99 } } : {}),
        },
      }),
    );
  } finally {
    await runCleanups(cleanups);
    rmSync(path.join(runDir, 'data'), { recursive: true, force: true });
  }
  process.exitCode = ok ? 0 : 1;
}

/** Webhooks: each post's first receipt, and any delivery received twice or under a second webhook-id. */
function webhookFigures(
  receipts: Receipt[],
  dueOf: (i: number) => number,
): { published: number; duplicates: number; lateness: number[] } {
  const first = new Map<number, Receipt>();
  const okIds = new Set<string>();
  let duplicates = 0;
  const idsPerPost = new Map<number, Set<string>>();
  for (const r of receipts) {
    if (okIds.has(r.webhookId)) duplicates++;
    okIds.add(r.webhookId);
    const set = idsPerPost.get(r.index) ?? new Set<string>();
    set.add(r.webhookId);
    idsPerPost.set(r.index, set);
    if (!first.has(r.index)) first.set(r.index, r);
  }
  for (const set of idsPerPost.values()) duplicates += set.size - 1;
  const lateness = [...first.values()].map((r) => r.receivedAt - dueOf(r.index)).sort((a, b) => a - b);
  return { published: first.size, duplicates, lateness };
}

/**
 * Bluesky: the posts in the accounts' repositories (a post there twice is a duplicate), and each
 * post's lateness as Chorus recorded the PDS's answer (its target's `published_at`).
 */
async function blueskyFigures(
  db: ReturnType<typeof createDb>,
  pds: LocalBlueskyProcess,
  accounts: SandboxAccount[],
  marker: string,
  ids: string[],
  dueOf: (i: number) => number,
): Promise<{ published: number; duplicates: number; lateness: number[] }> {
  const indices = await postIndicesOnPds(
    pds,
    accounts.map((a) => a.did),
    (text) => {
      const match = TEXT_PATTERN.exec(text);
      return match && match[1] === marker ? Number(match[2]) : undefined;
    },
  );
  const distinct = new Set(indices);
  const publishedAt = new Map<string, number>();
  const created = ids.filter(Boolean);
  for (let i = 0; i < created.length; i += 5000) {
    const rows = await db
      .selectFrom('post_targets')
      .select(['post_id', 'published_at'])
      .where('post_id', 'in', created.slice(i, i + 5000))
      .where('published_at', 'is not', null)
      .execute();
    for (const r of rows) publishedAt.set(r.post_id, new Date(r.published_at!).getTime());
  }
  const lateness = ids
    .flatMap((id, i) => (id && publishedAt.has(id) ? [publishedAt.get(id)! - dueOf(i)] : []))
    .sort((a, b) => a - b);
  return { published: distinct.size, duplicates: indices.length - distinct.size, lateness };
}

/**
 * The PDS's own floor for the minute: `count` records to the same accounts (record i to account
 * i mod accounts, as post i went), each sent at its offset from a start a few seconds ahead through
 * the same commit batching Chorus's adapter uses (`RepoWriteBatcher`: one commit in flight per
 * account, up to 200 records in it), and nothing else. Lateness: the PDS's answer minus the due time.
 */
async function pdsFloor(
  pdsUrl: string,
  accounts: SandboxAccount[],
  count: number,
  offsetOf: (i: number) => number,
  marker: string,
): Promise<{ lateness: number[]; failures: string[] }> {
  const agents = await Promise.all(
    accounts.map(async (account) => {
      const agent = new AtpAgent({ service: pdsUrl });
      await agent.login({ identifier: account.handle, password: account.appPassword });
      return agent;
    }),
  );
  const batcher = new RepoWriteBatcher();
  const start = Math.ceil((Date.now() + 5_000) / 1000) * 1000;
  const lateness: number[] = [];
  const failures: string[] = [];
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const due = start + offsetOf(i);
      await sleep(Math.max(0, due - Date.now()));
      const agent = agents[i % agents.length]!;
      const did = agent.session!.did;
      try {
        await batcher.create(agent, did, did, POST_COLLECTION, TID.nextStr(), {
          $type: POST_COLLECTION,
          text: `Floor ${marker} record ${i}`,
          createdAt: new Date().toISOString(),
        });
        lateness.push(Date.now() - due);
      } catch (err) {
        failures.push(String(err));
      }
    }),
  );
  return { lateness: lateness.sort((a, b) => a - b), failures };
}

async function postStatuses(db: ReturnType<typeof createDb>, ids: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = await db
      .selectFrom('posts')
      .select(['status'])
      .where('id', 'in', ids.slice(i, i + 5000))
      .execute();
    for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
  }
  return counts;
}

/** When each post was claimed for publishing (its audit entry scheduled → publishing), by post id. */
async function claimedAt(db: ReturnType<typeof createDb>, ids: string[]): Promise<Map<string, number>> {
  const at = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = await db
      .selectFrom('audit_log')
      .select(['subject_id', 'at'])
      .where('subject_type', '=', 'post')
      .where('action', '=', 'post.status_changed')
      .where(sql`after->>'status'`, '=', 'publishing')
      .where('subject_id', 'in', ids.slice(i, i + 5000))
      .execute();
    for (const r of rows) at.set(r.subject_id, new Date(r.at).getTime());
  }
  return at;
}

const s = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(2)} s`);

async function post<T>(base: string, route: string, headers: Record<string, string>, body: unknown): Promise<T> {
  const res = await fetch(`${base}${route}`, { method: 'POST', headers, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${route} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
