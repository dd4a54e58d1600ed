import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { MockActivityEnvironment } from '@temporalio/testing';
import { sql } from 'kysely';
import { createMetricsActivities } from '../activities/metrics';
import { createChannelAdapters } from '../channels/registry';
import { loadConfig } from '../config';
import { OFFSET_LABELS, type MetricsRound } from '../contracts/analytics';
import { AuditKey, withAuditKey } from '../db/audit';
import { insertChannel } from '../db/channels';
import { createDb, type Db } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { generateKey, Sealer } from '../db/sealing';
import { createWorkspaceWithOwner } from '../db/workspaces';
import {
  bestTimes,
  campaignReport,
  channelReport,
  compareCampaigns,
  overview,
  postReport,
  type ReportRange,
} from '../services/analytics';
import { startBlueskyAppviewFake } from '../test/support/bluesky-appview-fake';
import { startMastodonFake, type MastodonFake } from '../test/support/mastodon-fake';
import { createBenchDatabase, machineDescription, percentile, runCleanups, type Cleanup } from './support';

/**
 * Analytics at scale (issue 15):
 *
 *   npm run bench:metrics                                   # 10,000 posts, 1,000,000 snapshots
 *   npm run bench:metrics -- --latency 150                  # each network answer 150 ms late
 *   npm run bench:metrics -- --posts 2000 --snapshots 100000 --runs 10   # a quick check
 *   npm run bench:metrics -- --reports-only                 # part 2 alone
 *
 * 1. The collector: `--posts` published posts over `--channels` channels (half Bluesky, half
 *    Mastodon, `--mastodon` to change), every one due for its +1h snapshot at once (the worst case:
 *    a burst published together). The real collector activity (activities/metrics.ts
 *    collectMetricsRound, run as Temporal runs it, on real PostgreSQL) reads them through the real
 *    adapters from local fakes that follow the networks' documents and count every call:
 *    test/support/bluesky-appview-fake.ts (getPosts, 25 URIs a call) and
 *    test/support/mastodon-fake.ts (GET /api/v1/statuses?id[]=, 20 a call). The followers reads
 *    (daily, not per snapshot round) are taken before, so the round measured is the snapshots'.
 *    Figures: network calls and time for the whole round (all posts read; the activity reads at
 *    most 5,000 targets a run, so 10,000 take two runs), and the table's growth per 10,000 snapshots.
 *    Targets: ≤ 450 calls and ≤ 60 s.
 * 2. The reports: `--snapshots` snapshots (6 a post, over a year of posts on the same 10 channels,
 *    100 campaigns of 100 posts, a followers read a day) in another workspace; each report
 *    (post, channel over 30 days, campaign, 5 campaigns compared, overview of 30 days, best times
 *    over 180 days) run `--runs` times on random ids through services/analytics.ts. Target: p95 ≤ 200 ms.
 *
 * Why fakes for the networks: 10,000 posts on the local PDS take minutes to write and to index in
 * the local appview on a 2-core machine (bench/publish-burst: 2.2–3.5 s per 1,000 records for the
 * PDS alone), and their time would be the appview's, not Chorus's; the calls Chorus makes are the
 * same against the fake, which refuses what the real API refuses (more than 25 URIs, more than 20 ids).
 * `--latency` adds a network's round trip to every answer. The last line of output is a JSON summary.
 */
const TARGET_CALLS = 450;
const TARGET_ROUND_MS = 60_000;
const TARGET_REPORT_P95_MS = 200;

function options() {
  const { values } = parseArgs({
    options: {
      posts: { type: 'string', default: '10000' },
      channels: { type: 'string', default: '10' },
      mastodon: { type: 'string' },
      snapshots: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '40' },
      latency: { type: 'string', default: '0' },
      'reports-only': { type: 'boolean', default: false },
    },
  });
  const n = (name: keyof typeof values, min = 1) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
    return value;
  };
  const channels = n('channels');
  return {
    posts: n('posts'),
    channels,
    mastodon: values.mastodon === undefined ? Math.floor(channels / 2) : n('mastodon', 0),
    snapshots: n('snapshots', 0),
    runs: n('runs'),
    latencyMs: n('latency', 0),
    reportsOnly: values['reports-only'] === true,
  };
}

