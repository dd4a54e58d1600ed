import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AtpAgent } from '@atproto/api';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createPublishingActivities } from '../activities/publishing';
import type { ChannelAdapters } from '../channels/registry';
import { ChannelError } from '../channels/errors';
import { metricsWorkflowId, stopMetricsSignal } from '../contracts/analytics';
import type { SandboxAccount } from '../sandbox/local-bluesky';
import { connectBluesky } from './support/channels';
import { useChorus } from './support/chorus';
import { waitFor } from './support/harness';

// Campaigns with short links on (issue 15): each link of a campaign post goes out as a Chorus
// short link on the real PDS, whose redirect keeps the campaign's UTM tags and whose clicks count
// in the campaign's and the post's reports.
const {
  harness: h,
  pds,
  workspace: ws,
  call,
} = useChorus({
  pds: true,
  workspace: 'Short links',
  beforeClose: async (chorus) => {
    await chorus
      .harness()
      .client.workflow.getHandle(metricsWorkflowId(chorus.workspace().workspaceId))
      .signal(stopMetricsSignal)
      .catch(() => undefined);
  },
});

let brand: SandboxAccount;
let channelId: string;
let campaignId: string;
let site: { url: string; close(): Promise<void> };

const SHORT = /^http:\/\/127\.0\.0\.1:3000\/l\/([A-Za-z0-9_-]{8})$/;
const browser = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

interface PostRecord {
  text: string;
  facets?: { index: { byteStart: number; byteEnd: number }; features: { $type: string; uri?: string }[] }[];
  embed?: { $type: string; external: { uri: string; title: string } };
}

beforeAll(async () => {
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/spring'))
      return void res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<html><head><meta property="og:title" content="The spring sale"></head></html>');
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  site = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  brand = await pds().createAccount('shortbrand');
  channelId = (await connectBluesky(h(), ws().token, pds(), brand)).id;
  const created = await call(ws().token, 'POST', '/v1/campaigns', {
    name: 'Spring',
    channelIds: [channelId],
    startsAt: new Date(Date.now() - 60_000).toISOString(),
    endsAt: new Date(Date.now() + 3600_000).toISOString(),
    utm: { medium: 'social' },
    shortLinks: true,
  });
  expect(created.statusCode).toBe(201);
  expect(created.json().shortLinks).toBe(true);
  campaignId = created.json().id;
  await call(ws().token, 'POST', `/v1/campaigns/${campaignId}/submit`);
  await waitFor('the campaign under way', async () =>
    ['scheduled', 'live'].includes((await call(ws().token, 'GET', `/v1/campaigns/${campaignId}`)).json().status),
  );
});
afterAll(async () => {
  await site?.close();
});

const record = async (externalId: string) =>
  (
    await new AtpAgent({ service: pds().pdsUrl }).com.atproto.repo.getRecord({
      repo: brand.did,
      collection: 'app.bsky.feed.post',
      rkey: externalId.split('/').pop()!,
    })
  ).data.value as unknown as PostRecord;

const linksOf = (targetId: string) =>
  h().db.selectFrom('short_links').selectAll().where('target_id', '=', targetId).execute();

