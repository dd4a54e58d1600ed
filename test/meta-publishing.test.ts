import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { createPublishingActivities, toApplicationFailure } from '../activities/publishing';
import { ChannelError } from '../channels/errors';
import { FacebookAdapter, FacebookOAuthProvider } from '../channels/facebook';
import { InstagramOAuthProvider } from '../channels/instagram';
import { ThreadsOAuthProvider } from '../channels/threads';
import type { OAuthCredentials } from '../contracts/oauth';
import type { Provider } from '../contracts/domain';
import { insertChannel } from '../db/channels';
import { useChorus } from './support/chorus';
import { bearer, waitFor } from './support/harness';
import { png } from './support/images';
import { jpeg, startMetaFake, type MetaFake } from './support/meta-fake';
import { hashtagCount, mentionCount, threadsLength } from '../contracts/text-rules';
import { throttleDelay } from '../channels/meta-graph';
import { busiestDayWith } from '../services/publishing-limits';

let fake: MetaFake;
let appPort: number;
beforeAll(async () => {
  fake = await startMetaFake();
  appPort = await freePort();
});
afterAll(async () => {
  await fake?.close();
});

const {
  harness: h,
  workspace: ws,
  call,
} = useChorus({
  workspace: 'Meta',
  // Instagram and Threads fetch media from CHORUS_APP_URL: the API listens there (below).
  harness: () => ({
    meta: { graphUrl: fake.graphUrl, threadsUrl: fake.threadsUrl },
    appUrl: `http://127.0.0.1:${appPort}`,
  }),
});

const channels: Record<'facebook' | 'instagram' | 'threads', string> = { facebook: '', instagram: '', threads: '' };
const credentialsOf: Partial<Record<Provider, OAuthCredentials>> = {};

beforeAll(async () => {
  await h().app.listen({ port: appPort, host: '127.0.0.1' });
  const tokens = {
    accessToken: 'EAALong-user-token-not-used-to-publish',
    accessTokenExpiresAt: new Date(Date.now() + 60 * 86_400_000).toISOString(),
    refreshToken: null,
    refreshTokenExpiresAt: null,
    scopes: [],
  };
  const connect = async (provider: Provider, credentials: OAuthCredentials, accountRef: string) => {
    credentialsOf[provider] = credentials;
    return (
      await insertChannel(h().db, {
        workspaceId: ws().workspaceId,
        actorId: ws().userId,
        provider,
        name: `Chorus on ${provider}`,
        accountRef,
        credentialsSealed: h().sealer.seal(credentials),
      })
    ).id;
  };
  channels.facebook = await connect(
    'facebook',
    { tokens, account: { id: fake.page.id, name: fake.page.name, kind: 'page', accountToken: fake.page.token } },
    fake.page.name,
  );
  channels.instagram = await connect(
    'instagram',
    {
      tokens,
      account: {
        id: fake.instagram.id,
        name: fake.instagram.username,
        kind: 'instagram_business',
        accountToken: fake.page.token,
      },
    },
    `@${fake.instagram.username}`,
  );
  channels.threads = await connect(
    'threads',
    {
      tokens: { ...tokens, accessToken: fake.threadsUser.token },
      account: { id: fake.threadsUser.id, name: fake.threadsUser.username, kind: 'user', accountToken: null },
    },
    `@${fake.threadsUser.username}`,
  );
});

