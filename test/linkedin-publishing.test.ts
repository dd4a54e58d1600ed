import { createHash } from 'node:crypto';
import type { OAuthCredentials } from '../contracts/oauth';
import { linkedinCommentary, LinkedInOAuthProvider } from '../channels/linkedin';
import { connectOAuthChannel, oauthCredentials } from './support/channels';
import { useChorus } from './support/chorus';
import { bearer, waitFor } from './support/harness';
import { png } from './support/images';
import { startLinkedInFake, type LinkedInFake } from './support/linkedin-fake';

let fake: LinkedInFake;
// Before useChorus's: the harness's adapters are pointed at the fake.
beforeAll(async () => {
  fake = await startLinkedInFake();
});
const {
  harness: h,
  workspace: ws,
  call,
} = useChorus({
  workspace: 'Posts on LinkedIn',
  harness: () => ({ env: { LINKEDIN_API_URL: fake.url, LINKEDIN_OAUTH_URL: fake.oauthUrl } }),
});
let orgChannel: string;
let memberChannel: string;
let orgCredentials: OAuthCredentials;
const orgUrn = 'urn:li:organization:5515715';

beforeAll(async () => {
  orgCredentials = oauthCredentials(fake.accessToken, {
    id: orgUrn,
    name: 'Chorus Inc.',
    kind: 'organization',
    accountToken: null,
  });
  orgChannel = (await connectOAuthChannel(h(), ws(), 'linkedin', 'Chorus Inc. on LinkedIn', orgCredentials)).id;
  const member = oauthCredentials(fake.accessToken, {
    id: `urn:li:person:${fake.member.sub}`,
    name: fake.member.name,
    kind: 'member',
    accountToken: null,
  });
  memberChannel = (await connectOAuthChannel(h(), ws(), 'linkedin', 'Ann on LinkedIn', member)).id;
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
      return ['published', 'failed', 'partially_published'].includes(p.status) && p;
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
const postsWith = (text: string) => fake.posts.filter((p) => p.commentary.includes(text));

test('little text: reserved characters escaped, so a mention or a link is read as text; #tags stay hashtags', () => {
  expect(linkedinCommentary('Hi @ann (see [docs]) #Chorus a_b ~ * <x> | {y} \\ C#')).toBe(
    'Hi \\@ann \\(see \\[docs\\]\\) {hashtag|\\#|Chorus} a\\_b \\~ \\* \\<x\\> \\| \\{y\\} \\\\ C\\#',
  );
});

test('a text post as the organization and as the member, once each with the versioned headers; the id from x-restli-id', async () => {
  const created = await createPost({
    text: 'Hello LinkedIn from @Chorus (beta) #launch',
    channelIds: [orgChannel, memberChannel],
  });
  expect(created.statusCode).toBe(201);
  const post = await published(created.json().id);
  expect(post.status).toBe('published');
  const made = postsWith('Hello LinkedIn');
  expect(made.map((p) => p.author).sort()).toEqual([orgUrn, `urn:li:person:${fake.member.sub}`].sort());
  expect(made[0]!.commentary).toBe('Hello LinkedIn from \\@Chorus \\(beta\\) {hashtag|\\#|launch}');
  const org = made.find((p) => p.author === orgUrn)!;
  const target = post.targets.find((t: { channelId: string }) => t.channelId === orgChannel);
  expect(target).toMatchObject({ externalId: org.id, url: `https://www.linkedin.com/feed/update/${org.id}/` });
  const write = fake.requests.find((r) => r.method === 'POST' && r.path === '/rest/posts')!;
  expect(write.headers['linkedin-version']).toMatch(/^\d{6}$/);
  expect(write.headers['x-restli-protocol-version']).toBe('2.0.0');
});

test('images go up through the Images API and are attached with their alt text, in one post though its answer is lost', async () => {
  const [a, b] = [png(32, 16), png(16, 32)];
  fake.loseNextAnswer = true;
  const created = await createPost({
    text: 'Two pictures for LinkedIn',
    channelIds: [orgChannel],
    media: [
      { mediaId: await uploadMedia(a, 'image/png'), alt: 'wide' },
      { mediaId: await uploadMedia(b, 'image/png'), alt: 'tall' },
    ],
  });
  const post = await published(created.json().id);
  expect(post.status).toBe('published');
  expect(post.targets[0].attempts).toBe(2);
  const [made, ...more] = postsWith('Two pictures for LinkedIn');
  expect(more).toHaveLength(0);
  const images = made!.content!.multiImage!.images;
  expect(images.map((i) => [fake.images.get(i.id)!.sha256, fake.images.get(i.id)!.owner, i.altText])).toEqual([
    [sha256(a), orgUrn, 'wide'],
    [sha256(b), orgUrn, 'tall'],
  ]);
});

test('exactly once when the answer is lost: the retry finds the organization post among its latest', async () => {
  fake.loseNextAnswer = true;
  const created = await createPost({ text: 'The LinkedIn answer is lost', channelIds: [orgChannel] });
  const post = await published(created.json().id);
  expect(post.status).toBe('published');
  expect(post.targets[0].attempts).toBe(2);
  expect(postsWith('The LinkedIn answer is lost')).toHaveLength(1);
  expect(fake.requests.some((r) => r.path.startsWith('/rest/posts?q=author'))).toBe(true);
});

test("a member's posts cannot be read without r_member_social: the retry takes the post LinkedIn says it duplicates", async () => {
  fake.loseNextAnswer = true;
  const created = await createPost({ text: 'Lost as the member', channelIds: [memberChannel] });
  const post = await published(created.json().id);
  expect(post.status).toBe('published');
  const made = postsWith('Lost as the member');
  expect(made).toHaveLength(1);
  expect(post.targets[0].externalId).toBe(made[0]!.id);
});

test('a 429 is retried after its delay, and the post is made once', async () => {
  const started = Date.now();
  fake.failNext({
    status: 429,
    headers: { 'retry-after': '2' },
    body: {
      status: 429,
      serviceErrorCode: 101,
      code: 'TOO_MANY_REQUESTS',
      message: 'Resource level throttle APPLICATION DAY limit for calls to this resource is reached.',
    },
  });
  const created = await createPost({ text: 'After the LinkedIn rate limit', channelIds: [orgChannel] });
  const post = await published(created.json().id);
  expect(post.status).toBe('published');
  expect(post.targets[0].attempts).toBe(2);
  const made = postsWith('After the LinkedIn rate limit');
  expect(made).toHaveLength(1);
  expect(made[0]!.createdAt - started).toBeGreaterThanOrEqual(2000);
});

describe("LinkedIn's rules are checked when the post is created", () => {
  test('3,000 characters', async () => {
    const before = fake.posts.length;
    const res = await createPost({ text: 'é'.repeat(3001), channelIds: [orgChannel] });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0]).toMatchObject({
      field: 'text',
      rule: 'channel_limits',
      message: 'LinkedIn allows at most 3000 characters; this text has 3001 (channel "Chorus Inc. on LinkedIn")',
    });
    expect(fake.posts).toHaveLength(before);
  });

  test('images only (no video)', async () => {
    const video = await uploadMedia(
      Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(64)]),
      'video/mp4',
    );
    const res = await createPost({ text: 'A film', channelIds: [orgChannel], media: [{ mediaId: video }] });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0]).toMatchObject({
      field: 'media',
      rule: 'channel_media',
      message: expect.stringContaining(
        'LinkedIn posts from Chorus take JPEG, PNG and GIF images; attachment 1 is video/mp4',
      ),
    });
  });
});

