import type { AddressInfo } from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { SMTPServer } from 'smtp-server';
import { Webhook } from 'standardwebhooks';
import {
  createWeeklyReportActivities,
  deliverAnalyticsEvents,
  recordCampaignCompletedEvents,
} from '../activities/analytics-reports';
import { metricsWorkflowId, stopMetricsSignal } from '../contracts/analytics';
import { weeklyReportWorkflowId } from '../contracts/analytics-reports';
import { smtpMailer } from '../notifications/mailer';
import { connectMastodon } from './support/channels';
import { useChorus } from './support/chorus';
import { waitFor } from './support/harness';
import { recordHistory } from './support/histories';
import { startMastodonFake, type MastodonFake } from './support/mastodon-fake';
import { createdPost } from './support/posts';
import { startSmtpReceiver, type ReceivedMail } from './support/smtp-receiver';
import type { Delivery } from './support/webhook-receiver';

// Metrics at 14,400 (+1h after a quarter second, +6h at 1.5 s); the weekly report's week at 151,200 (4 s).
const WEEK_MS = (7 * 86_400_000) / 151_200;

let mails: ReceivedMail[] = [];
let smtp: SMTPServer;
const smtpUrl = () => `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
beforeAll(async () => {
  smtp = await startSmtpReceiver((mail) => mails.push(mail));
});

const {
  harness: h,
  hook,
  workspace: ws,
  member,
  call,
} = useChorus({
  workspace: 'Reports',
  members: ['admin', 'analyst', 'editor'],
  hook: true,
  harness: () => ({ smtpUrl: smtpUrl(), metricsTimeScale: 14_400, weeklyReportTimeScale: 151_200 }),
  beforeClose: async (chorus) => {
    const client = chorus.harness().client;
    await client.workflow
      .getHandle(metricsWorkflowId(chorus.workspace().workspaceId))
      .signal(stopMetricsSignal)
      .catch(() => undefined);
    await client.workflow
      .getHandle(weeklyReportWorkflowId(chorus.workspace().workspaceId))
      .terminate('test over')
      .catch(() => undefined);
  },
});

let fake: MastodonFake;
let mastodonId: string;

beforeAll(async () => {
  fake = await startMastodonFake();
  fake.rateLimit = { limit: 100_000, remaining: 100_000, resetAt: new Date(Date.now() + 3600_000) };
  fake.followers = 50;
  mastodonId = (await connectMastodon(h(), ws().token, fake)).id;
  const webhook = await call(ws().token, 'PUT', '/v1/notifications/webhook', {
    url: hook().url,
    secret: hook().secret,
  });
  expect(webhook.statusCode).toBe(204);
});
afterAll(async () => {
  await fake?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

const published = (id: string) =>
  waitFor('the post published', async () => {
    const p = (await call(ws().token, 'GET', `/v1/posts/${id}`)).json();
    if (p.status === 'failed') throw new Error(`the post failed: ${JSON.stringify(p.targets)}`);
    return p.status === 'published' && p;
  });

const deliveriesOf = (type: string) => hook().deliveries.filter((d) => d.payload.type === type);
const data = (d: Delivery) => d.payload.data as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test('post.metrics: each snapshot round sends the target’s counts and deltas, signed, once per snapshot even when the receiver fails', async () => {
  const post = await published(
    (await createdPost(call, ws().token, { text: 'Metrics going out', channelIds: [mastodonId] })).id,
  );
  const target = post.targets[0];
  const ofTarget = (label: string) =>
    deliveriesOf('post.metrics').find((d) => data(d).targetId === target.id && data(d).offsetLabel === label);

  const first = await waitFor('the +1h post.metrics event', async () => ofTarget('+1h'));
  expect(data(first)).toMatchObject({
    workspaceId: ws().workspaceId,
    postId: post.id,
    channelId: mastodonId,
    provider: 'mastodon',
    status: 'ok',
    previous: null,
    deltas: null,
  });
  const before = data(first).counts;
  // The next delivery is refused: the event stays pending and goes again, with the same webhook-id.
  hook().respondNext({ status: 503 });
  Object.assign(fake.status(target.externalId)!, { favourites_count: 9, reblogs_count: 4, replies_count: 1 });
  const sixHours = await waitFor('the +6h post.metrics event', async () => ofTarget('+6h'));
  expect(data(sixHours)).toMatchObject({
    status: 'ok',
    // Mastodon gives no impressions: null, not 0.
    counts: { likes: 9, reposts: 4, replies: 1, quotes: null, engagements: 14, impressions: null },
    previous: { offsetLabel: '+1h', counts: before },
    deltas: {
      likes: 9 - before.likes,
      reposts: 4 - before.reposts,
      replies: 1 - before.replies,
      quotes: null,
      engagements: 14 - before.engagements,
      impressions: null,
    },
  });
  // The receiver verified every signature (the Standard Webhooks scheme of notifications) ...
  expect(hook().rejected).toBe(0);
  expect(() =>
    new Webhook(hook().secret).verify(JSON.stringify(sixHours.payload), {
      'webhook-id': sixHours.id,
      'webhook-timestamp': String(sixHours.timestamp),
      'webhook-signature': 'v1,bm9wZQ==',
    }),
  ).toThrow(); // (and a forged one does not verify)
  // ... and got each event once: as many accepted deliveries as events, each its own webhook-id.
  const events = await h()
    .db.selectFrom('analytics_events')
    .selectAll()
    .where('workspace_id', '=', ws().workspaceId)
    .where('type', '=', 'post.metrics')
    .where('delivered_at', 'is not', null)
    .execute();
  const ids = deliveriesOf('post.metrics').map((d) => d.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const e of events) expect(ids).toContain(`evt_${e.id}`);
  expect(ids.length).toBe(events.length);
  expect(sixHours.id).toMatch(/^evt_\d+$/);
  // Delivering again sends nothing: what was delivered is marked.
  expect(
    await deliverAnalyticsEvents({ db: h().db, adapters: h().adapters, sealer: h().sealer }, ws().workspaceId),
  ).toMatchObject({ failure: null });
  expect(deliveriesOf('post.metrics').length).toBe(ids.length);
}, 60_000);

test('campaign.completed: once, when the campaign has ended and its posts are done, with its totals', async () => {
  const at = (ms: number) => new Date(Date.now() + ms).toISOString();
  const created = await call(ws().token, 'POST', '/v1/campaigns', {
    name: 'Winter sale',
    channelIds: [mastodonId],
    startsAt: at(-60_000),
    endsAt: at(5_000),
  });
  expect(created.statusCode).toBe(201);
  const campaign = created.json();
  expect((await call(ws().token, 'POST', `/v1/campaigns/${campaign.id}/submit`)).statusCode).toBe(200);
  await waitFor(
    'the campaign to be scheduled',
    async () => (await call(ws().token, 'GET', `/v1/campaigns/${campaign.id}`)).json().status === 'scheduled',
  );
  const post = await createdPost(call, ws().token, {
    text: 'Winter sale starts now',
    channelIds: [mastodonId],
    campaignId: campaign.id,
  });
  const done = await published(post.id);
  Object.assign(fake.status(done.targets[0].externalId)!, { favourites_count: 3, reblogs_count: 2, replies_count: 0 });

  await waitFor(
    'the campaign to complete',
    async () => (await call(ws().token, 'GET', `/v1/campaigns/${campaign.id}`)).json().status === 'completed',
  );
  const event = await waitFor('the campaign.completed event', async () =>
    deliveriesOf('campaign.completed').find((d) => data(d).campaignId === campaign.id),
  );
  expect(data(event)).toMatchObject({
    workspaceId: ws().workspaceId,
    name: 'Winter sale',
    posts: { published: 1 },
    totals: { posts: 1, targets: 1 },
    reportUrl: `http://127.0.0.1:3000/campaigns/${campaign.id}`,
  });
  // Its totals are the campaign report's at that moment.
  const report = (await call(ws().token, 'GET', `/v1/analytics/campaigns/${campaign.id}`)).json();
  expect(data(event).totals.posts).toBe(report.totals.posts);
  expect(data(event).channels.map((c: { channelId: string }) => c.channelId)).toEqual([mastodonId]);
  // Later rounds, and asking again, record no second one.
  expect(await recordCampaignCompletedEvents(h().db, ws().workspaceId)).toBe(0);
  await waitFor('another collector round', async () =>
    deliveriesOf('post.metrics').some((d) => d.receivedAt > event.receivedAt),
  );
  expect(deliveriesOf('campaign.completed').filter((d) => data(d).campaignId === campaign.id)).toHaveLength(1);
}, 60_000);

