import { createHash } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createPublishingActivities } from '../activities/publishing';
import { mastodonLength } from '../channels/mastodon';
import { connectMastodon } from './support/channels';
import { useChorus } from './support/chorus';
import { bearer, waitFor } from './support/harness';
import { png } from './support/images';
import { startMastodonFake, type MastodonFake } from './support/mastodon-fake';

const { harness: h, workspace: ws, call } = useChorus({ workspace: 'Toots' });
let fake: MastodonFake;
let channelId: string;

beforeAll(async () => {
  fake = await startMastodonFake();
  channelId = (await connectMastodon(h(), ws().token, fake)).id;
});
afterAll(async () => {
  await fake?.close();
});

const createPost = (body: object) => call(ws().token, 'POST', '/v1/posts', body);
const getPost = async (id: string) => (await call(ws().token, 'GET', `/v1/posts/${id}`)).json();
const published = (id: string) =>
  waitFor(
    'the post published',
    async () => {
      const p = await getPost(id);
      return ['published', 'failed'].includes(p.status) && p;
    },
    60_000,
  );
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

test('a channel is verified with the token; a wrong token is refused naming credentials', async () => {
  const channels = (await call(ws().token, 'GET', '/v1/channels')).json().channels;
  expect(channels.find((c: { id: string }) => c.id === channelId)).toMatchObject({
    provider: 'mastodon',
    accountRef: `chorus@${new URL(fake.url).host}`,
  });
  const wrong = await call(ws().token, 'POST', '/v1/channels', {
    provider: 'mastodon',
    name: 'Bad',
    credentials: { instance: fake.url, accessToken: 'nope' },
  });
  expect(wrong.statusCode).toBe(422);
  expect(wrong.json().errors[0]).toMatchObject({ field: 'credentials', rule: 'verified' });
});

test('a post with an image reaches Mastodon once: media uploaded with its alt text (waiting while it processes), status with the Idempotency-Key', async () => {
  fake.processAsync = true;
  const image = png(64, 48);
  const media = (
    await h().app.inject({
      method: 'POST',
      url: '/v1/media?filename=a.png',
      headers: { ...bearer(ws().token), 'content-type': 'image/png' },
      payload: image,
    })
  ).json();
  const created = await createPost({
    text: 'Hello Mastodon from #Chorus',
    channelIds: [channelId],
    media: [{ mediaId: media.id, alt: 'A test card' }],
  });
  expect(created.statusCode).toBe(201);
  const post = await published(created.json().id);
  fake.processAsync = false;
  expect(post.status).toBe('published');
  const toots = fake.published().filter((t) => t.content.includes('Hello Mastodon'));
  expect(toots).toHaveLength(1);
  expect(post.targets[0]).toMatchObject({ externalId: toots[0]!.id, url: toots[0]!.url });
  expect(toots[0]!.media.map((m) => [m.description, m.sha256])).toEqual([['A test card', sha256(image)]]);
});

test('a 429 is retried after X-RateLimit-Reset, and the status is still made once', async () => {
  fake.failNext({
    status: 429,
    headers: { 'x-ratelimit-reset': new Date(Date.now() + 1500).toISOString(), 'x-ratelimit-remaining': '0' },
    body: { error: 'Too many requests' },
  });
  const created = await createPost({ text: 'After the rate limit', channelIds: [channelId] });
  const post = await published(created.json().id);
  expect(post.status).toBe('published');
  expect(post.targets[0].attempts).toBe(2);
  expect(fake.published().filter((t) => t.content.includes('After the rate limit'))).toHaveLength(1);
});

test('exactly once when the answer is lost: the retry gets the same status back by its Idempotency-Key', async () => {
  fake.loseNextAnswer = true;
  const lost = await createPost({ text: 'The answer to this one is lost', channelIds: [channelId] });
  expect((await published(lost.json().id)).status).toBe('published');
  expect(fake.published().filter((t) => t.content.includes('The answer to this one is lost'))).toHaveLength(1);
});

test("after the key's hour a retry finds its status among the account's own (through remote mentions), and does not mistake an older one with the same words", async () => {
  const activities = createPublishingActivities({
    db: h().db,
    adapters: h().adapters,
    sealer: h().sealer,
    media: h().media,
  });
  const due = async (text: string) => {
    const created = await createPost({
      text,
      channelIds: [channelId],
      publishAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    const post = created.json();
    await call(ws().token, 'POST', `/v1/posts/${post.id}/cancel`); // the workflow stays out of it
    await h()
      .db.updateTable('posts')
      .set({ publish_at: new Date(Date.now() - 1000) })
      .where('id', '=', post.id)
      .execute();
    await h().db.updateTable('post_targets').set({ status: 'publishing' }).where('post_id', '=', post.id).execute();
    return { postId: post.id as string, targetId: post.targets[0].id as string };
  };

  const mention = await due('Thanks @ann@other.example for the tip');
  const first = (await new MockActivityEnvironment().run(activities.publishTarget, mention)) as { externalId: string };
  expect(fake.published().find((t) => t.id === first.externalId)!.content).toContain('class="u-url mention"');
  fake.forgetIdempotencyKeys();
  const retried = (await new MockActivityEnvironment({ attempt: 2 }).run(activities.publishTarget, mention)) as {
    externalId: string;
  };
  expect(retried.externalId).toBe(first.externalId);

  const old = fake.post({ text: 'Same words as last week', acct: 'chorus' });
  old.created_at = new Date(Date.now() - 7 * 24 * 3600_000).toISOString();
  const repeat = await due('Same words as last week');
  const made = (await new MockActivityEnvironment({ attempt: 2 }).run(activities.publishTarget, repeat)) as {
    externalId: string;
  };
  expect(made.externalId).not.toBe(old.id);
  expect(fake.published().filter((t) => t.content.includes('Same words as last week'))).toHaveLength(2);
});

describe("Mastodon's limits are checked when the post is created", () => {
  test('500 characters with every link counted as 23', async () => {
    const link = `https://chorus.example/${'a'.repeat(100)}`;
    const fits = `${'x'.repeat(470)} ${link}`;
    expect(mastodonLength(fits)).toBe(494);
    expect(mastodonLength('hi @someone@mastodon.social')).toBe('hi @someone'.length);
    const ok = await createPost({
      text: fits,
      channelIds: [channelId],
      publishAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    expect(ok.statusCode).toBe(201);
    await call(ws().token, 'POST', `/v1/posts/${ok.json().id}/cancel`);
    const tooLong = await createPost({ text: 'y'.repeat(501), channelIds: [channelId] });
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.json().errors[0]).toMatchObject({
      field: 'text',
      rule: 'channel_limits',
      message: expect.stringContaining(
        'at most 500 characters (links count as 23); this text has 501 (channel "Chorus on Mastodon")',
      ),
    });
  });

  test('a video with other attachments is refused', async () => {
    const upload = async (bytes: Buffer, type: string) =>
      (
        await h().app.inject({
          method: 'POST',
          url: '/v1/media?filename=f',
          headers: { ...bearer(ws().token), 'content-type': type },
          payload: bytes,
        })
      ).json().id as string;
    const video = await upload(
      Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(64)]),
      'video/mp4',
    );
    const image = await upload(png(8, 8), 'image/png');
    const res = await createPost({
      text: 'Mixed',
      channelIds: [channelId],
      media: [{ mediaId: video }, { mediaId: image }],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0].message).toContain('one video alone');
  });
});