describe('3-legged OAuth', () => {
  const provider = () => new LinkedInOAuthProvider({ apiUrl: fake.url, oauthUrl: fake.oauthUrl, version: '202510' });
  const config = () => ({
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    redirectUri: 'https://chorus.example/v1/channels/callback/linkedin',
  });

  test('the authorization URL asks for member and organization posting', () => {
    const url = new URL(provider().authorizationUrl(config(), { state: 's2', codeChallenge: null }));
    expect(url.origin + url.pathname).toBe(`${fake.oauthUrl}/authorization`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: fake.clientId,
      redirect_uri: config().redirectUri,
      state: 's2',
    });
    expect(url.searchParams.get('scope')!.split(' ')).toEqual(
      expect.arrayContaining(['w_member_social', 'w_organization_social']),
    );
  });

  test('the code is traded once; a refresh keeps the refresh token and its year; the member and their organizations are listed', async () => {
    const code = fake.authorize({ redirectUri: config().redirectUri });
    const tokens = await provider().exchangeCode(config(), { code, codeVerifier: null });
    expect(tokens).toMatchObject({
      refreshToken: expect.any(String),
      scopes: expect.arrayContaining(['w_member_social']),
    });
    expect(Date.parse(tokens.accessTokenExpiresAt!)).toBeGreaterThan(Date.now() + 59 * 24 * 3600_000);
    await expect(provider().exchangeCode(config(), { code, codeVerifier: null })).rejects.toMatchObject({
      kind: 'auth_failed',
    });
    const fresh = await provider().refresh(config(), tokens);
    expect(fresh.accessToken).not.toBe(tokens.accessToken);
    expect(fresh.refreshToken).toBe(tokens.refreshToken);
    expect(Math.abs(Date.parse(fresh.refreshTokenExpiresAt!) - Date.parse(tokens.refreshTokenExpiresAt!))).toBeLessThan(
      5000,
    );
    await expect(provider().refresh(config(), { ...tokens, refreshToken: 'revoked' })).rejects.toMatchObject({
      kind: 'auth_failed',
    });
    expect(await provider().listAccounts(config(), fresh)).toEqual([
      { id: `urn:li:person:${fake.member.sub}`, name: 'Ann Chorus', kind: 'member', accountToken: null },
      { id: orgUrn, name: 'Chorus Inc.', kind: 'organization', accountToken: null },
    ]);
  });
});