const HOUR = 3_600_000;

async function tableBytes(db: Db, table: string): Promise<number> {
  const { rows } = await sql<{ bytes: string }>`select pg_total_relation_size(${table}::regclass) as bytes`.execute(db);
  return Number(rows[0]!.bytes);
}

/** Published posts with one target each, straight into the tables (as publishing leaves them). */
async function seedPosts(
  db: Db,
  input: {
    workspaceId: string;
    authorId: string;
    channelIds: string[];
    count: number;
    externalId: (channelIndex: number, n: number) => string;
    publishedAt: (i: number) => Date;
    campaignOf?: (i: number) => string | null;
  },
) {
  const batch = 2000;
  for (let start = 0; start < input.count; start += batch) {
    const rows = Array.from({ length: Math.min(batch, input.count - start) }, (_, k) => {
      const i = start + k;
      const channel = i % input.channelIds.length;
      return {
        i,
        channelId: input.channelIds[channel]!,
        externalId: input.externalId(channel, Math.floor(i / input.channelIds.length)),
        publishedAt: input.publishedAt(i),
        campaignId: input.campaignOf?.(i) ?? null,
      };
    });
    await sql`
      with r as (
        select * from unnest(
          ${sql.val(rows.map(() => randomUUID()))}::uuid[],
          ${sql.val(rows.map((r) => r.channelId))}::uuid[], ${sql.val(rows.map((r) => r.externalId))}::text[],
          ${sql.val(rows.map((r) => r.publishedAt.toISOString()))}::timestamptz[],
          ${sql.val(rows.map((r) => r.campaignId))}::uuid[]
        ) as x(id, channel_id, external_id, published_at, campaign_id)
      ), p as (
        insert into posts (id, workspace_id, author_id, text, publish_at, status, workflow_id, campaign_id)
        select id, ${input.workspaceId}, ${input.authorId}, 'Bench post', published_at, 'published', 'bench/' || id,
          campaign_id
        from r
      )
      insert into post_targets (post_id, channel_id, text, status, idempotency_key, external_id, published_at)
      select id, channel_id, 'Bench post', 'published', id::text, external_id, published_at from r`.execute(db);
  }
}