afterEach(() => {
  fake.processingPolls = 0;
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const createPost = (body: object) => call(ws().token, 'POST', '/v1/posts', body);
const getPost = async (id: string) => (await call(ws().token, 'GET', `/v1/posts/${id}`)).json();
const settled = (id: string) =>
  waitFor(
    'the post published or failed',
    async () => {
      const p = await getPost(id);
      return ['published', 'failed'].includes(p.status) && p;
    },
    60_000,
  );
async function upload(bytes: Buffer, contentType: string): Promise<string> {
  const res = await h().app.inject({
    method: 'POST',
    url: '/v1/media?filename=m',
    headers: { ...bearer(ws().token), 'content-type': contentType },
    payload: bytes,
  });
  expect(res.statusCode).toBe(201);
  return res.json().id;
}
const postCount = async () =>
  Number(
    (
      await h()
        .db.selectFrom('posts')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('workspace_id', '=', ws().workspaceId)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('Facebook Pages', () => {
  test('a text post with a link goes to the Page feed once, even when the answer is lost and the activity runs again', async () => {
    fake.loseNextAnswer(/\/feed$/);
    const created = await createPost({
      text: 'Fresh beans today https://example.com/beans',
      channelIds: [channels.facebook],
    });
    expect(created.statusCode).toBe(201);
    const post = await settled(created.json().id);
    expect(post.status).toBe('published');
    const made = fake.feed.filter((f) => f.message.startsWith('Fresh beans today'));
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ link: 'https://example.com/beans', photos: [] });
    expect(post.targets[0]).toMatchObject({ externalId: made[0]!.id, url: made[0]!.permalink_url });
    expect(post.targets[0].attempts).toBe(2);
  });

  test('photos are uploaded unpublished, once each, and attached to one feed post', async () => {
    const a = png(64, 48);
    const b = png(48, 64);
    const ids = [await upload(a, 'image/png'), await upload(b, 'image/png')];
    fake.loseNextAnswer(/\/feed$/);
    const created = await createPost({
      text: 'Two photos from the roastery',
      channelIds: [channels.facebook],
      media: [
        { mediaId: ids[0], alt: 'Roaster' },
        { mediaId: ids[1], alt: 'Beans' },
      ],
    });
    const post = await settled(created.json().id);
    expect(post.status).toBe('published');
    const made = fake.feed.filter((f) => f.message === 'Two photos from the roastery');
    expect(made).toHaveLength(1);
    expect(made[0]!.photos.map((p) => [p.sha256, p.alt])).toEqual([
      [sha256(a), 'Roaster'],
      [sha256(b), 'Beans'],
    ]);
    // Kept between attempts: the retry attached the photos the first attempt uploaded.
    expect([...fake.unpublishedPhotos.values()].filter((p) => p.sha256 === sha256(a))).toHaveLength(1);
  });

  test('throttling (code 32) is retried at the time X-Business-Use-Case-Usage gives', async () => {
    fake.throttleNext(/\/feed$/, 32, 0);
    const created = await createPost({ text: 'After the page limit', channelIds: [channels.facebook] });
    const post = await settled(created.json().id);
    expect(post.status).toBe('published');
    expect(post.targets[0].attempts).toBe(2);
    expect(fake.feed.filter((f) => f.message === 'After the page limit')).toHaveLength(1);

    // The wait itself: estimated_time_to_regain_access minutes, handed to Temporal as the retry delay.
    fake.throttleNext(/\/feed$/, 4, 3);
    const adapter = new FacebookAdapter({ graphUrl: fake.graphUrl });
    const err = await adapter
      .publish(
        {
          tokens: {
            accessToken: 'x',
            accessTokenExpiresAt: null,
            refreshToken: null,
            refreshTokenExpiresAt: null,
            scopes: [],
          },
          account: { id: fake.page.id, name: '', kind: 'page', accountToken: fake.page.token },
        },
        {
          postId: 'p',
          targetId: 't',
          text: 'Throttled',
          publishAt: new Date().toISOString(),
          idempotencyKey: 'k',
          isRetry: false,
          media: [],
        },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelError);
    expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 180_000 });
    expect((err as Error).message).toMatch(/code 4.*Application request limit reached.*fbtrace_id/);
    const failure = toApplicationFailure(err, 'Page');
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.nextRetryDelay).toBe(180_000);
  });
});

