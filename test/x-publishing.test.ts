import { createHash, randomBytes } from 'node:crypto';
import type { OAuthCredentials } from '../contracts/oauth';
import { xLength } from '../contracts/text-rules';
import { ChannelError } from '../channels/errors';
import { XOAuthProvider } from '../channels/x';
import { connectOAuthChannel, oauthCredentials } from './support/channels';
import { useChorus } from './support/chorus';
import { bearer, waitFor } from './support/harness';
import { png } from './support/images';
import { startXFake, type XFake } from './support/x-fake';

let fake: XFake;
// Before useChorus's: the harness's adapters are pointed at the fake.
beforeAll(async () => {
  fake = await startXFake();
});
const {
  harness: h,
  workspace: ws,
  call,
} = useChorus({
  workspace: 'Posts on X',
  harness: () => ({ env: { X_API_URL: fake.url } }),
});
let channelId: string;
let credentials: OAuthCredentials;

beforeAll(async () => {
  credentials = oauthCredentials(fake.accessToken, {
    id: fake.user.id,
    name: 'Chorus',
    kind: 'user',
    accountToken: null,
  });
  channelId = (await connectOAuthChannel(h(), ws(), 'x', 'Chorus on X', credentials)).id;
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
const uploadMedia = async (bytes: Buffer, type: string) =>
  (
    await h().app.inject({
      method: 'POST',
      url: '/v1/media?filename=f',
      headers: { ...bearer(ws().token), 'content-type': type },
      payload: bytes,
    })
  ).json().id as string;
const tweetsWith = (text: string) => fake.published().filter((t) => t.text.includes(text));

test('the channel is verified with the token and shows the account as @username', async () => {
  const channels = (await call(ws().token, 'GET', '/v1/channels')).json().channels;
  expect(channels.find((c: { id: string }) => c.id === channelId)).toMatchObject({
    provider: 'x',
    accountRef: '@chorus_app',
  });
});

test('a text post reaches X once, though its first answer is lost and the publish runs twice', async () => {
  fake.loseAnswer('Hello X from Chorus');
  const created = await createPost({ text: 'Hello X from Chorus & friends <3', channelIds: [channelId] });
  expect(created.statusCode).toBe(201);
  const post = await published(created.json().id);
  expect(post.status).toBe('published');
  expect(post.targets[0].attempts).toBe(2);
  const tweets = tweetsWith('Hello X from Chorus');
  expect(tweets).toHaveLength(1);
  expect(post.targets[0]).toMatchObject({
    externalId: tweets[0]!.id,
    url: `https://x.com/i/web/status/${tweets[0]!.id}`,
  });
});

test('an image goes up by the chunked upload (waiting while X processes it) with its alt text', async () => {
  fake.processAsync = true;
  const image = png(64, 48);
  const created = await createPost({
    text: 'A picture for X',
    channelIds: [channelId],
    media: [{ mediaId: await uploadMedia(image, 'image/png'), alt: 'A test card' }],
  });
  const post = await published(created.json().id);
  fake.processAsync = false;
  expect(post.status).toBe('published');
  const tweets = tweetsWith('A picture for X');
  expect(tweets).toHaveLength(1);
  expect(tweets[0]!.media.map((m) => [m.alt, m.sha256, m.type])).toEqual([['A test card', sha256(image), 'image/png']]);
  expect(fake.requests.some((r) => r.path.includes('command=STATUS'))).toBe(true);
});

test('a thread is a reply chain, each post once, though the answer to its second post is lost', async () => {
  const image = png(16, 16);
  fake.loseAnswer('Thread part two');
  const created = await createPost({
    text: 'Thread part one\n---\nThread part two https://example.com/a/long/link\n---\nThread part three',
    channelIds: [channelId],
    media: [{ mediaId: await uploadMedia(image, 'image/png'), alt: 'first' }],
  });
  expect(created.statusCode).toBe(201);
  const post = await published(created.json().id);
  expect(post.status).toBe('published');
  const [one, two, three, ...more] = tweetsWith('Thread part');
  expect(more).toHaveLength(0);
  expect([one!.text, two!.text, three!.text]).toEqual([
    'Thread part one',
    'Thread part two https://example.com/a/long/link',
    'Thread part three',
  ]);
  expect([one!.in_reply_to, two!.in_reply_to, three!.in_reply_to]).toEqual([null, one!.id, two!.id]);
  expect(one!.media.map((m) => m.sha256)).toEqual([sha256(image)]);
  expect(two!.media).toEqual([]);
  expect(post.targets[0].externalId).toBe(one!.id);
});

test('a 429 is retried at x-rate-limit-reset, and the post is made once', async () => {
  const reset = Math.ceil(Date.now() / 1000) + 2;
  fake.failNext({
    status: 429,
    headers: { 'x-rate-limit-reset': String(reset), 'x-rate-limit-remaining': '0', 'x-rate-limit-limit': '100' },
    body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
  });
  const created = await createPost({ text: 'After the X rate limit', channelIds: [channelId] });
  const post = await published(created.json().id);
  expect(post.status).toBe('published');
  expect(post.targets[0].attempts).toBe(2);
  const tweets = tweetsWith('After the X rate limit');
  expect(tweets).toHaveLength(1);
  expect(Date.parse(tweets[0]!.created_at)).toBeGreaterThanOrEqual(reset * 1000);
});

test('a refused token fails the post as auth_failed; a duplicate as invalid content', async () => {
  const stale = oauthCredentials('expired-token', credentials.account);
  const request = {
    postId: 'p',
    targetId: 't',
    text: 'Never sent',
    publishAt: new Date().toISOString(),
    idempotencyKey: 'k',
    isRetry: false,
    media: [],
  };
  await expect(h().adapters.x.publish(stale, request)).rejects.toMatchObject({ kind: 'auth_failed' });
  await h().adapters.x.publish(credentials, { ...request, text: 'Said once only' });
  await expect(h().adapters.x.publish(credentials, { ...request, text: 'Said once only' })).rejects.toMatchObject({
    kind: 'invalid_content',
    message: expect.stringContaining('duplicate content'),
  });
});

describe("X's rules are checked when the post is created, counted X's way", () => {
  const later = () => new Date(Date.now() + 3600_000).toISOString();

  test('280 weighted characters: links as 23, CJK and emoji as 2', async () => {
    const fits = `${'x'.repeat(256)} https://example.com/${'a'.repeat(100)}`;
    expect(xLength(fits)).toBe(280);
    expect(xLength('日本語👍')).toBe(8);
    const ok = await createPost({ text: fits, channelIds: [channelId], publishAt: later() });
    expect(ok.statusCode).toBe(201);
    await call(ws().token, 'POST', `/v1/posts/${ok.json().id}/cancel`);
    const before = fake.published().length;
    const cjk = await createPost({ text: '日'.repeat(141), channelIds: [channelId] });
    expect(cjk.statusCode).toBe(422);
    expect(cjk.json().errors[0]).toMatchObject({
      field: 'text',
      rule: 'channel_limits',
      message: expect.stringContaining(
        'X allows at most 280 characters (links count as 23, CJK characters and emoji as 2); this text has 282 (channel "Chorus on X")',
      ),
    });
    expect(fake.published()).toHaveLength(before);
  });

  test('each post of a thread on its own; an empty one is refused', async () => {
    const res = await createPost({ text: `fine\n---\n${'y'.repeat(281)}\n---\n`, channelIds: [channelId] });
    expect(res.statusCode).toBe(422);
    const messages = res.json().errors.map((e: { message: string }) => e.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining('per post; post 2 of the thread has 281'),
        expect.stringContaining('post 3 of the thread is empty'),
      ]),
    );
  });

  test('at most 4 images, images up to 5 MB, and a video alone', async () => {
    const image = (bytes = 1000) => ({ contentType: 'image/png', bytes, width: 8, height: 8, alt: '' });
    // Chorus's API takes 4 attachments at most, so 5 reach only the adapter's own check.
    expect(h().adapters.x.validateMedia([1, 2, 3, 4, 5].map(() => image()))).toEqual([
      'X allows at most 4 images per post; this post has 5',
    ]);
    expect(h().adapters.x.validateMedia([image(6 * 1024 * 1024)])).toEqual([
      'X files of type image/png may be at most 5 MB; attachment 1 has 6.0 MB',
    ]);
    const images = [await uploadMedia(png(8, 8), 'image/png')];
    const video = await uploadMedia(
      Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(64)]),
      'video/mp4',
    );
    const mixed = await createPost({
      text: 'Mixed',
      channelIds: [channelId],
      media: [{ mediaId: video }, { mediaId: images[0] }],
    });
    expect(mixed.statusCode).toBe(422);
    expect(mixed.json().errors[0].message).toContain('X takes one GIF or one video alone');
  });
});