async function collectorBench(
  db: Db,
  opts: ReturnType<typeof options>,
  cleanups: Cleanup[],
): Promise<Record<string, unknown>> {
  const sealer = new Sealer(generateKey());
  const owner = await createWorkspaceWithOwner(db, { name: 'Metrics load', ownerEmail: 'bench@chorus.example' });
  const bluesky = await startBlueskyAppviewFake();
  cleanups.push({ what: 'Bluesky appview fake', run: () => bluesky.close() });
  const mastodons: MastodonFake[] = [];
  const channelIds: string[] = [];
  const blueskyCount = opts.channels - opts.mastodon;
  for (let c = 0; c < opts.channels; c++) {
    const isBluesky = c < blueskyCount;
    let credentials: object;
    if (isBluesky) credentials = { service: bluesky.url, identifier: `bench${c}.test`, password: 'app-password' };
    else {
      const fake = await startMastodonFake();
      cleanups.push({ what: `Mastodon fake ${c}`, run: () => fake.close() });
      fake.rateLimit = { limit: 1e9, remaining: 1e9, resetAt: new Date(Date.now() + 3600_000) };
      mastodons.push(fake);
      credentials = { instance: fake.url, accessToken: fake.token };
    }
    const channel = await insertChannel(db, {
      workspaceId: owner.workspaceId,
      actorId: owner.userId,
      provider: isBluesky ? 'bluesky' : 'mastodon',
      name: `Channel ${c}`,
      accountRef: `bench${c}`,
      credentialsSealed: sealer.seal(credentials),
    });
    channelIds.push(channel.id);
  }
  // The posts on the networks, each with counts.
  const perChannel = Math.ceil(opts.posts / opts.channels);
  const statusIds: string[][] = mastodons.map((fake) =>
    Array.from({ length: perChannel }, (_, n) => {
      const status = fake.post({ text: `Bench ${n}`, acct: 'chorus' });
      Object.assign(status, { favourites_count: n % 7, reblogs_count: n % 3, replies_count: n % 2 });
      return status.id;
    }),
  );
  const uri = (c: number, n: number) => `at://did:plc:bench${String(c).padStart(19, '0')}/app.bsky.feed.post/3k${n}`;
  for (let c = 0; c < blueskyCount; c++)
    for (let n = 0; n < perChannel; n++)
      bluesky.posts.set(uri(c, n), { likes: n % 7, reposts: n % 3, replies: 1, quotes: 0 });
  const published = new Date(Date.now() - HOUR - 60_000);
  await seedPosts(db, {
    workspaceId: owner.workspaceId,
    authorId: owner.userId,
    channelIds,
    count: opts.posts,
    externalId: (c, n) => (c < blueskyCount ? uri(c, n) : statusIds[c - blueskyCount]![n]!),
    publishedAt: (i) => new Date(published.getTime() + (i % 1000)), // all within a second
  });

  const adapters = createChannelAdapters({ linkCards: false });
  const activities = createMetricsActivities({
    db,
    adapters,
    sealer,
    temporal: undefined as never,
    taskQueue: 'bench',
  });
  const run = () =>
    new MockActivityEnvironment().run(activities.collectMetricsRound, {
      workspaceId: owner.workspaceId,
    }) as Promise<MetricsRound>;
  const networkCalls = () =>
    [...bluesky.calls.values()].reduce((a, b) => a + b, 0) + mastodons.reduce((a, f) => a + f.requests.length, 0);
  // The daily followers reads first, as a running worker would have taken them (signing in to each
  // Bluesky account, a session it keeps): the round measured is the snapshots'.
  const signIns = networkCalls();
  for (const [c, channelId] of channelIds.entries()) {
    const credentials = sealer.open(
      (
        await db
          .selectFrom('channels')
          .select('credentials_sealed')
          .where('id', '=', channelId)
          .executeTakeFirstOrThrow()
      ).credentials_sealed,
    );
    const followers = await adapters[c < blueskyCount ? 'bluesky' : 'mastodon'].readFollowers!(credentials);
    await db
      .insertInto('audience_snapshots')
      .values({ workspace_id: owner.workspaceId, channel_id: channelId, taken_at: new Date(), followers })
      .execute();
  }
  const followersCalls = networkCalls() - signIns;
  const mastodonKind = (path: string) => `mastodon ${path.split('?')[0]!.replace(/\/\d+(?=\/|$)/g, '/:id')}`;
  const callsByKind = () => {
    const kinds = new Map(bluesky.calls);
    for (const r of mastodons.flatMap((f) => f.requests))
      kinds.set(mastodonKind(r.path), (kinds.get(mastodonKind(r.path)) ?? 0) + 1);
    return kinds;
  };
  const kindsBefore = callsByKind();

  bluesky.latencyMs = opts.latencyMs;
  mastodons.forEach((f) => (f.latencyMs = opts.latencyMs));
  const before = await tableBytes(db, 'metric_snapshots');
  const callsBefore = networkCalls();
  const rounds: MetricsRound[] = [];
  const load = os.loadavg()[0]!;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (;;) {
    const round = await run();
    rounds.push(round);
    if (round.ok + round.missing + round.deleted === 0 || round.wakeInMs > 0) break;
  }
  const roundMs = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  const calls = networkCalls() - callsBefore;
  const snapshots = rounds.reduce((a, r) => a + r.ok + r.missing + r.deleted, 0);
  await sql`vacuum analyze metric_snapshots`.execute(db);
  const growth = (await tableBytes(db, 'metric_snapshots')) - before;
  const failures = rounds.flatMap((r) => r.failures);
  return {
    posts: opts.posts,
    channels: { bluesky: blueskyCount, mastodon: opts.mastodon },
    latencyMs: opts.latencyMs,
    activityRuns: rounds.length,
    snapshots,
    ok: rounds.reduce((a, r) => a + r.ok, 0),
    failures,
    calls,
    callsByKind: Object.fromEntries(
      [...callsByKind()].map(([kind, n]) => [kind, n - (kindsBefore.get(kind) ?? 0)]).filter(([, n]) => n !== 0),
    ),
    followersReadsBefore: followersCalls,
    roundSeconds: Math.round(roundMs) / 1000,
    // This process's CPU (Chorus's activity, the adapters and the fakes), and the machine's load
    // when the round started: the machine is shared, and its load stretches the wall-clock time.
    processCpuSeconds: Math.round((user + system) / 1000) / 1000,
    loadAverage1m: Math.round(load * 10) / 10,
    bytesPer10000Snapshots: snapshots > 0 ? Math.round((growth / snapshots) * 10_000) : null,
    targets: {
      calls: { target: TARGET_CALLS, met: calls <= TARGET_CALLS },
      round: { targetSeconds: TARGET_ROUND_MS / 1000, met: roundMs <= TARGET_ROUND_MS },
      allRead: snapshots === opts.posts && failures.length === 0,
    },
  };
}