describe('Instagram', () => {
  /** One JPEG (`seed` makes it its own) posted to the Instagram channel; the post once settled. */
  const imagePost = async (text: string, seed: number) => {
    const mediaId = await upload(jpeg(1080, 1080, seed), 'image/jpeg');
    return settled((await createPost({ text, channelIds: [channels.instagram], media: [{ mediaId }] })).json().id);
  };
  /** Whatever the attempts: one container with this caption, and one medium published from it. */
  const expectOneContainerAndMedium = (caption: string) => {
    expect([...fake.containers.values()].filter((c) => c.caption === caption)).toHaveLength(1);
    expect(fake.media.filter((m) => m.caption === caption)).toHaveLength(1);
  };

  test('an image: Instagram fetches it from the signed media URL, the container is polled while IN_PROGRESS, then published once (a lost media_publish answer finds the media)', async () => {
    fake.processingPolls = 2;
    fake.loseNextAnswer(/\/media_publish$/);
    const image = jpeg(1080, 1080, 1);
    const mediaId = await upload(image, 'image/jpeg');
    const created = await createPost({
      text: 'Latte art #coffee @barista',
      channelIds: [channels.instagram],
      media: [{ mediaId, alt: 'A latte' }],
    });
    expect(created.statusCode).toBe(201);
    const post = await settled(created.json().id);
    expect(post.status).toBe('published');
    const made = fake.media.filter((m) => m.caption === 'Latte art #coffee @barista');
    expect(made).toHaveLength(1);
    expect(made[0]!.fetched).toBe(sha256(image));
    expect(post.targets[0]).toMatchObject({ externalId: made[0]!.id, url: made[0]!.permalink });
    // One container for it, whatever the attempts.
    expect([...fake.containers.values()].filter((c) => c.caption === 'Latte art #coffee @barista')).toHaveLength(1);
  });

  test('a carousel: a child container per image, one CAROUSEL container, one media', async () => {
    const images = [jpeg(1080, 1350, 2), jpeg(1080, 1080, 3)];
    const ids = [await upload(images[0]!, 'image/jpeg'), await upload(images[1]!, 'image/jpeg')];
    const created = await createPost({
      text: 'Our two blends',
      channelIds: [channels.instagram],
      media: ids.map((mediaId) => ({ mediaId })),
    });
    const post = await settled(created.json().id);
    expect(post.status).toBe('published');
    const made = fake.media.filter((m) => m.caption === 'Our two blends');
    expect(made).toHaveLength(1);
    expect(made[0]!.children.map((c) => c.fetched)).toEqual(images.map(sha256));
  });

  test('throttling (code 4) at media_publish: retried, and still one container and one media', async () => {
    fake.throttleNext(/\/media_publish$/, 4, 0);
    const post = await imagePost('After the app limit', 9);
    expect(post.status).toBe('published');
    expect(post.targets[0].attempts).toBe(2);
    expectOneContainerAndMedium('After the app limit');
  });

  test('a container still processing after the attempt has waited: the activity retries later and publishes the same container', async () => {
    fake.processingPolls = 8; // past one attempt's few seconds of polling
    const post = await imagePost('Slow to process', 4);
    expect(post.status).toBe('published');
    expect(post.targets[0].attempts).toBeGreaterThanOrEqual(2);
    expectOneContainerAndMedium('Slow to process');
  });

  test('a container that ends in ERROR fails the post, saying why, without retrying', async () => {
    fake.failNextContainer = '2207001: the media could not be processed';
    const mediaId = await upload(jpeg(1080, 1080, 5), 'image/jpeg');
    const created = await createPost({ text: 'Broken media', channelIds: [channels.instagram], media: [{ mediaId }] });
    const post = await settled(created.json().id);
    expect(post.status).toBe('failed');
    expect(post.targets[0].lastError).toMatch(/Instagram could not process the post's media .*ERROR.*2207001/);
    expect(post.targets[0].attempts).toBe(1);
    expect(fake.media.filter((m) => m.caption === 'Broken media')).toHaveLength(0);
  });

  test('refused at write time, naming the field and the network, with nothing saved: no media, too many hashtags, a PNG, too long', async () => {
    const before = await postCount();
    const png1 = await upload(png(100, 100), 'image/png');
    const jpg = await upload(jpeg(1080, 1080, 6), 'image/jpeg');
    const cases: [object, string, RegExp][] = [
      [{ text: 'No picture', channelIds: [channels.instagram] }, 'media', /Instagram posts need an image or a video/],
      [
        {
          text: Array.from({ length: 31 }, (_, i) => `#tag${i}`).join(' '),
          channelIds: [channels.instagram],
          media: [{ mediaId: jpg }],
        },
        'text',
        /Instagram allows at most 30 hashtags; this text has 31/,
      ],
      [
        { text: 'A PNG', channelIds: [channels.instagram], media: [{ mediaId: png1 }] },
        'media',
        /Instagram takes JPEG images and MP4 videos; attachment 1 is image\/png/,
      ],
      [
        { text: 'x'.repeat(2201), channelIds: [channels.instagram], media: [{ mediaId: jpg }] },
        'text',
        /Instagram allows at most 2200 characters; this text has 2201/,
      ],
    ];
    for (const [body, field, message] of cases) {
      const res = await createPost(body);
      expect(res.statusCode).toBe(422);
      const errors = res.json().errors as { field: string; message: string }[];
      expect(errors.find((e) => e.field === field && message.test(e.message))).toBeDefined();
    }
    expect(await postCount()).toBe(before);
  });

  test('the daily publishing limit (100 in any 24 hours) refuses the 101st post, naming the limit; one outside the window is fine', async () => {
    const mediaId = await upload(jpeg(1080, 1080, 7), 'image/jpeg');
    const at = Date.now() + 3 * 86_400_000;
    // 100 posts in the hours before `at`, stored as scheduled (no workflows: only the count matters here).
    for (let i = 0; i < 100; i++) {
      const post = await h()
        .db.insertInto('posts')
        .values({
          workspace_id: ws().workspaceId,
          author_id: ws().userId,
          text: `filler ${i}`,
          publish_at: new Date(at - (i + 1) * 600_000),
          status: 'scheduled',
          workflow_id: `meta-filler-${i}-${at}`,
          campaign_id: null,
          updated_at: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await h()
        .db.insertInto('post_targets')
        .values({
          post_id: post.id,
          channel_id: channels.instagram,
          text: `filler ${i}`,
          status: 'pending',
          idempotency_key: `filler-${i}-${at}`,
          updated_at: new Date(),
        })
        .execute();
    }
    const refused = await createPost({
      text: 'One too many',
      channelIds: [channels.instagram],
      media: [{ mediaId }],
      publishAt: new Date(at).toISOString(),
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors[0]).toMatchObject({ field: 'publishAt', rule: 'daily_publishing_limit' });
    expect(refused.json().errors[0].message).toMatch(
      /Instagram allows 100 posts per account in any 24 hours \(content_publishing_limit\)/,
    );
    const later = await createPost({
      text: 'A day later',
      channelIds: [channels.instagram],
      media: [{ mediaId }],
      publishAt: new Date(at + 86_400_000).toISOString(),
    });
    expect(later.statusCode).toBe(201);
    // Moving it into the full day is refused the same way; it stays where it was.
    const moved = await call(ws().token, 'POST', `/v1/posts/${later.json().id}/reschedule`, {
      publishAt: new Date(at).toISOString(),
    });
    expect(moved.statusCode).toBe(422);
    expect(moved.json().errors[0]).toMatchObject({ field: 'publishAt', rule: 'daily_publishing_limit' });
    expect((await getPost(later.json().id)).publishAt).toBe(new Date(at + 86_400_000).toISOString());
    await call(ws().token, 'POST', `/v1/posts/${later.json().id}/cancel`);
    await h().db.deleteFrom('posts').where('workflow_id', 'like', `meta-filler-%-${at}`).execute();
  });
});

describe('Threads', () => {
  test('text, an image and a carousel each publish once (a lost threads_publish answer for the text and the carousel)', async () => {
    fake.loseNextAnswer(/\/threads_publish$/);
    const text = await settled(
      (await createPost({ text: 'Hello Threads 👋', channelIds: [channels.threads] })).json().id,
    );
    expect(text.status).toBe('published');
    expect(fake.media.filter((m) => m.network === 'threads' && m.caption === 'Hello Threads 👋')).toHaveLength(1);

    const images = [png(80, 80), jpeg(1080, 1080, 8)];
    const ids = [await upload(images[0]!, 'image/png'), await upload(images[1]!, 'image/jpeg')];
    const one = await settled(
      (
        await createPost({
          text: 'One image',
          channelIds: [channels.threads],
          media: [{ mediaId: ids[0], alt: 'A square' }],
        })
      ).json().id,
    );
    expect(one.status).toBe('published');
    expect(fake.media.filter((m) => m.caption === 'One image').map((m) => m.fetched)).toEqual([sha256(images[0]!)]);

    fake.loseNextAnswer(/\/threads_publish$/);
    const carousel = await settled(
      (
        await createPost({
          text: 'Two images',
          channelIds: [channels.threads],
          media: ids.map((mediaId) => ({ mediaId })),
        })
      ).json().id,
    );
    expect(carousel.status).toBe('published');
    const made = fake.media.filter((m) => m.caption === 'Two images');
    expect(made).toHaveLength(1);
    expect(made[0]!.children.map((c) => c.fetched)).toEqual(images.map(sha256));
    expect(carousel.targets[0].url).toBe(made[0]!.permalink);
  });

  test('throttling (code 613) at threads_publish: retried, and the thread made once', async () => {
    fake.throttleNext(/\/threads_publish$/, 613, 0);
    const created = await createPost({ text: 'After the Threads limit', channelIds: [channels.threads] });
    const post = await settled(created.json().id);
    expect(post.status).toBe('published');
    expect(post.targets[0].attempts).toBe(2);
    expect(fake.media.filter((m) => m.network === 'threads' && m.caption === 'After the Threads limit')).toHaveLength(
      1,
    );
  });

  test('500 characters counted as Threads counts them (an emoji as its UTF-8 bytes), refused with nothing saved', async () => {
    const before = await postCount();
    const fits = 'a'.repeat(496) + '👋'; // 496 + 4 bytes = 500
    const preview = await call(ws().token, 'POST', '/v1/posts/preview', { text: fits, channelIds: [channels.threads] });
    expect(preview.json().problems).toEqual([]);
    const res = await createPost({ text: `${fits}!`, channelIds: [channels.threads] });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0].message).toMatch(
      /Threads allows at most 500 characters \(an emoji counts as its UTF-8 bytes\); this text has 501/,
    );
    expect(await postCount()).toBe(before);
  });
});

test.each([
  ['instagram', /\/media$/],
  ['threads', /\/threads$/],
] as const)(
  '%s: throttled, the publish waits the estimated_time_to_regain_access the usage header gives (as Facebook does)',
  async (provider, at) => {
    fake.throttleNext(at, 4, 3);
    const image = jpeg(640, 640, 10);
    const medium = {
      mediaId: await upload(image, 'image/jpeg'),
      sha256: sha256(image),
      contentType: 'image/jpeg',
      bytes: image.length,
      width: 640,
      height: 640,
      alt: '',
      read: async () => image,
    };
    const err = await h()
      .adapters[provider].publish(credentialsOf[provider]!, {
        postId: 'p',
        targetId: `throttled-${provider}`,
        text: 'Throttled',
        publishAt: new Date().toISOString(),
        idempotencyKey: `k-${provider}`,
        isRetry: false,
        media: [medium],
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 180_000 });
    expect(toApplicationFailure(err, provider).nextRetryDelay).toBe(180_000);
  },
);

test("each network's counts are read one post a call, impressions with them or by an insights call each (what the analytics collector stores); a post the network no longer has is deleted", async () => {
  const post = fake.addFeedPost('Counted on Facebook');
  post.reactions = 7;
  fake.comment(post.id, { message: 'Nice' });
  fake.insights.set(post.id, { post_impressions: 250 });
  const photo = fake.addInstagramMedia('Counted on Instagram');
  photo.likeCount = 4;
  photo.commentsCount = 2;
  fake.insights.set(photo.id, { views: 90 });
  const thread = fake.addThreadsPost('Counted on Threads');
  thread.likeCount = 3;
  fake.insights.set(thread.id, { views: 40 });
  const read = (provider: 'facebook' | 'instagram' | 'threads', id: string) =>
    h().adapters[provider].readMetrics!(credentialsOf[provider]!, [id, '17999999999999999']);
  const counts = (likes: number, replies: number, quotes: number | null, impressions: number | null) => ({
    status: 'ok',
    counts: { likes, replies, reposts: 0, quotes, impressions },
  });
  // Facebook and Instagram: the counts, then the insights call (counted); the deleted post, one call.
  for (const [provider, id, expected, expectedCalls] of [
    ['facebook', post.id, counts(7, 1, null, 250), 3],
    ['instagram', photo.id, counts(4, 2, null, 90), 3],
    ['threads', thread.id, counts(3, 0, 0, 40), 2],
  ] as const) {
    const { metrics, calls } = await read(provider, id);
    expect(calls).toBe(expectedCalls);
    expect(metrics.get(id)).toEqual(expected);
    expect(metrics.get('17999999999999999')).toEqual({ status: 'deleted' });
  }
  const insightsAsked = (id: string) =>
    fake.requests.filter((r) => r.path.endsWith(`/${id}/insights`)).map((r) => r.query.get('metric'));
  expect(insightsAsked(post.id)).toEqual(['post_impressions']);
  expect(insightsAsked(photo.id)).toEqual(['views']);
  expect(insightsAsked(thread.id)).toEqual(['likes,replies,reposts,quotes,views']);

  // Insights refused for a post (too few viewers, a permission missing): its counts stay, impressions null.
  // Threads' views come with its counts: refused, they are asked again without views.
  fake.refuseInsights.add(post.id).add(photo.id).add(thread.id);
  for (const [provider, id, expected] of [
    ['facebook', post.id, counts(7, 1, null, null)],
    ['instagram', photo.id, counts(4, 2, null, null)],
    ['threads', thread.id, counts(3, 0, 0, null)],
  ] as const) {
    const { metrics, calls } = await read(provider, id);
    expect(calls).toBe(3);
    expect(metrics.get(id)).toEqual(expected);
  }
  // Throttling is no refusal: the channel's read fails, to be retried.
  fake.refuseInsights.clear();
  fake.throttleNext(new RegExp(`/${photo.id}/insights`), 4, 1);
  await expect(read('instagram', photo.id)).rejects.toMatchObject({ kind: 'rate_limited' });
});

test('the signed media URL serves the file only with its signature, until it expires', async () => {
  const image = jpeg(640, 640, 9);
  const mediaId = await upload(image, 'image/jpeg');
  const deps = h().app.mediaUrls!;
  const url = new URL(deps.urlFor({ mediaId }));
  expect(url.origin).toBe(`http://127.0.0.1:${appPort}`);
  const ok = await fetch(url);
  expect(ok.status).toBe(200);
  expect(sha256(Buffer.from(await ok.arrayBuffer()))).toBe(sha256(image));
  const forged = new URL(url);
  forged.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 1));
  expect((await fetch(forged)).status).toBe(404);
  const expired = new URL(url);
  expired.searchParams.set('expires', String(Math.floor(Date.now() / 1000) - 10));
  expect((await fetch(expired)).status).toBe(404);
});

