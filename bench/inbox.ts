import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { insertChannel } from '../db/channels';
import { generateKey } from '../db/sealing';
import { createWorkspaceWithOwner } from '../db/workspaces';
import { createDeps } from '../deps/create-deps';
import { conversationWorkflowId, inboxWorkflowId } from '../contracts/inbox';
import { startInboxReader } from '../services/inbox-store';
import { ensureSearchAttributes } from '../temporal/connection';
import { startMastodonFake, type FakeStatus, type MastodonFake } from '../test/support/mastodon-fake';
import {
  chorusProcessEnv,
  createBenchDatabase,
  machineDescription,
  memoryOf,
  percentile,
  runCleanups,
  startChorusProcess,
  startTemporal,
  type Cleanup,
} from './support';

/**
 * The inbox's inbound read under load:
 *
 *   npm run bench:inbox                              # 10,000 items over 20 channels
 *   npm run bench:inbox -- --items 2000 --rate 200   # a quick check
 *
 * 20 Mastodon channels, each on a Mastodon fake of its own (test/support/mastodon-fake.ts, the
 * documented notifications and conversations API; its rate limit lifted), read by Chorus's
 * `inbox/<channelId>` workflows in a worker process of its own (`workers/main.ts`, as in
 * production; this process is the networks and the observer), polling every
 * CHORUS_INBOX_POLL_SECONDS (default here 1 s). Items are written on the fakes at `--rate` per
 * second, spread over the channels: mentions that start a thread, replies in an earlier thread
 * (the read fetches each one's context), direct messages. Figures: items stored per second (from
 * the first item written to the last stored), and the time from an item existing on its network to
 * its conversation holding it where the inbox API reads it (a probe of the database every 100 ms;
 * counted when first seen), p50 and p99; the worker's peak RSS. Target: p99 ≤ 5 s. Exits 0 only
 * when every item is stored once and the target is met (the worker's log is kept otherwise). The
 * last line of output is a JSON summary.
 *
 * `--sla on` (the default) gives the workspace SLA targets, so every conversation's workflow has
 * work and is started (through the relay of queued signals, beside the reads); `--sla off` leaves
 * none, and no conversation needs its workflow. Where the time goes is printed too, from the
 * reads' workflow histories: each item's wait for the next read of its channel to start, and the
 * time from that start to the item shown; reads' durations, their activities' schedule-to-start,
 * and the gap from one read's end to the next's start (the poll interval and Temporal's latency);
 * when the relay had sent every queued signal; and, for comparison, the schedule-to-start of the
 * conversation workflows' activities (a sample), which share the deployment's task queue while
 * the reads have theirs (`inbox-reads/<taskQueue>`).
 */
const TARGET_P99_MS = 5_000;

function options() {
  const { values } = parseArgs({
    options: {
      items: { type: 'string', default: '10000' },
      channels: { type: 'string', default: '20' },
      rate: { type: 'string', default: '500' },
      poll: { type: 'string', default: '1' },
      timeout: { type: 'string', default: '300' },
      sla: { type: 'string', default: 'on' },
    },
  });
  if (values.sla !== 'on' && values.sla !== 'off') throw new Error('--sla must be on or off');
  const n = (name: keyof typeof values) => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
    return value;
  };
  return {
    items: n('items'),
    channels: n('channels'),
    rate: n('rate'),
    pollSeconds: n('poll'),
    timeoutS: n('timeout'),
    slaTargets: values.sla === 'on',
  };
}

