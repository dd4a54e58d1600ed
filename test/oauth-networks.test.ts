import { createServer } from 'node:net';
import { channelTokensQuery, channelTokensWorkflowId } from '../contracts/channel-tokens';
import type { OAuthProviderName } from '../contracts/domain';
import type { OAuthCredentials } from '../contracts/oauth';
import { loadConfig, oauthClients } from '../config';
import { useChorus } from './support/chorus';
import { consent } from './support/consent-page';
import { bearer, waitFor } from './support/harness';
import { startLinkedInFake, type LinkedInFake } from './support/linkedin-fake';
import { jpeg, startMetaFake, type MetaFake } from './support/meta-fake';
import { startXFake, type XFake } from './support/x-fake';

// Each network connected through Chorus's real routes and its own fake's authorization page: the
// configuration (<NETWORK>_CLIENT_ID, the endpoints) as a deployment sets it, the connect call, the
// page followed by an HTTP client that consents, the browser's redirect to the API listening at
// CHORUS_APP_URL, the channel created (or picked), a post published once on the fake, and the
// channel's token workflow renewing its tokens as the network documents.
let x: XFake;
let linkedin: LinkedInFake;
let meta: MetaFake;
let appPort: number;
const appUrl = () => `http://127.0.0.1:${appPort}`;
const channelsMade: string[] = [];
const DAY_MS = 24 * 3600_000;

beforeAll(async () => {
  [x, linkedin, meta, appPort] = await Promise.all([startXFake(), startLinkedInFake(), startMetaFake(), freePort()]);
});
afterAll(async () => {
  await Promise.all([x?.close(), linkedin?.close(), meta?.close()]);
});

const {
  harness: h,
  workspace: ws,
  call,
} = useChorus({
  workspace: 'Networks',
  harness: () => ({
    env: {
      X_API_URL: x.url,
      X_AUTHORIZE_URL: x.authorizeUrl,
      X_CLIENT_ID: x.clientId,
      X_CLIENT_SECRET: x.clientSecret,
      LINKEDIN_API_URL: linkedin.url,
      LINKEDIN_OAUTH_URL: linkedin.oauthUrl,
      LINKEDIN_CLIENT_ID: linkedin.clientId,
      LINKEDIN_CLIENT_SECRET: linkedin.clientSecret,
      FACEBOOK_DIALOG_URL: meta.dialogUrl,
      FACEBOOK_CLIENT_ID: meta.app.clientId,
      FACEBOOK_CLIENT_SECRET: meta.app.clientSecret,
      THREADS_AUTHORIZE_URL: meta.threadsAuthorizeUrl,
      THREADS_CLIENT_ID: meta.app.clientId,
      THREADS_CLIENT_SECRET: meta.app.clientSecret,
    },
    meta: { graphUrl: meta.graphUrl, threadsUrl: meta.threadsUrl },
    // The networks send the browser back to CHORUS_APP_URL, and Instagram fetches media from it.
    appUrl: appUrl(),
  }),
  beforeClose: async (chorus) => {
    await Promise.all(
      channelsMade.map((id) =>
        chorus
          .harness()
          .client.workflow.getHandle(channelTokensWorkflowId(id))
          .terminate('test over')
          .catch(() => undefined),
      ),
    );
  },
});

beforeAll(async () => {
  await h().app.listen({ port: appPort, host: '127.0.0.1' });
});

/** POST /v1/channels/connect/:provider: the network's authorization URL. */
async function startConnect(provider: OAuthProviderName): Promise<URL> {
  const res = await call(ws().token, 'POST', `/v1/channels/connect/${provider}`);
  expect(res.statusCode).toBe(200);
  return new URL(res.json().authorizationUrl);
}