test('the composer preview shows the short link; the post goes out with it in text, facet and card; the redirect keeps the UTM; a click counts in the campaign and post reports, a bot’s does not', async () => {
  const text = `Spring sale: ${site.url}/spring.`;
  const preview = await call(ws().token, 'POST', '/v1/posts/preview', { text, channelIds: [channelId], campaignId });
  expect(preview.statusCode).toBe(200);
  const [channel] = preview.json().channels;
  expect(channel.text).toBe(
    `Spring sale: ${site.url}/spring?utm_source=bluesky&utm_medium=social&utm_campaign=Spring.`,
  );
  expect(channel.asPublished).toBe('Spring sale: http://127.0.0.1:3000/l/xxxxxxxx.');

  const created = await call(ws().token, 'POST', '/v1/posts', { text, channelIds: [channelId], campaignId });
  expect(created.statusCode).toBe(201);
  const post = await waitFor(
    'the post published',
    async () => {
      const p = (await call(ws().token, 'GET', `/v1/posts/${created.json().id}`)).json();
      if (p.status === 'failed') throw new Error(JSON.stringify(p.targets));
      return p.status === 'published' && p;
    },
    60_000,
  );
  const target = post.targets[0];
  const onPds = await record(target.externalId);
  const short = onPds.text.slice('Spring sale: '.length, -1);
  expect(short).toMatch(SHORT);
  expect(onPds.text).toBe(`Spring sale: ${short}.`);
  // The facet covers the short link exactly (not the full stop), and the card points at it with the page's title.
  const facet = onPds.facets!.find((f) => f.features[0]!.uri !== undefined)!;
  expect(facet.features[0]!.uri).toBe(short);
  expect(Buffer.from(onPds.text).subarray(facet.index.byteStart, facet.index.byteEnd).toString()).toBe(short);
  expect(onPds.embed).toMatchObject({
    $type: 'app.bsky.embed.external',
    external: { uri: short, title: 'The spring sale' },
  });

  const code = SHORT.exec(short)![1]!;
  const links = await linksOf(target.id);
  expect(links).toEqual([
    expect.objectContaining({ code, post_id: post.id, channel_id: channelId, campaign_id: campaignId }),
  ]);

  const follow = (agent: string, ip = '203.0.113.7') =>
    h().app.inject({ method: 'GET', url: `/l/${code}`, headers: { 'user-agent': agent }, remoteAddress: ip });
  const click = await follow(browser);
  expect(click.statusCode).toBe(302);
  expect(click.headers.location).toBe(`${site.url}/spring?utm_source=bluesky&utm_medium=social&utm_campaign=Spring`);
  await follow('Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)', '198.51.100.4');

  const campaignReport = (await call(ws().token, 'GET', `/v1/analytics/campaigns/${campaignId}`)).json();
  expect(campaignReport.totals.clicks).toBe(1);
  const postReport = (await call(ws().token, 'GET', `/v1/analytics/posts/${post.id}`)).json();
  expect(postReport.targets[0]).toMatchObject({ channelId, clicks: 1 });
});

test('a retried publish reuses the short link its first attempt made: one link, the same text on the PDS', async () => {
  const created = await call(ws().token, 'POST', '/v1/posts', {
    text: `Twice tried: ${site.url}/spring/retry and ${site.url}/spring/retry again`,
    channelIds: [channelId],
    campaignId,
    publishAt: new Date(Date.now() + 30 * 60_000).toISOString(),
  });
  expect(created.statusCode).toBe(201);
  const post = created.json();
  await call(ws().token, 'POST', `/v1/posts/${post.id}/cancel`); // the workflow stays out of it
  await h().db.updateTable('post_targets').set({ status: 'publishing' }).where('post_id', '=', post.id).execute();
  const ids = { postId: post.id as string, targetId: post.targets[0].id as string };

  const deps = { db: h().db, sealer: h().sealer, media: h().media };
  const lost: ChannelAdapters = {
    ...h().adapters,
    bluesky: Object.assign(Object.create(h().adapters.bluesky) as ChannelAdapters['bluesky'], {
      publish: () => Promise.reject(new ChannelError('transient', 'connection reset')),
    }),
  };
  await expect(
    new MockActivityEnvironment().run(createPublishingActivities({ ...deps, adapters: lost }).publishTarget, ids),
  ).rejects.toThrow(/connection reset/);
  const first = await linksOf(ids.targetId);
  expect(first).toHaveLength(1); // the same URL twice in the text: one link

  const activities = createPublishingActivities({ ...deps, adapters: h().adapters });
  const result = (await new MockActivityEnvironment({ attempt: 2 }).run(activities.publishTarget, ids)) as {
    externalId: string;
  };
  await new MockActivityEnvironment({ attempt: 3 }).run(activities.publishTarget, ids);
  expect(await linksOf(ids.targetId)).toEqual(first);
  const short = `http://127.0.0.1:3000/l/${first[0]!.code}`;
  expect((await record(result.externalId)).text).toBe(`Twice tried: ${short} and ${short} again`);
});