async function main() {
  const opts = options();
  const cleanups: Cleanup[] = [];
  try {
    const config = loadConfig({
      LOG_LEVEL: 'warn',
      CHORUS_INBOX_POLL_SECONDS: String(opts.pollSeconds),
      ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
      ...(process.env.TEMPORAL_ADDRESS ? { TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS } : {}),
    });
    const [target, databaseUrl] = await Promise.all([
      startTemporal(config, cleanups),
      createBenchDatabase(config, cleanups),
    ]);
    const taskQueue = `bench-${randomUUID()}`;
    const encryptionKey = generateKey();
    // Migrates the fresh database before the worker starts.
    const deps = await createDeps(
      { ...config, DATABASE_URL: databaseUrl, CHORUS_TASK_QUEUE: taskQueue },
      { temporalAddress: target.address, sealerKey: encryptionKey },
    );
    cleanups.push({ what: 'database pool and Temporal connections', run: () => deps.close() });
    await ensureSearchAttributes(deps.temporal, target.namespace);
    const runDir = mkdtempSync(path.join(os.tmpdir(), 'chorus-inbox-'));
    // The worker's log is kept when the bench fails.
    cleanups.push({
      what: 'run folder',
      run: async () => {
        if (process.exitCode === 0) rmSync(runDir, { recursive: true, force: true });
        else console.log(`The worker's log: ${path.join(runDir, 'worker.log')}`);
      },
    });
    const worker = await startChorusProcess({
      kind: 'worker',
      label: 'worker',
      logDir: runDir,
      env: chorusProcessEnv({
        databaseUrl,
        temporal: target,
        taskQueue,
        encryptionKey,
        more: {
          CHORUS_INBOX_POLL_SECONDS: String(opts.pollSeconds),
          CHORUS_DATA_DIR: path.join(runDir, 'data'),
          LOG_LEVEL: 'warn',
        },
      }),
    });
    cleanups.push({ what: 'worker', run: () => worker.stop() });

    // --- One workspace, one Mastodon channel per fake instance, each read by its workflow.
    const owner = await createWorkspaceWithOwner(deps.db, { name: 'Inbox load', ownerEmail: 'bench@chorus.example' });
    if (opts.slaTargets)
      await deps.db
        .insertInto('inbox_sla_targets')
        .values(
          (['low', 'normal', 'high', 'urgent'] as const).map((priority) => ({
            workspace_id: owner.workspaceId,
            priority,
            first_response_minutes: 60,
            resolution_minutes: 24 * 60,
            remind_before_minutes: 10,
          })),
        )
        .execute();
    const fakes: MastodonFake[] = [];
    const channelIds: string[] = [];
    for (let i = 0; i < opts.channels; i++) {
      const fake = await startMastodonFake();
      cleanups.push({ what: `Mastodon fake ${i}`, run: () => fake.close() });
      // The fake's budget is Mastodon's default (300 per 5 min); a bench measures Chorus, not the limit.
      fake.rateLimit = { limit: 1e9, remaining: 1e9, resetAt: new Date(Date.now() + 3600_000) };
      fakes.push(fake);
      const channel = await insertChannel(deps.db, {
        workspaceId: owner.workspaceId,
        actorId: owner.userId,
        provider: 'mastodon',
        name: `Mastodon ${i}`,
        accountRef: `chorus@fake-${i}`,
        credentialsSealed: deps.sealer.seal({ instance: fake.url, accessToken: fake.token }),
      });
      channelIds.push(channel.id);
      await startInboxReader(deps, { id: channel.id, workspaceId: owner.workspaceId, provider: 'mastodon' });
    }
    // Every read has run once (nothing there yet: positions start empty), so the load is read as it comes.
    await new Promise((resolve) => setTimeout(resolve, opts.pollSeconds * 1000 + 1000));

    // --- The probe: every 100 ms, the messages stored since the last look. Ids are taken in insert
    // order but committed in any order (twenty reads store at once): each look goes back a window.
    const written = new Map<string, number>(); // `${channel}/${status id}` → when it existed on its network
    const seen = new Map<string, number>();
    let lastId = '0';
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const rows = await deps.db
          .selectFrom('inbox_messages as m')
          .innerJoin('inbox_conversations as c', 'c.id', 'm.conversation_id')
          .select(['m.id', 'm.channel_id', 'm.external_id'])
          .where('c.workspace_id', '=', owner.workspaceId)
          .where('m.id', '>', String(Math.max(0, Number(lastId) - 5000)))
          .orderBy('m.id')
          .execute();
        const now = Date.now();
        for (const row of rows) {
          const key = `${row.channel_id}/${row.external_id}`;
          if (!seen.has(key)) seen.set(key, now);
          if (Number(row.id) > Number(lastId)) lastId = row.id;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    // --- The load: mentions (new threads), replies in earlier threads, direct messages.
    const threads: FakeStatus[][] = fakes.map(() => []);
    const directs: FakeStatus[][] = fakes.map(() => []);
    const startedAt = Date.now();
    for (let i = 0; i < opts.items; i++) {
      const due = startedAt + (i / opts.rate) * 1000;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const c = i % opts.channels;
      const fake = fakes[c]!;
      const kind = i % 10;
      let status: FakeStatus;
      if (kind < 6 || threads[c]!.length === 0) {
        status = fake.post({ text: `@chorus question ${i}: is the order shipped?`, acct: `customer${i % 300}` });
        threads[c]!.push(status);
      } else if (kind < 9) {
        const parent = threads[c]![Math.floor(Math.random() * threads[c]!.length)]!;
        status = fake.post({
          text: `@chorus following up on ${i}, thanks!`,
          acct: `customer${i % 300}`,
          inReplyTo: parent,
        });
      } else {
        const earlier = directs[c]!.length > 0 && Math.random() < 0.3 ? directs[c]![directs[c]!.length - 1] : undefined;
        status = fake.post({
          text: `@chorus private ${i}`,
          acct: `customer${i % 300}`,
          visibility: 'direct',
          ...(earlier ? { inReplyTo: earlier } : {}),
        });
        directs[c]!.push(status);
      }
      written.set(`${channelIds[c]}/${status.id}`, Date.now());
    }
    const writtenAt = Date.now();
    console.log(`Wrote ${opts.items} items in ${((writtenAt - startedAt) / 1000).toFixed(1)} s`);

    const deadline = Date.now() + opts.timeoutS * 1000;
    while ([...written.keys()].some((k) => !seen.has(k)) && Date.now() < deadline) {
      if (worker.hasExited()) throw new Error(`The worker exited; see ${worker.logFile}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    probing = false;
    await probe;
    const workerPeakMb = memoryOf(worker.pid)?.peakMb;
    const lastStoredAt = Math.max(...seen.values());

    // --- The relay: when every queued conversation signal had been sent (null: not within the timeout).
    let signalsLeft = 0;
    for (;;) {
      const left = await deps.db
        .selectFrom('inbox_conversation_signals')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      signalsLeft = Number(left.n);
      if (signalsLeft === 0 || Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const signalsSentAt = signalsLeft === 0 ? Date.now() : null;
    const breakdown = await whereTheTimeGoes(deps.temporal, channelIds, written, seen);
    const conversationIds = (
      await deps.db
        .selectFrom('inbox_conversations')
        .select('id')
        .where('workspace_id', '=', owner.workspaceId)
        .orderBy('id')
        .execute()
    ).map((c) => c.id);
    const conversationQueue = await conversationActivitiesToStart(deps.temporal, conversationIds);

    const latencies = [...written].filter(([k]) => seen.has(k)).map(([k, at]) => seen.get(k)! - at);
    latencies.sort((a, b) => a - b);
    const counts = await deps.db
      .selectFrom('inbox_messages')
      .select((eb) => [
        eb.fn.countAll<string>().as('messages'),
        eb.fn.count<string>('conversation_id').distinct().as('conversations'),
      ])
      .where('workspace_id', '=', owner.workspaceId)
      .executeTakeFirstOrThrow();
    const figures = {
      machine: machineDescription(),
      items: opts.items,
      channels: opts.channels,
      source: 'Mastodon fake (one per channel)',
      writeRatePerSecond: opts.rate,
      pollSeconds: opts.pollSeconds,
      stored: Number(counts.messages),
      conversations: Number(counts.conversations),
      missing: opts.items - latencies.length,
      storedPerSecond: Math.round((latencies.length / ((lastStoredAt - startedAt) / 1000)) * 10) / 10,
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      latencyMaxMs: latencies[latencies.length - 1],
      slaTargets: opts.slaTargets,
      signalsSentMsAfterLastStored: signalsSentAt === null ? null : signalsSentAt - lastStoredAt,
      signalsLeftAtTimeout: signalsLeft,
      workerPeakRssMb: workerPeakMb === undefined ? undefined : Math.round(workerPeakMb),
      ...breakdown,
      ...conversationQueue,
    };
    console.log(
      `${figures.stored} of ${opts.items} items stored (${figures.conversations} conversations) over ${opts.channels} channels: ` +
        `${figures.storedPerSecond} stored/s; from existing on the network to its conversation holding it ` +
        `p50 ${figures.latencyP50Ms} ms, p99 ${figures.latencyP99Ms} ms (target ≤ ${TARGET_P99_MS} ms), max ${figures.latencyMaxMs} ms`,
    );
    console.log(
      (breakdown.waitForReadP50Ms === undefined
        ? ''
        : `Waiting for the next read of the channel p50 ${breakdown.waitForReadP50Ms} ms, p99 ${breakdown.waitForReadP99Ms} ms; ` +
          `from the read's start to shown p50 ${breakdown.readToShownP50Ms} ms, p99 ${breakdown.readToShownP99Ms} ms. `) +
        `Reads: ${breakdown.reads}, lasting p50 ${breakdown.readP50Ms} ms, p99 ${breakdown.readP99Ms} ms; ` +
        `schedule-to-start p99 ${breakdown.scheduleToStartP99Ms} ms; from one read's end to the next's start ` +
        `p50 ${breakdown.gapP50Ms} ms, p99 ${breakdown.gapP99Ms} ms (poll ${opts.pollSeconds * 1000} ms). ` +
        (conversationQueue.conversationActivities === 0
          ? ''
          : `Meanwhile on the deployment's task queue, conversation workflows' activities (${conversationQueue.conversationActivities} ` +
            `in ${conversationQueue.conversationsSampled} sampled workflows): schedule-to-start p50 ` +
            `${conversationQueue.conversationScheduleToStartP50Ms} ms, p99 ${conversationQueue.conversationScheduleToStartP99Ms} ms. `) +
        (figures.signalsSentMsAfterLastStored === null
          ? `${signalsLeft} conversation signals still queued at the timeout.`
          : `Every conversation signal sent ${figures.signalsSentMsAfterLastStored} ms after the last item was stored.`),
    );
    console.log(JSON.stringify(figures));
    process.exitCode =
      figures.missing === 0 && figures.stored === opts.items && (figures.latencyP99Ms ?? Infinity) <= TARGET_P99_MS
        ? 0
        : 1;
  } finally {
    await runCleanups(cleanups);
  }
}

/**
 * Where an item's time went, from the reads' workflow histories (every run of each channel's
 * `inbox/<channelId>`): waiting for the next read of its channel to start, then that read until
 * the item showed; and the reads themselves.
 */
async function whereTheTimeGoes(
  temporal: Client,
  channelIds: string[],
  written: Map<string, number>,
  seen: Map<string, number>,
) {
  const T = proto.api.enums.v1.EventType;
  const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
    Number(t?.seconds ?? 0) * 1000 + Math.round((t?.nanos ?? 0) / 1e6);
  const reads: { channelId: string; scheduled: number; started: number; ended?: number }[] = [];
  for (const channelId of channelIds) {
    for await (const run of temporal.workflow.list({ query: `WorkflowId = '${inboxWorkflowId(channelId)}'` })) {
      const history = await temporal.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
      const byId = new Map<string, (typeof reads)[number]>();
      for (const event of history.events ?? []) {
        const at = ms(event.eventTime);
        if (event.eventType === T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
          byId.set(String(event.eventId), { channelId, scheduled: at, started: NaN });
        else if (event.eventType === T.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
          const read = byId.get(String(event.activityTaskStartedEventAttributes?.scheduledEventId));
          if (read) read.started = at;
        } else if (event.eventType === T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
          const read = byId.get(String(event.activityTaskCompletedEventAttributes?.scheduledEventId));
          if (read) read.ended = at;
        }
      }
      reads.push(...byId.values());
    }
  }
  const starts = new Map<string, number[]>();
  for (const r of reads)
    if (!Number.isNaN(r.started)) starts.set(r.channelId, [...(starts.get(r.channelId) ?? []), r.started]);
  for (const list of starts.values()) list.sort((a, b) => a - b);
  const waits: number[] = [];
  const inRead: number[] = [];
  for (const [key, at] of written) {
    const shown = seen.get(key);
    if (shown === undefined) continue;
    // The first read (activity) of the channel that started after the item existed; none when the item
    // arrived during a read that goes on reading (it is read by that one's next pass).
    const start = (starts.get(key.split('/')[0]!) ?? []).find((s) => s >= at);
    if (start === undefined || start > shown) continue;
    waits.push(start - at);
    inRead.push(shown - start);
  }
  const ended = reads.filter((r) => r.ended !== undefined);
  const gaps: number[] = [];
  for (const channelId of channelIds) {
    const mine = reads.filter((r) => r.channelId === channelId).sort((a, b) => a.scheduled - b.scheduled);
    for (let i = 1; i < mine.length; i++)
      if (mine[i - 1]!.ended !== undefined && !Number.isNaN(mine[i]!.started))
        gaps.push(mine[i]!.started - mine[i - 1]!.ended!);
  }
  const sorted = (a: number[]) => a.sort((x, y) => x - y);
  const durations = sorted(ended.map((r) => r.ended! - r.started));
  const toStart = sorted(reads.filter((r) => !Number.isNaN(r.started)).map((r) => r.started - r.scheduled));
  sorted(waits);
  sorted(inRead);
  sorted(gaps);
  return {
    reads: ended.length,
    readP50Ms: percentile(durations, 50),
    readP99Ms: percentile(durations, 99),
    readMaxMs: durations.at(-1),
    scheduleToStartP99Ms: percentile(toStart, 99),
    gapP50Ms: percentile(gaps, 50),
    gapP99Ms: percentile(gaps, 99),
    gapMaxMs: gaps.at(-1),
    waitForReadP50Ms: percentile(waits, 50),
    waitForReadP99Ms: percentile(waits, 99),
    readToShownP50Ms: percentile(inRead, 50),
    readToShownP99Ms: percentile(inRead, 99),
  };
}

/**
 * The schedule-to-start of the conversation workflows' activities (`loadConversation`,
 * `assignConversation`, ...), which run on the deployment's task queue while the reads run on
 * theirs: from the histories of up to `SAMPLE` conversation workflows spread over the run (those
 * never started have none).
 */
async function conversationActivitiesToStart(temporal: Client, conversationIds: string[]) {
  const SAMPLE = 100;
  const T = proto.api.enums.v1.EventType;
  const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
    Number(t?.seconds ?? 0) * 1000 + Math.round((t?.nanos ?? 0) / 1e6);
  const step = Math.max(1, Math.floor(conversationIds.length / SAMPLE));
  const toStart: number[] = [];
  let sampled = 0;
  for (let i = 0; i < conversationIds.length && sampled < SAMPLE; i += step) {
    const history = await temporal.workflow
      .getHandle(conversationWorkflowId(conversationIds[i]!))
      .fetchHistory()
      .catch(() => undefined);
    if (!history) continue;
    sampled++;
    const scheduled = new Map<string, number>();
    for (const event of history.events ?? []) {
      if (event.eventType === T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        scheduled.set(String(event.eventId), ms(event.eventTime));
      else if (event.eventType === T.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
        const at = scheduled.get(String(event.activityTaskStartedEventAttributes?.scheduledEventId));
        if (at !== undefined) toStart.push(ms(event.eventTime) - at);
      }
    }
  }
  toStart.sort((a, b) => a - b);
  return {
    conversationsSampled: sampled,
    conversationActivities: toStart.length,
    conversationScheduleToStartP50Ms: percentile(toStart, 50),
    conversationScheduleToStartP99Ms: percentile(toStart, 99),
  };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