/** The browser following the network's redirect to Chorus's callback: where Chorus sends it next. */
async function followBack(back: URL, provider: OAuthProviderName): Promise<URL> {
  expect(`${back.origin}${back.pathname}`).toBe(`${appUrl()}/v1/channels/callback/${provider}`);
  const res = await fetch(back, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const to = new URL(res.headers.get('location')!, appUrl());
  expect(to.pathname).toBe('/settings/channels');
  return to;
}

/**
 * The whole flow, allowed: the channel connected. With `pick`, the grant names several accounts and
 * the picker (GET …/pending/:id, POST …/complete) connects the one `pick` chooses.
 */
async function connectThrough(
  provider: OAuthProviderName,
  pick?: (accounts: { id: string; name: string; kind: string }[]) => string,
): Promise<string> {
  const authorization = await startConnect(provider);
  const back = await consent(authorization.toString(), 'allow');
  expect(back.searchParams.get('code')).toBeTruthy();
  expect(back.searchParams.get('state')).toBe(authorization.searchParams.get('state'));
  const to = await followBack(back, provider);
  let id: string;
  if (!pick) {
    expect(Object.fromEntries(to.searchParams)).toEqual({ provider, connected: expect.any(String) });
    id = to.searchParams.get('connected')!;
  } else {
    expect(Object.fromEntries(to.searchParams)).toEqual({ provider, pending: expect.any(String) });
    const pendingId = to.searchParams.get('pending')!;
    const pending = await call(ws().token, 'GET', `/v1/channels/connect/pending/${pendingId}`);
    expect(pending.statusCode).toBe(200);
    const accountId = pick(pending.json().accounts);
    const completed = await call(ws().token, 'POST', `/v1/channels/connect/${provider}/complete`, {
      pendingId,
      accountId,
    });
    expect(completed.statusCode).toBe(201);
    id = completed.json().id;
  }
  channelsMade.push(id);
  return id;
}

/** Declined on the network's page: the network's documented error comes back, and nothing is connected. */
async function decline(provider: OAuthProviderName, networkError: string) {
  const before = await channelCount();
  const authorization = await startConnect(provider);
  const back = await consent(authorization.toString(), 'deny');
  expect(back.searchParams.get('error')).toBe(networkError);
  expect(back.searchParams.get('code')).toBeNull();
  expect(back.searchParams.get('state')).toBe(authorization.searchParams.get('state'));
  const to = await followBack(back, provider);
  expect(to.searchParams.get('oauth_error')).toBe('access_denied');
  expect(to.searchParams.get('message')).toMatch(/You declined Chorus's access on .*; nothing was connected/);
  expect(await channelCount()).toBe(before);
}

const channelCount = async () =>
  (await h().db.selectFrom('channels').select('id').where('workspace_id', '=', ws().workspaceId).execute()).length;
const channelRow = (id: string) =>
  h().db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const credentialsOf = async (id: string) =>
  h().sealer.open<OAuthCredentials>((await channelRow(id)).credentials_sealed);
const tokenStatus = (id: string) =>
  h().client.workflow.getHandle(channelTokensWorkflowId(id)).query(channelTokensQuery);

/** Publishes now to the channel; the post once it has gone out. */
async function publish(channelId: string, text: string, media?: { mediaId: string }[]) {
  const created = await call(ws().token, 'POST', '/v1/posts', {
    text,
    channelIds: [channelId],
    ...(media ? { media } : {}),
  });
  expect(created.statusCode).toBe(201);
  const post = await waitFor(
    'the post to go out',
    async () => {
      const p = (await call(ws().token, 'GET', `/v1/posts/${created.json().id}`)).json();
      return ['published', 'failed'].includes(p.status) && p;
    },
    60_000,
  );
  expect(post).toMatchObject({ status: 'published' });
  return post;
}

/** The channel's token workflow has refreshed `n` times. */
const refreshed = (id: string, n = 1) =>
  waitFor(`${n} token refresh(es)`, async () => (await tokenStatus(id)).refreshes >= n, 30_000);

test('a network without its <NETWORK>_CLIENT_ID is not configured; these five are, each with its redirect URI', async () => {
  const clients = oauthClients(loadConfig({ X_CLIENT_ID: 'x-app', FACEBOOK_CLIENT_ID: 'meta-app' }));
  // Instagram runs on the Facebook (Meta) app unless it has its own.
  expect(Object.keys(clients).sort()).toEqual(['facebook', 'instagram', 'x']);
  expect(clients.x).toEqual({
    clientId: 'x-app',
    clientSecret: null,
    redirectUri: 'http://127.0.0.1:3000/v1/channels/callback/x',
  });

  const providers = (await call(ws().token, 'GET', '/v1/channels/providers')).json().providers;
  expect(providers).toEqual(
    (['x', 'linkedin', 'facebook', 'instagram', 'threads'] as const).map((provider) => ({
      provider,
      name: expect.any(String),
      configured: true,
      redirectUri: `${appUrl()}/v1/channels/callback/${provider}`,
    })),
  );
});

test('X: authorize on x.com with PKCE S256 → callback → channel; a post goes out once; the token is refreshed before expiry and the refresh token rotated', async () => {
  await decline('x', 'access_denied');
  const authorization = await startConnect('x');
  expect(`${authorization.origin}${authorization.pathname}`).toBe(x.authorizeUrl);
  expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
    response_type: 'code',
    client_id: x.clientId,
    redirect_uri: `${appUrl()}/v1/channels/callback/x`,
    code_challenge_method: 'S256',
    code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
  });
  expect(authorization.searchParams.get('scope')!.split(' ')).toEqual(
    expect.arrayContaining(['tweet.write', 'offline.access']),
  );

  x.accessTokenTtlSeconds = 6; // refreshed 3 s after it is issued (half its life; 10 minutes in production)
  const id = await connectThrough('x');
  const connected = await credentialsOf(id);
  expect(connected.account).toMatchObject({ id: x.user.id, kind: 'user' });
  expect(x.refreshTokens.get(connected.tokens.refreshToken!)).toBe(true);

  await publish(id, 'Hello X, connected through the flow');
  expect(x.published().filter((t) => t.text === 'Hello X, connected through the flow')).toHaveLength(1);

  await refreshed(id);
  const renewed = await credentialsOf(id);
  expect(renewed.tokens.accessToken).not.toBe(connected.tokens.accessToken);
  expect(renewed.tokens.refreshToken).not.toBe(connected.tokens.refreshToken);
  // Rotated: the old refresh token is spent, the saved one is the live one.
  expect(x.refreshTokens.get(connected.tokens.refreshToken!)).toBe(false);
  expect(x.refreshTokens.get(renewed.tokens.refreshToken!)).toBe(true);
  expect(Date.parse(renewed.tokens.accessTokenExpiresAt!)).toBeGreaterThan(Date.now());
  x.accessTokenTtlSeconds = 7200;
  // The renewed token publishes.
  await publish(id, 'Hello X again, with a refreshed token');
  expect(x.published().filter((t) => t.text === 'Hello X again, with a refreshed token')).toHaveLength(1);
});

