import { metricsWorkflowId, OFFSET_LABELS, stopMetricsSignal, type MetricsRound } from '../contracts/analytics';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createMetricsActivities, scaledOffsets } from '../activities/metrics';
import { dueSnapshots } from '../db/metrics';
import { AtpAgent } from '@atproto/api';
import { connectBluesky, connectChannel, connectMastodon } from './support/channels';
import { useChorus } from './support/chorus';
import { createWorkspace, waitFor } from './support/harness';
import { startMastodonFake, type MastodonFake } from './support/mastodon-fake';
import { recordHistory } from './support/histories';
import { createdPost } from './support/posts';

// 14,400: the collector's +1h comes a quarter second after publishing, +6h at 1.5 s, +24h at 6 s; its
// daily followers read every 6 s.
const {
  harness: h,
  pds,
  workspace: ws,
  call,
} = useChorus({
  workspace: 'Analytics',
  pds: { appview: true },
  harness: { metricsTimeScale: 14_400 },
  beforeClose: async (chorus) => {
    await chorus
      .harness()
      .client.workflow.getHandle(metricsWorkflowId(chorus.workspace().workspaceId))
      .signal(stopMetricsSignal)
      .catch(() => undefined);
  },
});

let fake: MastodonFake;
let mastodonId: string;

beforeAll(async () => {
  fake = await startMastodonFake();
  // The inbox reads every connected channel twice a second here: a budget they cannot spend.
  fake.rateLimit = { limit: 100_000, remaining: 100_000, resetAt: new Date(Date.now() + 3600_000) };
  fake.followers = 40;
  mastodonId = (await connectMastodon(h(), ws().token, fake)).id;
});
afterAll(async () => {
  await fake?.close();
});