describe('OAuth providers against the fake', () => {
  const config = () => ({
    clientId: fake.app.clientId,
    clientSecret: fake.app.clientSecret,
    redirectUri: fake.app.redirectUri,
  });

  test('Facebook: code → short-lived → long-lived user token; the Pages with their Page tokens; renewal is honest', async () => {
    const provider = new FacebookOAuthProvider({ graphUrl: fake.graphUrl });
    const authorize = new URL(provider.authorizationUrl(config(), { state: 'st', codeChallenge: null }));
    expect(authorize.origin + authorize.pathname).toBe('https://www.facebook.com/v26.0/dialog/oauth');
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      client_id: fake.app.clientId,
      state: 'st',
      response_type: 'code',
    });
    const code = fake.issueCode('facebook');
    const tokens = await provider.exchangeCode(config(), { code, codeVerifier: null });
    expect(tokens.accessToken).toMatch(/^EAALong/);
    expect(Date.parse(tokens.accessTokenExpiresAt!) - Date.now()).toBeGreaterThan(59 * 86_400_000);
    // Single-use code.
    await expect(provider.exchangeCode(config(), { code, codeVerifier: null })).rejects.toMatchObject({
      kind: 'rejected',
    });
    expect(await provider.listAccounts(config(), tokens)).toEqual([
      { id: fake.page.id, name: fake.page.name, kind: 'page', accountToken: fake.page.token },
    ]);
    expect(await provider.refresh(config(), tokens)).toEqual({ ...tokens, accessTokenExpiresAt: null });

    const instagram = new InstagramOAuthProvider({ graphUrl: fake.graphUrl });
    expect(await instagram.listAccounts(config(), tokens)).toEqual([
      {
        id: fake.instagram.id,
        name: fake.instagram.username,
        kind: 'instagram_business',
        accountToken: fake.page.token,
      },
    ]);
  });

  test('Threads: code → short-lived → long-lived token; th_refresh_token renews a token a day old; an expired one needs reconnecting', async () => {
    const provider = new ThreadsOAuthProvider({ threadsUrl: fake.threadsUrl });
    const tokens = await provider.exchangeCode(config(), { code: fake.issueCode('threads'), codeVerifier: null });
    expect(tokens).toMatchObject({ refreshToken: null });
    expect(Date.parse(tokens.accessTokenExpiresAt!) - Date.now()).toBeGreaterThan(59 * 86_400_000);
    expect(await provider.listAccounts(config(), tokens)).toEqual([
      { id: fake.threadsUser.id, name: fake.threadsUser.username, kind: 'user', accountToken: null },
    ]);
    // Too young to refresh (Threads refuses tokens under 24 hours old).
    await expect(provider.refresh(config(), tokens)).rejects.toBeInstanceOf(ChannelError);
    const aged = { ...tokens, accessToken: fake.issueThreadsToken({ ageMs: 2 * 86_400_000, expiresInMs: 86_400_000 }) };
    const renewed = await provider.refresh(config(), aged);
    expect(renewed.accessToken).not.toBe(aged.accessToken);
    expect(Date.parse(renewed.accessTokenExpiresAt!) - Date.now()).toBeGreaterThan(59 * 86_400_000);
    const expired = { ...tokens, accessToken: fake.issueThreadsToken({ ageMs: 61 * 86_400_000, expiresInMs: -1000 }) };
    await expect(provider.refresh(config(), expired)).rejects.toMatchObject({ kind: 'auth_failed' });
  });
});