test('LinkedIn: /oauth/v2/authorization → callback → the member picked → a post goes out once; the access token is refreshed before expiry', async () => {
  await decline('linkedin', 'user_cancelled_authorize');
  const authorization = await startConnect('linkedin');
  expect(`${authorization.origin}${authorization.pathname}`).toBe(`${linkedin.oauthUrl}/authorization`);
  expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
    response_type: 'code',
    client_id: linkedin.clientId,
    redirect_uri: `${appUrl()}/v1/channels/callback/linkedin`,
  });

  linkedin.accessTokenTtlSeconds = 6;
  // The member and the organization they administer: the user picks.
  const id = await connectThrough('linkedin', (accounts) => {
    expect(accounts).toEqual([
      { id: `urn:li:person:${linkedin.member.sub}`, name: linkedin.member.name, kind: 'member' },
      { id: 'urn:li:organization:5515715', name: 'Chorus Inc.', kind: 'organization' },
    ]);
    return accounts[0]!.id;
  });
  const connected = await credentialsOf(id);
  expect(connected.tokens.refreshToken).toBeTruthy();

  await publish(id, 'Hello LinkedIn, connected through the flow');
  expect(linkedin.posts.filter((p) => p.commentary === 'Hello LinkedIn, connected through the flow')).toEqual([
    expect.objectContaining({ author: `urn:li:person:${linkedin.member.sub}` }),
  ]);

  await refreshed(id);
  const renewed = await credentialsOf(id);
  expect(renewed.tokens.accessToken).not.toBe(connected.tokens.accessToken);
  // LinkedIn's programmatic refresh keeps the refresh token and its original year (it does not rotate it).
  expect(renewed.tokens.refreshToken).toBe(connected.tokens.refreshToken);
  expect(Date.parse(renewed.tokens.refreshTokenExpiresAt!)).toBeLessThanOrEqual(
    Date.parse(connected.tokens.refreshTokenExpiresAt!) + 1000,
  );
  linkedin.accessTokenTtlSeconds = 5_184_000;
  await publish(id, 'Hello LinkedIn again, with a refreshed token');
  expect(linkedin.posts.filter((p) => p.commentary === 'Hello LinkedIn again, with a refreshed token')).toHaveLength(1);
});

test('Facebook: the Login dialog → callback → a Page picked from /me/accounts → a post goes out once with its Page token', async () => {
  await decline('facebook', 'access_denied');
  meta.morePages = [{ id: '1040000000000002', name: 'Chorus Tea', instagram: null }];
  const authorization = await startConnect('facebook');
  expect(`${authorization.origin}${authorization.pathname}`).toBe(meta.dialogUrl);
  expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
    response_type: 'code',
    client_id: meta.app.clientId,
    redirect_uri: `${appUrl()}/v1/channels/callback/facebook`,
  });

  const id = await connectThrough('facebook', (accounts) => {
    expect(accounts).toEqual([
      { id: meta.page.id, name: meta.page.name, kind: 'page' },
      { id: '1040000000000002', name: 'Chorus Tea', kind: 'page' },
    ]);
    return meta.page.id;
  });
  const connected = await credentialsOf(id);
  expect(connected.account).toEqual({
    id: meta.page.id,
    name: meta.page.name,
    kind: 'page',
    accountToken: meta.page.token,
  });
  // The user token is the long-lived one (fb_exchange_token), about 60 days.
  expect(Date.parse(connected.tokens.accessTokenExpiresAt!) - Date.now()).toBeGreaterThan(59 * DAY_MS);

  await publish(id, 'Hello Facebook, connected through the flow');
  expect(meta.feed.filter((p) => p.message === 'Hello Facebook, connected through the flow')).toEqual([
    expect.objectContaining({ pageId: meta.page.id }),
  ]);
  // Renewal, as Meta documents it: the Page token it publishes with does not expire, and a user
  // token has no server-side refresh; the token workflow plans one look at the user token's expiry.
  const status = await tokenStatus(id);
  expect(status.refreshes).toBe(0);
  expect(Date.parse(status.nextRefreshAt!)).toBeGreaterThan(Date.now() + 59 * DAY_MS);
});