let last: string | undefined;
const published = (id: string) =>
  waitFor(
    'the post published',
    async () => {
      const p = (await call(ws().token, 'GET', `/v1/posts/${id}`)).json();
      if (p.status === 'failed') throw new Error(`the post failed: ${JSON.stringify(p.targets)}`);
      last = p.status;
      return p.status === 'published' && p;
    },
    30_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message} (last status ${last})`);
  });

const snapshots = (targetId: string) =>
  h().db.selectFrom('metric_snapshots').selectAll().where('target_id', '=', targetId).orderBy('taken_at').execute();

test('Mastodon: favourites, boosts and replies read per snapshot; a deleted status is marked deleted, not zero', async () => {
  const post = await published(
    (await createdPost(call, ws().token, { text: 'Counting on Mastodon', channelIds: [mastodonId] })).id,
  );
  const target = post.targets[0];
  const first = await waitFor('the +1h snapshot', async () => (await snapshots(target.id))[0]);
  expect(first).toMatchObject({ offset_label: '+1h', status: 'ok', likes: 0, reposts: 0, replies: 0, quotes: null });
  Object.assign(fake.status(target.externalId)!, { favourites_count: 7, reblogs_count: 3, replies_count: 2 });
  const sixHours = await waitFor('the +6h snapshot', async () =>
    (await snapshots(target.id)).find((s) => s.offset_label === '+6h'),
  );
  expect(sixHours).toMatchObject({ status: 'ok', likes: 7, reposts: 3, replies: 2, quotes: null, impressions: null });
  const audience = await h()
    .db.selectFrom('audience_snapshots')
    .selectAll()
    .where('channel_id', '=', mastodonId)
    .execute();
  expect(audience[0]?.followers).toBe(40);

  // Deleted on the instance (by its author, outside Chorus): the next snapshot says so, with no
  // counts, and the later offsets are not read any more.
  const deleted = await fetch(`${fake.url}/api/v1/statuses/${target.externalId}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${fake.token}` },
  });
  expect(deleted.status).toBe(200);
  const marked = await waitFor('the deleted snapshot', async () =>
    (await snapshots(target.id)).find((s) => s.status === 'deleted'),
  );
  expect(marked).toMatchObject({ likes: null, reposts: null, replies: null, quotes: null });
  const later = await dueSnapshots(h().db, {
    workspaceId: ws().workspaceId,
    offsets: scaledOffsets(14_400),
    now: new Date(Date.now() + 86_400_000),
    limit: 100,
  });
  expect(later.flatMap((c) => c.targets).map((t) => t.targetId)).not.toContain(target.id);
});

test('Bluesky: likes and reposts by two other accounts appear after the next snapshot; a deleted post is marked deleted', async () => {
  const [brand, fan1, fan2] = await Promise.all(['brand', 'fan1', 'fan2'].map((n) => pds().createAccount(n)));
  const agentOf = async (account: { handle: string; password: string }) => {
    const agent = new AtpAgent({ service: pds().pdsUrl });
    await agent.login({ identifier: account.handle, password: account.password });
    return agent;
  };
  const [brandAgent, fan1Agent, fan2Agent] = await Promise.all([agentOf(brand!), agentOf(fan1!), agentOf(fan2!)]);
  await fan1Agent.follow(brand!.did);
  await pds().processAll();
  const channelId = (await connectBluesky(h(), ws().token, pds(), brand!)).id;

  const post = await published(
    (await createdPost(call, ws().token, { text: 'Counting on Bluesky', channelIds: [channelId] })).id,
  );
  const target = post.targets[0];
  const uri = target.externalId as string;
  const rkey = uri.split('/').pop()!;
  const { cid } = (
    await brandAgent.com.atproto.repo.getRecord({ repo: brand!.did, collection: 'app.bsky.feed.post', rkey })
  ).data;
  for (const fan of [fan1Agent, fan2Agent]) {
    await fan.like(uri, cid!);
    await fan.repost(uri, cid!);
  }
  await pds().processAll();
  const engagedAt = new Date();
  const counted = await waitFor('a snapshot with the likes and reposts', async () =>
    (await snapshots(target.id)).find((s) => s.taken_at > engagedAt),
  );
  expect(counted).toMatchObject({ status: 'ok', likes: 2, reposts: 2, replies: 0, quotes: 0, impressions: null });
  const report = (await call(ws().token, 'GET', `/v1/analytics/posts/${post.id}`)).json();
  expect(report.targets[0]).toMatchObject({ likes: 2, reposts: 2, engagements: 4, followersAtPublish: 1 });
  expect(report.targets[0].engagementRate).toBe(4);

  await brandAgent.com.atproto.repo.deleteRecord({ repo: brand!.did, collection: 'app.bsky.feed.post', rkey });
  await pds().processAll();
  const marked = await waitFor('the deleted snapshot', async () =>
    (await snapshots(target.id)).find((s) => s.status === 'deleted'),
  );
  expect(marked).toMatchObject({ likes: null, reposts: null, replies: null, quotes: null });
  const after = (await call(ws().token, 'GET', `/v1/analytics/posts/${post.id}`)).json();
  // Deleted, and the counts it had before are kept.
  expect(after.targets[0]).toMatchObject({ status: 'deleted', likes: 2, reposts: 2 });
});

describe('reports', () => {
  let campaigns: { a: string; b: string };
  let posts: { a1: Target; a2: Target; b1: Target };
  interface Target {
    postId: string;
    targetId: string;
    externalId: string;
  }

  /** A campaign on the Mastodon channel, submitted (no approval policy: it is scheduled at once). */
  const campaign = async (name: string) => {
    const created = await call(ws().token, 'POST', '/v1/campaigns', {
      name,
      channelIds: [mastodonId],
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 3600_000).toISOString(),
      utm: { medium: 'social' },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    await call(ws().token, 'POST', `/v1/campaigns/${id}/submit`);
    await waitFor('the campaign under way', async () =>
      ['scheduled', 'live'].includes((await call(ws().token, 'GET', `/v1/campaigns/${id}`)).json().status),
    );
    return id;
  };
  const publishIn = async (campaignId: string, text: string): Promise<Target> => {
    const post = await published(
      (await createdPost(call, ws().token, { text, channelIds: [mastodonId], campaignId })).id,
    );
    return { postId: post.id, targetId: post.targets[0].id, externalId: post.targets[0].externalId };
  };
  /** Sets a status's counts on the instance, then waits for a snapshot that has read them. */
  const engage = async (
    t: Target,
    counts: { favourites_count: number; reblogs_count: number; replies_count: number },
  ) => {
    Object.assign(fake.status(t.externalId)!, counts);
    const setAt = new Date();
    await waitFor('a snapshot with the new counts', async () =>
      (await snapshots(t.targetId)).find((s) => s.taken_at > setAt && s.likes === counts.favourites_count),
    );
  };

  beforeAll(async () => {
    campaigns = { a: await campaign('Spring'), b: await campaign('Summer') };
    const [a1, a2, b1] = await Promise.all([
      publishIn(campaigns.a, 'Spring is here'),
      publishIn(campaigns.a, 'Spring, again'),
      publishIn(campaigns.b, 'Summer is here'),
    ]);
    posts = { a1: a1!, a2: a2!, b1: b1! };
    await Promise.all([
      engage(posts.a1, { favourites_count: 5, reblogs_count: 1, replies_count: 0 }),
      engage(posts.a2, { favourites_count: 3, reblogs_count: 0, replies_count: 2 }),
      engage(posts.b1, { favourites_count: 10, reblogs_count: 0, replies_count: 0 }),
    ]);
  });

  test("a campaign report's totals are the sum of its posts, per channel and per post; its CSV has a row per post", async () => {
    const res = await call(ws().token, 'GET', `/v1/analytics/campaigns/${campaigns.a}`);
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report.posts).toHaveLength(2);
    const sum = (key: string) => report.posts.reduce((acc: number, p: Record<string, number>) => acc + p[key]!, 0);
    for (const key of ['likes', 'reposts', 'replies', 'quotes', 'engagements', 'clicks', 'targets'])
      expect(report.totals[key]).toBe(sum(key));
    expect(report.totals).toMatchObject({ posts: 2, likes: 8, reposts: 1, replies: 2, engagements: 11 });
    expect(report.totals.followersAtPublish).toBe(80);
    expect(report.totals.engagementRate).toBeCloseTo(11 / 80);
    expect(report.channels).toEqual([expect.objectContaining({ channelId: mastodonId, engagements: 11 })]);
    expect(report.overTime.byOffset.map((o: { offsetLabel: string }) => o.offsetLabel)).toContain('+1h');

    const csv = await call(ws().token, 'GET', `/v1/analytics/campaigns/${campaigns.a}?format=csv`);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('engagements');
  });

  test('two campaigns compared side by side, per post and per follower', async () => {
    const res = await call(ws().token, 'GET', `/v1/analytics/campaigns/compare?ids=${campaigns.a}&ids=${campaigns.b}`);
    expect(res.statusCode).toBe(200);
    const [a, b] = res.json().campaigns;
    expect(a).toMatchObject({
      campaignId: campaigns.a,
      name: 'Spring',
      posts: 2,
      engagements: 11,
      engagementsPerPost: 5.5,
    });
    expect(b).toMatchObject({
      campaignId: campaigns.b,
      name: 'Summer',
      posts: 1,
      engagements: 10,
      engagementsPerPost: 10,
    });
    expect(a.engagementsPerFollower).toBeCloseTo(11 / 80);
    expect(b.engagementsPerFollower).toBeCloseTo(10 / 40);
  });

  test("a post's report has each snapshot; a channel's its posts, days and followers", async () => {
    const post = (await call(ws().token, 'GET', `/v1/analytics/posts/${posts.b1.postId}`)).json();
    expect(post.targets[0]).toMatchObject({ likes: 10, engagements: 10, followersAtPublish: 40, engagementRate: 0.25 });
    expect(post.targets[0].snapshots[0]).toMatchObject({ offsetLabel: '+1h', status: 'ok' });
    const channel = (
      await call(ws().token, 'GET', `/v1/analytics/channels/${mastodonId}?timeZone=Europe/Berlin`)
    ).json();
    expect(channel.targets.map((t: { postId: string }) => t.postId)).toEqual(
      expect.arrayContaining([posts.a1.postId, posts.a2.postId, posts.b1.postId]),
    );
    expect(channel.audience[0]).toMatchObject({ followers: 40, change: null });
    const audience = (await call(ws().token, 'GET', `/v1/analytics/audience?channelId=${mastodonId}&format=csv`)).body;
    expect(audience.split('\r\n')[0]).toBe('channelId,channelName,day,followers,change');
  });

  test('the overview puts publishing, audience, listening and inbox figures of a range side by side', async () => {
    const res = await call(ws().token, 'GET', '/v1/analytics/overview');
    expect(res.statusCode).toBe(200);
    const figures = res.json();
    expect(figures.publishing.posts).toBeGreaterThanOrEqual(3);
    expect(figures.publishing.engagements).toBeGreaterThanOrEqual(21);
    expect(figures.audience.followers).toBeGreaterThanOrEqual(40);
    expect(figures.listening).toEqual({ mentions: 0, leads: 0, bySentiment: {} });
    expect(figures.inbox).toMatchObject({ conversations: expect.any(Number), firstResponseBreached: 0 });
    const csv = (await call(ws().token, 'GET', '/v1/analytics/overview?format=csv')).body.split('\r\n');
    expect(csv[0]).toContain('publishing.engagements');
    expect(csv[0]).toContain('inbox.medianFirstResponseMinutes');
    expect(csv.filter(Boolean)).toHaveLength(2);
  });

  test('bad ranges, time zones and ids are refused naming the field', async () => {
    const errorsOf = async (url: string, status: number) => {
      const res = await call(ws().token, 'GET', url);
      expect(res.statusCode).toBe(status);
      return res.json().errors;
    };
    const channel = `/v1/analytics/channels/${mastodonId}`;
    expect(await errorsOf(`${channel}?from=2026-03-01T00:00:00Z&to=2026-02-01T00:00:00Z`, 400)).toEqual([
      expect.objectContaining({ field: 'querystring.to', rule: 'after_from' }),
    ]);
    expect(await errorsOf(`${channel}?from=2024-01-01T00:00:00Z&to=2026-02-01T00:00:00Z`, 400)).toEqual([
      expect.objectContaining({
        field: 'querystring.to',
        rule: 'max_range',
        message: expect.stringContaining('366 days'),
      }),
    ]);
    expect(await errorsOf(`${channel}?timeZone=Mars/Olympus`, 400)).toEqual([
      expect.objectContaining({ field: 'querystring.timeZone', rule: 'iana' }),
    ]);
    expect(await errorsOf(`/v1/analytics/campaigns/${mastodonId}`, 404)).toEqual([
      expect.objectContaining({ field: 'params.id', rule: 'exists' }),
    ]);
    expect(await errorsOf(`/v1/analytics/campaigns/compare?ids=${campaigns.a}&ids=${mastodonId}`, 404)).toEqual([
      expect.objectContaining({ field: 'querystring.ids.1', rule: 'exists' }),
    ]);
    expect(await errorsOf(`/v1/analytics/posts/${posts.a1.postId}?extra=1`, 400)).toEqual([
      expect.objectContaining({ field: 'querystring.extra', rule: 'unknown_key' }),
    ]);
    // Another workspace's post is not found, as an unknown one is.
    const other = await createWorkspace(h(), 'Other');
    const foreign = await call(other.token, 'GET', `/v1/analytics/posts/${posts.a1.postId}`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().errors).toEqual([expect.objectContaining({ field: 'params.id' })]);
  });

  test('short links: the redirect keeps the UTM; clicks are counted once per visitor, bots left out', async () => {
    const target = 'https://shop.example/spring?utm_source=mastodon&utm_medium=social&utm_campaign=Spring#top';
    const created = await call(ws().token, 'POST', '/v1/analytics/short-links', {
      url: target,
      postId: posts.a1.postId,
      channelId: mastodonId,
    });
    expect(created.statusCode).toBe(201);
    const link = created.json();
    expect(link).toMatchObject({ campaignId: campaigns.a, shortUrl: `/l/${link.code}` });
    const click = (agent: string, ip = '203.0.113.7') =>
      h().app.inject({ method: 'GET', url: link.shortUrl, headers: { 'user-agent': agent }, remoteAddress: ip });
    const browser = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
    const first = await click(browser);
    expect(first.statusCode).toBe(302);
    expect(first.headers.location).toBe(target);
    await click(browser); // the same visitor again, within the window
    await click('Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)');
    await click('http.rb/5.1.1 (Mastodon/4.3.0; +https://mastodon.example/)');
    await click(browser, '198.51.100.9');
    const probe = await h().app.inject({ method: 'HEAD', url: link.shortUrl, headers: { 'user-agent': browser } });
    expect(probe.headers.location).toBe(target);
    expect((await h().app.inject({ method: 'GET', url: '/l/nosuchcode' })).statusCode).toBe(404);

    const links = (await call(ws().token, 'GET', `/v1/analytics/short-links?postId=${posts.a1.postId}`)).json().links;
    expect(links).toEqual([expect.objectContaining({ code: link.code, clicks: 2 })]);
    const stored = await h()
      .db.selectFrom('short_link_clicks')
      .select('excluded')
      .where('code', '=', link.code)
      .execute();
    expect(stored.map((c) => c.excluded ?? 'counted').sort()).toEqual(['bot', 'bot', 'counted', 'counted', 'repeat']);
    const post = (await call(ws().token, 'GET', `/v1/analytics/posts/${posts.a1.postId}`)).json();
    expect(post.targets[0].clicks).toBe(2);
    const report = (await call(ws().token, 'GET', `/v1/analytics/campaigns/${campaigns.a}`)).json();
    expect(report.totals.clicks).toBe(2);
  });
});

test("a rate limit stops that channel's reads for the delay its instance gives; the other channels' go on", async () => {
  // A workspace of its own with no collector running: the round is run here, as the collector would.
  const other = await createWorkspace(h(), 'Rate limits');
  const limited = await startMastodonFake();
  try {
    const connect = (instance: MastodonFake, name: string) =>
      connectChannel(h(), other.token, {
        provider: 'mastodon',
        name,
        credentials: { instance: instance.url, accessToken: instance.token },
      });
    const [open, throttled] = [await connect(fake, 'Open'), await connect(limited, 'Throttled')];
    const publishedAt = new Date(Date.now() - 2 * 3600_000);
    const seedTarget = async (channelId: string, externalId: string) => {
      const post = await h()
        .db.insertInto('posts')
        .values({
          workspace_id: other.workspaceId,
          author_id: other.userId,
          text: 'Seeded',
          publish_at: publishedAt,
          status: 'published',
          workflow_id: `seeded-${externalId}-${channelId}`,
          campaign_id: null,
          updated_at: publishedAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return (
        await h()
          .db.insertInto('post_targets')
          .values({
            post_id: post.id,
            channel_id: channelId,
            text: 'Seeded',
            status: 'published',
            last_error: null,
            idempotency_key: `seeded-${post.id}`,
            external_id: externalId,
            external_url: null,
            published_at: publishedAt,
            updated_at: publishedAt,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    };
    const openStatus = fake.post({ text: 'Open', acct: 'chorus' });
    openStatus.favourites_count = 3;
    const limitedStatus = limited.post({ text: 'Throttled', acct: 'chorus' });
    const [openTarget, limitedTarget] = [
      await seedTarget(open.id, openStatus.id),
      await seedTarget(throttled.id, limitedStatus.id),
    ];
    // The instance's budget is spent for the next two seconds (every caller gets its 429 until then).
    const resetAt = new Date(Date.now() + 2000);
    limited.rateLimit = { ...limited.rateLimit, remaining: 0, resetAt };

    const activities = createMetricsActivities({
      db: h().db,
      adapters: h().adapters,
      sealer: h().sealer,
      temporal: h().client,
      taskQueue: h().taskQueue,
    });
    const round = (await new MockActivityEnvironment().run(activities.collectMetricsRound, {
      workspaceId: other.workspaceId,
      timeScale: 1,
    })) as MetricsRound;
    expect(round.failures).toEqual([expect.objectContaining({ channelId: throttled.id, kind: 'rate_limited' })]);
    expect(round.wakeInMs).toBeLessThanOrEqual(2000);
    expect(await snapshots(openTarget)).toEqual([expect.objectContaining({ offset_label: '+1h', likes: 3 })]);
    expect(await snapshots(limitedTarget)).toEqual([]);

    // Once the window has reset, the next round reads it.
    // (The fake moves its own resetAt on once a request comes after it: the inbox's reads do.)
    await waitFor('the rate-limit window to reset', async () => Date.now() > resetAt.getTime());
    const next = (await new MockActivityEnvironment().run(activities.collectMetricsRound, {
      workspaceId: other.workspaceId,
      timeScale: 1,
    })) as MetricsRound;
    expect(next.failures).toEqual([]);
    expect(await snapshots(limitedTarget)).toEqual([expect.objectContaining({ offset_label: '+1h', status: 'ok' })]);
  } finally {
    await limited.close();
  }
});

describe('best time to post', () => {
  let channelId: string;
  const ZONE = 'America/New_York';

  /** Published posts on the channel at these local times (weeks back), each with its counts at every offset. */
  const seed = async (at: { weekday: number; hour: number; engagements: number }[], weeksBack: number) => {
    for (const [i, slot] of at.entries()) {
      // Local wall time in New York: a known Monday (2026-10-05, EDT, UTC-4) plus days and hours.
      const monday = Date.UTC(2026, 9, 5, 4) - weeksBack * 7 * 86_400_000 - (i % 3) * 7 * 86_400_000;
      const publishedAt = new Date(monday + (slot.weekday - 1) * 86_400_000 + slot.hour * 3600_000);
      const post = await h()
        .db.insertInto('posts')
        .values({
          workspace_id: ws().workspaceId,
          author_id: ws().userId,
          text: `History ${i}`,
          publish_at: publishedAt,
          status: 'published',
          workflow_id: `seeded-${publishedAt.getTime()}-${i}`,
          campaign_id: null,
          updated_at: publishedAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const target = await h()
        .db.insertInto('post_targets')
        .values({
          post_id: post.id,
          channel_id: channelId,
          text: `History ${i}`,
          status: 'published',
          last_error: null,
          idempotency_key: `seeded-${post.id}`,
          external_id: `seeded-${post.id}`,
          external_url: null,
          published_at: publishedAt,
          updated_at: publishedAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await h()
        .db.insertInto('metric_snapshots')
        .values(
          OFFSET_LABELS.map((label) => ({
            workspace_id: ws().workspaceId,
            target_id: target.id,
            offset_label: label,
            taken_at: publishedAt,
            status: 'ok' as const,
            likes: slot.engagements,
            reposts: 0,
            replies: 0,
            quotes: null,
          })),
        )
        .execute();
    }
  };

  beforeAll(async () => {
    channelId = (
      await connectChannel(h(), ws().token, {
        provider: 'mastodon',
        name: 'History',
        credentials: { instance: fake.url, accessToken: fake.token },
      })
    ).id;
    await call(ws().token, 'PUT', `/v1/channels/${channelId}/slots`, { timezone: ZONE, slots: [] });
    await h()
      .db.insertInto('audience_snapshots')
      .values({
        workspace_id: ws().workspaceId,
        channel_id: channelId,
        taken_at: '2026-01-01T00:00:00Z',
        followers: 100,
      })
      .execute();
  });

  const bestOf = async () => {
    const res = await call(
      ws().token,
      'GET',
      `/v1/analytics/channels/${channelId}/best-times?from=2026-01-02T00:00:00Z&to=2026-11-01T00:00:00Z`,
    );
    expect(res.statusCode).toBe(200);
    return res.json();
  };

  test("from seeded history, the best slot in the channel's time zone; thin data flagged, then not", async () => {
    await seed(
      [
        ...Array.from({ length: 4 }, () => ({ weekday: 2, hour: 9, engagements: 10 })),
        ...Array.from({ length: 4 }, () => ({ weekday: 4, hour: 18, engagements: 2 })),
        // The best rate, but too few posts to rank.
        ...Array.from({ length: 2 }, () => ({ weekday: 6, hour: 7, engagements: 50 })),
      ],
      4,
    );
    const thin = await bestOf();
    expect(thin).toMatchObject({ timeZone: ZONE, sample: 10, confidence: 'thin' });
    expect(thin.note).toMatch(/Thin data: 10 posts/);
    expect(thin.slots[0]).toMatchObject({ day: 6, hour: 7, posts: 2 });
    expect(thin.suggestions[0]).toMatchObject({ day: 2, time: '09:00', posts: 4, engagementRate: 0.1 });
    expect(thin.suggestions[1]).toMatchObject({ day: 4, time: '18:00' });

    await seed(
      Array.from({ length: 12 }, () => ({ weekday: 2, hour: 9, engagements: 10 })),
      12,
    );
    const enough = await bestOf();
    expect(enough).toMatchObject({ sample: 22, confidence: 'enough', note: null });
    expect(enough.suggestions[0]).toMatchObject({ day: 2, time: '09:00', posts: 16 });

    const csv = await call(
      ws().token,
      'GET',
      `/v1/analytics/channels/${channelId}/best-times?from=2026-01-02T00:00:00Z&to=2026-11-01T00:00:00Z&format=csv`,
    );
    expect(csv.body.split('\r\n')[0]).toBe('day,hour,posts,engagementRate');
  });

  test('the suggestions become queue slots in one call; a channel without any is refused', async () => {
    const accepted = await call(ws().token, 'POST', `/v1/analytics/channels/${channelId}/best-times/accept`, {});
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().slots).toEqual(
      expect.arrayContaining([
        { day: 2, time: '09:00' },
        { day: 4, time: '18:00' },
      ]),
    );
    const fresh = await connectChannel(h(), ws().token, {
      provider: 'mastodon',
      name: 'Fresh',
      credentials: { instance: fake.url, accessToken: fake.token },
    });
    const none = await call(ws().token, 'POST', `/v1/analytics/channels/${fresh.id}/best-times/accept`, {});
    expect(none.statusCode).toBe(409);
    expect(none.json().errors).toEqual([expect.objectContaining({ field: 'params.id', rule: 'suggestions' })]);
  });
});

describe('impressions', () => {
  const DAY = '2026-11-02';
  const range = `from=${DAY}T00:00:00Z&to=2026-11-03T00:00:00Z`;
  let channelId: string;
  let seeded = 0;
  /** A post published on the channel on DAY, with snapshots at +1h and +6h (impressions as given; null: the network says none). */
  const seed = async (text: string, impressions: [number | null, number | null]) => {
    const publishedAt = new Date(`${DAY}T${String(10 + seeded++).padStart(2, '0')}:00:00Z`);
    const post = await h()
      .db.insertInto('posts')
      .values({
        workspace_id: ws().workspaceId,
        author_id: ws().userId,
        text,
        publish_at: publishedAt,
        status: 'published',
        workflow_id: `seeded-impressions-${text}`,
        campaign_id: null,
        updated_at: publishedAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const target = await h()
      .db.insertInto('post_targets')
      .values({
        post_id: post.id,
        channel_id: channelId,
        text,
        status: 'published',
        last_error: null,
        idempotency_key: `seeded-${post.id}`,
        external_id: `seeded-${post.id}`,
        external_url: null,
        published_at: publishedAt,
        updated_at: publishedAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const [i, label] of (['+1h', '+6h'] as const).entries())
      await h()
        .db.insertInto('metric_snapshots')
        .values({
          workspace_id: ws().workspaceId,
          target_id: target.id,
          offset_label: label,
          taken_at: new Date(publishedAt.getTime() + (i + 1) * 3600_000),
          status: 'ok',
          likes: 1,
          reposts: 0,
          replies: 0,
          quotes: null,
          impressions: impressions[i],
        })
        .execute();
    return { postId: post.id, targetId: target.id };
  };

  test('stored per snapshot, the latest kept per target; the reports and their CSV sum the known ones, unknown ones left out', async () => {
    channelId = (
      await connectChannel(h(), ws().token, {
        provider: 'mastodon',
        name: 'Impressions',
        credentials: { instance: fake.url, accessToken: fake.token },
      })
    ).id;
    const shown = await seed('Shown a lot', [100, 300]);
    const shownLess = await seed('Shown less', [20, 50]);
    const unknown = await seed('Not said', [null, null]);

    // The trigger keeps the latest counted snapshot's impressions on the target's row.
    const latest = await h()
      .db.selectFrom('target_metrics')
      .select(['target_id', 'impressions'])
      .where('target_id', 'in', [shown.targetId, shownLess.targetId, unknown.targetId])
      .execute();
    expect(new Map(latest.map((r) => [r.target_id, r.impressions]))).toEqual(
      new Map([
        [shown.targetId, 300],
        [shownLess.targetId, 50],
        [unknown.targetId, null],
      ]),
    );

    const report = (await call(ws().token, 'GET', `/v1/analytics/channels/${channelId}?${range}`)).json();
    expect(report.totals).toMatchObject({ targets: 3, impressions: 350, targetsWithImpressions: 2 });
    expect(
      Object.fromEntries(
        report.targets.map((t: { postId: string; impressions: number | null }) => [t.postId, t.impressions]),
      ),
    ).toEqual({ [shown.postId]: 300, [shownLess.postId]: 50, [unknown.postId]: null });
    expect(report.byDay).toEqual([expect.objectContaining({ day: DAY, impressions: 350, targetsWithImpressions: 2 })]);

    const csv = (await call(ws().token, 'GET', `/v1/analytics/channels/${channelId}?${range}&format=csv`)).body;
    const [header, ...lines] = csv.trim().split('\r\n');
    const column = header!.split(',').indexOf('impressions');
    expect(column).toBeGreaterThan(-1);
    expect(lines.map((l) => l.split(',')[column]).sort()).toEqual(['', '300', '50']);

    const post = (await call(ws().token, 'GET', `/v1/analytics/posts/${shown.postId}`)).json();
    expect(post.totals).toMatchObject({ impressions: 300, targetsWithImpressions: 1 });
    expect(post.targets[0].snapshots.map((s: { impressions: number | null }) => s.impressions)).toEqual([100, 300]);
    const unknownPost = (await call(ws().token, 'GET', `/v1/analytics/posts/${unknown.postId}`)).json();
    expect(unknownPost.totals).toMatchObject({ impressions: null, targetsWithImpressions: 0 });

    // The BI export: each post's latest, each snapshot's.
    const exported = (
      await call(ws().token, 'GET', `/v1/analytics/export/posts?from=${DAY}T00:00:00Z&to=2026-11-03T00:00:00Z`)
    ).json();
    expect(
      exported.data
        .filter((r: { channelId: string }) => r.channelId === channelId)
        .map((r: { impressions: number | null }) => r.impressions),
    ).toEqual(expect.arrayContaining([300, 50, null]));
    const exportCsv = (
      await call(
        ws().token,
        'GET',
        `/v1/analytics/export/snapshots?format=csv&from=${DAY}T00:00:00Z&to=2026-11-03T00:00:00Z`,
      )
    ).body;
    expect(exportCsv.split('\r\n')[0]!.split(',')).toContain('impressions');
  });
});

test('the collector stops on its signal with its counters; its history is recorded for the replay test', async () => {
  const handle = h().client.workflow.getHandle(metricsWorkflowId(ws().workspaceId));
  await handle.signal(stopMetricsSignal);
  const counters = await handle.result();
  expect(counters.rounds).toBeGreaterThan(0);
  expect(counters.snapshots).toBeGreaterThan(0);
  expect(counters.audience).toBeGreaterThan(0);
  // Batched: fewer calls than snapshots (a round reads each due post once, whatever its offsets).
  expect(counters.calls).toBeGreaterThan(0);
  await recordHistory(h().client, metricsWorkflowId(ws().workspaceId), 'metrics-collector');
});