test('a retried publish activity with a saved container publishes that container, not a new one', async () => {
  const activities = createPublishingActivities({
    db: h().db,
    adapters: h().adapters,
    sealer: h().sealer,
    media: h().media,
  });
  const mediaId = await upload(jpeg(1080, 1080, 10), 'image/jpeg');
  const created = await createPost({
    text: 'Run twice',
    channelIds: [channels.instagram],
    media: [{ mediaId }],
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
  const input = { postId: post.id as string, targetId: post.targets[0].id as string };
  fake.loseNextAnswer(/\/media_publish$/);
  await expect(new MockActivityEnvironment().run(activities.publishTarget, input)).rejects.toThrow();
  const retried = (await new MockActivityEnvironment({ attempt: 2 }).run(activities.publishTarget, input)) as {
    externalId: string;
  };
  const made = fake.media.filter((m) => m.caption === 'Run twice');
  expect(made.map((m) => m.id)).toEqual([retried.externalId]);
  expect([...fake.containers.values()].filter((c) => c.caption === 'Run twice')).toHaveLength(1);
});

describe('the rules, counted as each network counts them', () => {
  test("Threads counts an emoji as its UTF-8 bytes; Instagram's hashtags and @tags", () => {
    expect(threadsLength('hi')).toBe(2);
    expect(threadsLength('👋')).toBe(4);
    expect(threadsLength('👋🏽')).toBe(8); // one grapheme, 8 bytes
    expect(threadsLength('é')).toBe(1);
    expect(hashtagCount('#one #two c#not &#38; #café')).toBe(3);
    expect(mentionCount('@ann and @bob.smith, not mail@example.com')).toBe(2);
  });

  test('throttling waits: the longest estimated_time_to_regain_access, else Retry-After, else a minute', () => {
    const headers = (h: Record<string, string>) => new Headers(h);
    const buc = JSON.stringify({
      '1': [{ type: 'pages', call_count: 100, estimated_time_to_regain_access: 2 }],
      '2': [{ type: 'instagram', call_count: 90, estimated_time_to_regain_access: 5 }],
    });
    expect(throttleDelay(headers({ 'x-business-use-case-usage': buc }))).toBe(300_000);
    expect(throttleDelay(headers({ 'retry-after': '7' }))).toBe(7000);
    expect(throttleDelay(headers({ 'x-app-usage': '{"call_count":100}' }))).toBe(60_000);
  });

  test('the moving 24 hours: a post counts with those in any day-long window it falls in', () => {
    const h = 3600_000;
    expect(busiestDayWith([], 0)).toBe(1);
    // Two before (within a day), one after: windows ending at 0 hold 3, ending at +23h hold 2.
    expect(busiestDayWith([-23 * h, -1 * h, 23 * h], 0)).toBe(3);
    expect(busiestDayWith([-25 * h, 25 * h], 0)).toBe(1);
  });
});