async function reportsBench(db: Db, opts: ReturnType<typeof options>): Promise<Record<string, unknown>> {
  const owner = await createWorkspaceWithOwner(db, { name: 'Reports load', ownerEmail: 'reports@chorus.example' });
  const sealer = new Sealer(generateKey());
  const channelIds: string[] = [];
  for (let c = 0; c < 10; c++)
    channelIds.push(
      (
        await insertChannel(db, {
          workspaceId: owner.workspaceId,
          actorId: owner.userId,
          provider: c < 5 ? 'bluesky' : 'mastodon',
          name: `Reports ${c}`,
          accountRef: `reports${c}`,
          credentialsSealed: sealer.seal({}),
        })
      ).id,
    );
  const posts = Math.ceil(opts.snapshots / OFFSET_LABELS.length);
  const campaigns: string[] = [];
  for (let k = 0; k < 100; k++) {
    const row = await db
      .insertInto('campaigns')
      .values({
        workspace_id: owner.workspaceId,
        name: `Campaign ${k}`,
        objective: null,
        starts_at: new Date(Date.now() - 400 * 24 * HOUR),
        ends_at: new Date(Date.now() + 24 * HOUR),
        channel_ids: channelIds,
        owner_id: owner.userId,
        utm: null,
        status: 'live',
        workflow_id: `bench-campaign/${k}/${owner.workspaceId}`,
        updated_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    campaigns.push(row.id);
  }
  const now = Date.now();
  const yearMs = 365 * 24 * HOUR;
  const t0 = performance.now();
  // A year of posts, newest first; the first 10,000 in 100 campaigns of 100.
  await seedPosts(db, {
    workspaceId: owner.workspaceId,
    authorId: owner.userId,
    channelIds,
    count: posts,
    externalId: (c, n) => `bench-${c}-${n}`,
    publishedAt: (i) => new Date(now - Math.round((i / posts) * yearMs) - HOUR),
    campaignOf: (i) => (i < 10_000 ? campaigns[Math.floor(i / 100)]! : null),
  });
  // The followers reads first, as they come (a day's read before that day's snapshots): the
  // snapshots' trigger settles each target's followers at publishing (migration 0037).
  await sql`
    insert into audience_snapshots (workspace_id, channel_id, taken_at, followers)
    select ${owner.workspaceId}, c, now() - d * interval '1 day', 10000 - d
    from unnest(${sql.val(channelIds)}::uuid[]) c cross join generate_series(0, 400) d`.execute(db);
  await sql`
    insert into metric_snapshots (workspace_id, target_id, offset_label, taken_at, status, likes, reposts, replies, quotes)
    select ${owner.workspaceId}, t.id, o.label, t.published_at + o.after * interval '1 millisecond', 'ok',
      (random() * 50)::int, (random() * 10)::int, (random() * 5)::int, 0
    from post_targets t join posts p on p.id = t.post_id
    cross join unnest(${sql.val([...OFFSET_LABELS])}::text[], ${sql.val([HOUR, 6 * HOUR, 24 * HOUR, 72 * HOUR, 168 * HOUR, 720 * HOUR])}::bigint[]) as o(label, after)
    where p.workspace_id = ${owner.workspaceId}`.execute(db);
  await sql`analyze`.execute(db);
  const seedSeconds = Math.round(performance.now() - t0) / 1000;
  const [{ count }] = (
    await sql<{
      count: number;
    }>`select count(*)::int as count from metric_snapshots where workspace_id = ${owner.workspaceId}`.execute(db)
  ).rows as [{ count: number }];

  const postIds = (
    await db.selectFrom('posts').select('id').where('workspace_id', '=', owner.workspaceId).limit(20_000).execute()
  ).map((r) => r.id);
  const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;
  const lastDays = (days: number): ReportRange => ({
    from: new Date(now - days * 24 * HOUR),
    to: new Date(now),
    timeZone: 'Europe/Paris',
  });
  const ws = owner.workspaceId;
  const reports: Record<string, () => Promise<unknown>> = {
    post: () => postReport(db, ws, pick(postIds)),
    channel30d: () => channelReport(db, ws, pick(channelIds), lastDays(30)),
    campaign: () => campaignReport(db, ws, pick(campaigns)),
    compare5: () =>
      compareCampaigns(
        db,
        ws,
        [0, 1, 2, 3, 4].map((k) => campaigns[(k * 17 + Math.floor(Math.random() * 100)) % 100]!),
      ),
    overview30d: () => overview(db, ws, lastDays(30)),
    bestTimes180d: () => bestTimes(db, ws, pick(channelIds), lastDays(180)),
  };
  const loadBefore = os.loadavg()[0]!;
  const all: number[] = [];
  const byReport: Record<string, { p50: number; p95: number; max: number }> = {};
  for (const [name, report] of Object.entries(reports)) {
    await report(); // warm
    const times: number[] = [];
    for (let r = 0; r < opts.runs; r++) {
      const start = performance.now();
      await report();
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    all.push(...times);
    const ms = (v: number | undefined) => Math.round((v ?? 0) * 10) / 10;
    byReport[name] = {
      p50: ms(percentile(times, 50)),
      p95: ms(percentile(times, 95)),
      max: ms(times[times.length - 1]),
    };
  }
  all.sort((a, b) => a - b);
  const p95 = Math.round(percentile(all, 95)! * 10) / 10;
  return {
    snapshots: count,
    posts,
    seedSeconds,
    runsPerReport: opts.runs,
    // The machine's 1-minute load when the timed runs started and ended (it is shared).
    loadAverage1m: [loadBefore, os.loadavg()[0]!].map((l) => Math.round(l * 10) / 10),
    byReport,
    p95,
    target: { p95Ms: TARGET_REPORT_P95_MS, met: Object.values(byReport).every((r) => r.p95 <= TARGET_REPORT_P95_MS) },
  };
}

async function main() {
  const opts = options();
  const cleanups: Cleanup[] = [];
  try {
    const config = loadConfig({
      LOG_LEVEL: 'warn',
      ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    });
    const databaseUrl = await createBenchDatabase(config, cleanups);
    const pool = createDb(databaseUrl, 4);
    cleanups.push({ what: 'database pool', run: () => pool.destroy() });
    await migrateToLatest(pool);
    const db = withAuditKey(pool, AuditKey.derive(generateKey()));
    let collector: Record<string, unknown> | null = null;
    if (!opts.reportsOnly) {
      console.log(`Collector: ${opts.posts} posts over ${opts.channels} channels (${opts.mastodon} Mastodon)…`);
      collector = await collectorBench(db, opts, cleanups);
      console.log(JSON.stringify(collector, null, 2));
    }
    let reports: Record<string, unknown> | null = null;
    if (opts.snapshots > 0) {
      console.log(`Reports over ${opts.snapshots} snapshots: seeding…`);
      reports = await reportsBench(db, opts);
      console.log(JSON.stringify(reports, null, 2));
    }
    const summary = { machine: machineDescription(), date: new Date().toISOString(), collector, reports };
    console.log(JSON.stringify(summary));
    const targets = collector?.targets as
      { calls: { met: boolean }; round: { met: boolean }; allRead: boolean } | undefined;
    const met =
      (!targets || (targets.calls.met && targets.round.met && targets.allRead)) &&
      (!reports || (reports.target as { met: boolean }).met);
    process.exitCode = met ? 0 : 1;
  } finally {
    await runCleanups(cleanups);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