test('metrics of posts by GET /2/tweets?ids= with their impressions (a deleted one says so), followers from /2/users/me', async () => {
  const [tweet] = tweetsWith('Hello X from Chorus');
  tweet!.public_metrics = { like_count: 5, retweet_count: 2, reply_count: 1, quote_count: 3, impression_count: 1234 };
  fake.user.followers = 42;
  const { metrics, calls } = await h().adapters.x.readMetrics!(credentials, [tweet!.id, '1']);
  expect(calls).toBe(1);
  expect(metrics.get(tweet!.id)).toEqual({
    status: 'ok',
    counts: { likes: 5, reposts: 2, replies: 1, quotes: 3, impressions: 1234 },
  });
  expect(metrics.get('1')).toEqual({ status: 'deleted' });
  expect(await h().adapters.x.readFollowers!(credentials)).toBe(42);
});

describe('OAuth 2.0 with PKCE', () => {
  const provider = () => new XOAuthProvider({ apiUrl: fake.url, authorizeUrl: 'https://x.com/i/oauth2/authorize' });
  const redirectUri = 'https://chorus.example/v1/channels/callback/x';
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');

  test('the authorization URL asks for offline.access with an S256 challenge', () => {
    const url = new URL(
      provider().authorizationUrl(
        { clientId: fake.clientId, clientSecret: null, redirectUri },
        { state: 's1', codeChallenge: challenge },
      ),
    );
    expect(url.origin + url.pathname).toBe('https://x.com/i/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: fake.clientId,
      redirect_uri: redirectUri,
      state: 's1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    expect(url.searchParams.get('scope')!.split(' ')).toEqual(
      expect.arrayContaining(['tweet.write', 'offline.access']),
    );
  });

  test.each([
    ['a public client', null],
    ['a confidential client (Basic auth)', 'x-client-secret'],
  ])(
    '%s trades the code (with its verifier only) and refreshes; each refresh token is good once',
    async (_what, secret) => {
      const config = { clientId: fake.clientId, clientSecret: secret, redirectUri };
      const wrong = fake.authorize({ codeChallenge: challenge, redirectUri });
      await expect(
        provider().exchangeCode(config, { code: wrong, codeVerifier: 'not-the-verifier' }),
      ).rejects.toMatchObject({
        kind: 'auth_failed',
      });
      const code = fake.authorize({ codeChallenge: challenge, redirectUri });
      const tokens = await provider().exchangeCode(config, { code, codeVerifier: verifier });
      expect(tokens.refreshToken).toEqual(expect.any(String));
      expect(Date.parse(tokens.accessTokenExpiresAt!)).toBeGreaterThan(Date.now() + 7100_000);
      expect(tokens.scopes).toContain('offline.access');
      // A code is single use.
      await expect(provider().exchangeCode(config, { code, codeVerifier: verifier })).rejects.toBeInstanceOf(
        ChannelError,
      );

      const fresh = await provider().refresh(config, tokens);
      expect(fresh.refreshToken).not.toBe(tokens.refreshToken);
      expect(fresh.accessToken).not.toBe(tokens.accessToken);
      await expect(provider().refresh(config, tokens)).rejects.toMatchObject({ kind: 'auth_failed' });
      expect(await provider().listAccounts(config, fresh)).toEqual([
        { id: fake.user.id, name: 'Chorus (@chorus_app)', kind: 'user', accountToken: null },
      ]);
      expect((await provider().refresh(config, fresh)).refreshToken).toEqual(expect.any(String));
    },
  );
});