test('the weekly report: settings checked, then one report a week by webhook and email, compared with the week before, across a worker restart', async () => {
  const settings = { enabled: true, weekday: 1, hour: 9, timeZone: 'Europe/Berlin' };
  // Bad input, each naming its field; a read-only role may not change it.
  const badZone = await call(ws().token, 'PUT', '/v1/analytics/weekly-report', {
    ...settings,
    timeZone: 'Mars/Olympus',
  });
  expect(badZone.statusCode).toBe(422);
  expect(badZone.json().errors[0]).toMatchObject({ field: 'body.timeZone', rule: 'iana' });
  const badDay = await call(ws().token, 'PUT', '/v1/analytics/weekly-report', { ...settings, weekday: 8 });
  expect(badDay.statusCode).toBeGreaterThanOrEqual(400);
  expect(badDay.statusCode).toBeLessThan(500);
  expect(JSON.stringify(badDay.json().errors)).toContain('weekday');
  const extra = await call(ws().token, 'PUT', '/v1/analytics/weekly-report', { ...settings, daily: true });
  expect(extra.statusCode).toBeGreaterThanOrEqual(400);
  expect(extra.statusCode).toBeLessThan(500);
  expect((await call(member('analyst').token, 'PUT', '/v1/analytics/weekly-report', settings)).statusCode).toBe(403);
  expect((await call(member('editor').token, 'GET', '/v1/analytics/weekly-report')).json()).toMatchObject({
    enabled: false,
    next: null,
  });

  mails = [];
  // Turned on before the post goes out: the first report is of the week it is turned on in, and a
  // test's week is 4 s, so a post published first could fall in a week already over.
  const on = await call(ws().token, 'PUT', '/v1/analytics/weekly-report', settings);
  expect(on.statusCode).toBe(200);
  expect(on.json()).toMatchObject({ ...settings, next: { periodKey: expect.stringMatching(/^x151200-\d+$/) } });

  const marker = `weekly-${Date.now()}`;
  const post = await published(
    (await createdPost(call, ws().token, { text: `Our best post ${marker}`, channelIds: [mastodonId] })).id,
  );
  Object.assign(fake.status(post.targets[0].externalId)!, { favourites_count: 20, reblogs_count: 5, replies_count: 2 });
  const publishedAt = Date.parse(post.targets[0].publishedAt);

  const reports = () => deliveriesOf('analytics.weekly_report');
  // The week the post went out, then the one after it (which compares itself with it).
  const withPost = await waitFor(
    'the report of the week the post went out',
    async () => reports().find((d) => Date.parse(data(d).from) <= publishedAt && publishedAt < Date.parse(data(d).to)),
    4 * WEEK_MS + 20_000,
  );
  await h().restartWorker();
  const after = await waitFor(
    'the report of the week after',
    async () => reports().find((d) => data(d).from === data(withPost).to),
    4 * WEEK_MS + 20_000,
  );

  const week = data(withPost);
  expect(week.thisWeek.publishing.posts).toBeGreaterThanOrEqual(1);
  expect(week.topPosts.map((p: { text: string }) => p.text)).toContain(`Our best post ${marker}`);
  expect(week.dashboardUrl).toMatch(/^http:\/\/127\.0\.0\.1:3000\/analytics\?from=/);
  expect(week.audience.map((c: { channelId: string }) => c.channelId)).toContain(mastodonId);
  expect(week.summary).toContain(`Our best post ${marker}`);
  expect(week.summary).toContain('Engagement rate');
  expect(week.summary).toContain('Listening');
  expect(week.summary).toContain('First responses later than the SLA');
  expect(data(after).compared.posts).toMatchObject({
    previous: week.thisWeek.publishing.posts,
    current: data(after).thisWeek.publishing.posts,
  });
  expect(data(after).compared.engagements.previous).toBe(week.thisWeek.publishing.engagements);

  // Once per week: every report a week of its own, each delivered once, and one record per week.
  const keys = reports().map((d) => data(d).periodKey);
  expect(new Set(keys).size).toBe(keys.length);
  expect(new Set(reports().map((d) => d.id)).size).toBe(keys.length);
  const rows = await h()
    .db.selectFrom('notifications')
    .select(['key', 'emailed_at', 'delivered_at'])
    .where('workspace_id', '=', ws().workspaceId)
    .where('kind', '=', 'analytics.weekly_report')
    .execute();
  expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);

  // A replayed or retried send of a week already sent sends nothing again.
  const activities = createWeeklyReportActivities({
    db: h().db,
    adapters: h().adapters,
    sealer: h().sealer,
    mailer: smtpMailer(smtpUrl(), 'Chorus <chorus@example.test>'),
    weeklyReportTimeScale: 151_200,
  });
  const count = reports().length;
  await new MockActivityEnvironment().run(activities.sendWeeklyReport, {
    workspaceId: ws().workspaceId,
    periodKey: week.periodKey,
    periodStart: week.from,
    periodEnd: week.to,
    timeZone: week.timeZone,
  });
  expect(reports().length).toBe(count);

  // By email to the owner and the admin (not the analyst or the editor), once per week.
  const emailOf = async (userId: string) =>
    (await h().db.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirstOrThrow()).email;
  const [owner, admin, analyst] = await Promise.all([
    emailOf(ws().userId),
    emailOf(member('admin').userId),
    emailOf(member('analyst').userId),
  ]);
  // The body is quoted-printable: soft line breaks and =XX escapes undone.
  const body = (m: ReceivedMail) =>
    m.raw
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_all, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  const weeklyMails = await waitFor('the report emails', async () => {
    const found = mails.filter((m) => body(m).includes(`Our best post ${marker}`));
    return found.length > 0 && found;
  });
  expect(weeklyMails).toHaveLength(1);
  expect(weeklyMails[0]!.to.sort()).toEqual([owner, admin].sort());
  expect(weeklyMails[0]!.to).not.toContain(analyst);
  expect(weeklyMails[0]!.raw).toMatch(/Subject: Your week on Chorus: Reports/);
  expect(body(weeklyMails[0]!)).toContain('The dashboard: http://127.0.0.1:3000/analytics?from=');

  // Off: the workflow ends, and no report follows.
  const off = await call(ws().token, 'PUT', '/v1/analytics/weekly-report', { ...settings, enabled: false });
  expect(off.json()).toMatchObject({ enabled: false, next: null });
  const handle = h().client.workflow.getHandle(weeklyReportWorkflowId(ws().workspaceId));
  const result = await handle.result();
  expect(result.sent).toBeGreaterThanOrEqual(2);
  await recordHistory(h().client, weeklyReportWorkflowId(ws().workspaceId), 'weekly-report');
}, 120_000);