test('Instagram: the Login dialog → callback → an Instagram business account picked among the Pages → a photo post goes out once', async () => {
  await decline('instagram', 'access_denied');
  meta.morePages = [
    { id: '1040000000000003', name: 'Chorus Tea', instagram: { id: '17841400000000002', username: 'chorus.tea' } },
    { id: '1040000000000004', name: 'No Instagram here', instagram: null },
  ];
  const authorization = await startConnect('instagram');
  expect(`${authorization.origin}${authorization.pathname}`).toBe(meta.dialogUrl);
  expect(authorization.searchParams.get('scope')!.split(',')).toEqual(
    expect.arrayContaining(['instagram_basic', 'instagram_content_publish']),
  );

  const id = await connectThrough('instagram', (accounts) => {
    expect(accounts).toEqual([
      { id: meta.instagram.id, name: meta.instagram.username, kind: 'instagram_business' },
      { id: '17841400000000002', name: 'chorus.tea', kind: 'instagram_business' },
    ]);
    return meta.instagram.id;
  });
  expect((await credentialsOf(id)).account).toMatchObject({ id: meta.instagram.id, accountToken: meta.page.token });

  const upload = await h().app.inject({
    method: 'POST',
    url: '/v1/media?filename=cup.jpg',
    headers: { ...bearer(ws().token), 'content-type': 'image/jpeg' },
    payload: jpeg(1080, 1080, 42),
  });
  expect(upload.statusCode).toBe(201);
  await publish(id, 'Hello Instagram, connected through the flow', [{ mediaId: upload.json().id }]);
  expect(
    meta.media.filter((m) => m.network === 'instagram' && m.caption === 'Hello Instagram, connected through the flow'),
  ).toEqual([expect.objectContaining({ userId: meta.instagram.id })]);
});

test('Threads: threads.net/oauth/authorize → callback → short-lived then long-lived token (th_exchange_token) → a post goes out once; th_refresh_token renews it before expiry', async () => {
  await decline('threads', 'access_denied');
  const authorization = await startConnect('threads');
  expect(`${authorization.origin}${authorization.pathname}`).toBe(meta.threadsAuthorizeUrl);
  expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
    response_type: 'code',
    client_id: meta.app.clientId,
    redirect_uri: `${appUrl()}/v1/channels/callback/threads`,
  });

  // Long-lived tokens of 8 s, counted as issued a day ago (Threads renews only a token a day old).
  meta.threadsLongLived = { lifetimeMs: 8000, issuedAgoMs: DAY_MS + 60_000 };
  const id = await connectThrough('threads');
  const connected = await credentialsOf(id);
  expect(connected.account).toMatchObject({ id: meta.threadsUser.id, kind: 'user' });
  expect(connected.tokens.accessToken).toMatch(/^THQ/); // the long-lived one, not the short-lived THS
  const exchanges = meta.requests.filter((r) => r.host === 'threads' && r.path === '/access_token');
  expect(exchanges.length).toBeGreaterThanOrEqual(1);

  await publish(id, 'Hello Threads, connected through the flow');
  expect(
    meta.media.filter((m) => m.network === 'threads' && m.caption === 'Hello Threads, connected through the flow'),
  ).toHaveLength(1);

  await refreshed(id);
  const renewed = await credentialsOf(id);
  expect(renewed.tokens.accessToken).not.toBe(connected.tokens.accessToken);
  expect(meta.requests.some((r) => r.host === 'threads' && r.path === '/refresh_access_token')).toBe(true);
  meta.threadsLongLived = { lifetimeMs: 60 * DAY_MS, issuedAgoMs: 0 };
  await refreshed(id, (await tokenStatus(id)).refreshes + 1); // one more: the next token is the 60-day one
  await publish(id, 'Hello Threads again, with a renewed token');
  expect(
    meta.media.filter((m) => m.network === 'threads' && m.caption === 'Hello Threads again, with a renewed token'),
  ).toHaveLength(1);
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