test('the export: every dataset in keyset pages, as JSON, NDJSON and CSV, for a read-only token; bad input names the field', async () => {
  // A read-only caller: an analyst's token limited to the `read` scope.
  const minted = await call(member('analyst').token, 'POST', '/v1/tokens', { name: 'BI', scopes: ['read'] });
  expect(minted.statusCode).toBe(201);
  const bi = minted.json().token as string;
  const link = await call(ws().token, 'POST', '/v1/analytics/short-links', {
    url: 'https://shop.example/?utm_source=x',
  });
  const code = link.json().code;
  const visit = await h().app.inject({
    method: 'GET',
    url: `/l/${code}`,
    headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' },
  });
  expect(visit.statusCode).toBe(302);

  const all = async (dataset: string, limit: number) => {
    const rows: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await call(
        bi,
        'GET',
        `/v1/analytics/export/${dataset}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.data.length).toBeLessThanOrEqual(limit);
      rows.push(...body.data);
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    return { rows, pages };
  };

  const snapshots = await all('snapshots', 2);
  const inDb = await h()
    .db.selectFrom('metric_snapshots')
    .select('id')
    .where('workspace_id', '=', ws().workspaceId)
    .execute();
  expect(snapshots.rows.map((r) => r.snapshotId).sort()).toEqual(inDb.map((r) => r.id).sort());
  expect(snapshots.pages).toBeGreaterThan(1);

  const posts = await all('posts', 1);
  expect(posts.rows.length).toBeGreaterThanOrEqual(3);
  expect(new Set(posts.rows.map((r) => r.targetId)).size).toBe(posts.rows.length);
  expect(posts.rows.find((r) => r.likes === 20)).toMatchObject({ reposts: 5, replies: 2, engagements: 27 });

  const campaigns = await all('campaigns', 1);
  expect(campaigns.rows).toEqual([expect.objectContaining({ name: 'Winter sale', status: 'completed', posts: 1 })]);
  const audience = await all('audience', 1);
  expect(audience.rows.length).toBeGreaterThan(0);
  expect(audience.rows[0]).toMatchObject({ channelId: mastodonId, followers: 50 });
  const clicks = await all('clicks', 10);
  expect(clicks.rows).toEqual([expect.objectContaining({ code, counted: true, excluded: null })]);

  // NDJSON and CSV: the same rows; the next page's cursor in a header.
  const ndjson = await call(bi, 'GET', '/v1/analytics/export/snapshots?format=ndjson&limit=2');
  expect(ndjson.headers['content-type']).toMatch(/^application\/x-ndjson/);
  const lines = ndjson.body
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines.map((l) => l.snapshotId)).toEqual(snapshots.rows.slice(0, 2).map((r) => r.snapshotId));
  const next = ndjson.headers['chorus-next-cursor'] as string;
  expect(ndjson.headers.link).toContain('rel="next"');
  const page2 = (await call(bi, 'GET', `/v1/analytics/export/snapshots?limit=2&cursor=${next}`)).json();
  expect(page2.data[0].snapshotId).toBe(snapshots.rows[2]!.snapshotId);
  const csv = await call(bi, 'GET', '/v1/analytics/export/posts?format=csv');
  expect(csv.headers['content-type']).toMatch(/^text\/csv/);
  const [header, ...csvRows] = csv.body.trim().split('\r\n');
  expect(header!.split(',')).toEqual(expect.arrayContaining(['targetId', 'postId', 'likes', 'engagementRate']));
  expect(csvRows).toHaveLength(posts.rows.length);

  // Bad input: 4xx naming the field.
  const field = async (url: string, status = 400) => {
    const res = await call(bi, 'GET', url);
    expect(res.statusCode).toBe(status);
    return (res.json().errors ?? []).map((e: { field: string }) => e.field);
  };
  expect(await field('/v1/analytics/export/tweets')).toEqual(
    expect.arrayContaining([expect.stringContaining('dataset')]),
  );
  expect(await field('/v1/analytics/export/posts?from=2026-11-20T00:00:00Z&to=2026-11-10T00:00:00Z')).toContain(
    'querystring.to',
  );
  expect(await field('/v1/analytics/export/posts?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z')).toContain(
    'querystring.to',
  );
  expect(await field('/v1/analytics/export/posts?cursor=not-a-cursor')).toContain('querystring.cursor');
  // A cursor of another dataset is no cursor here.
  expect(await field(`/v1/analytics/export/posts?cursor=${next}`)).toContain('querystring.cursor');
  expect(await field('/v1/analytics/export/posts?limit=0')).toEqual(
    expect.arrayContaining([expect.stringContaining('limit')]),
  );
  expect(await field('/v1/analytics/export/posts?sql=drop')).toEqual(
    expect.arrayContaining([expect.stringContaining('sql')]),
  );
  // Read-only: the same token may not write.
  expect(
    (await call(bi, 'PUT', '/v1/analytics/weekly-report', { enabled: true, weekday: 1, hour: 9, timeZone: 'UTC' }))
      .statusCode,
  ).toBe(403);
  // Another workspace sees none of these rows.
  const other = await call(undefined, 'GET', '/v1/analytics/export/posts');
  expect(other.statusCode).toBe(401);
}, 60_000);
