import type { LightMyRequestResponse } from 'fastify';
import { channelTokensWorkflowId } from '../contracts/channel-tokens';
import type { OAuthCredentials } from '../contracts/oauth';
import { recordHeldPostNotice } from '../db/oauth';
import { hashPassword } from '../db/passwords';
import { setPassword } from '../db/users';
import { useChorus } from './support/chorus';
import { waitFor } from './support/harness';
import { recordHistory } from './support/histories';
import { TestOAuthProvider, testOAuthAdapter } from './support/oauth-network';
import { startOAuthServer, type OAuthServer } from './support/oauth-server';
import { createdPost } from './support/posts';

// The OAuth framework end to end: a real authorization server (test/support/oauth-server.ts) stands
// in for X; the connect flow, the token workflow and publishing run against it as they would against X.
let server: OAuthServer;
let provider: TestOAuthProvider;
const REDIRECT_URI = 'http://127.0.0.1:3000/v1/channels/callback/x';
const channelsMade: string[] = [];

beforeAll(async () => {
  server = await startOAuthServer({ accessTokenTtlSeconds: 3600 });
  provider = new TestOAuthProvider('x', server);
});
afterAll(() => server?.close());

const {
  harness: h,
  workspace: ws,
  member,
  call,
} = useChorus({
  workspace: 'OAuth channels',
  members: ['admin', 'editor'],
  harness: () => ({
    adapters: { x: testOAuthAdapter('x', server) },
    oauth: {
      providers: { x: provider },
      clients: { x: { clientId: server.clientId, clientSecret: server.clientSecret, redirectUri: REDIRECT_URI } },
    },
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

const locationOf = (res: LightMyRequestResponse) => {
  expect(res.statusCode).toBe(302);
  return new URL(String(res.headers.location), 'http://app.test');
};

/** POST /connect as `token`'s holder; the network's authorization URL. */
async function startConnect(token = ws().token): Promise<URL> {
  const res = await call(token, 'POST', '/v1/channels/connect/x');
  expect(res.statusCode).toBe(200);
  return new URL(res.json().authorizationUrl);
}

/** The network's redirect followed to Chorus's callback (as the browser would): where Chorus sends the browser. */
async function callback(back: URL, cookie?: string): Promise<URL> {
  const res = await h().app.inject({
    method: 'GET',
    url: `/v1/channels/callback/x${back.search}`,
    ...(cookie ? { cookies: { chorus_session: cookie } } : {}),
  });
  return locationOf(res);
}

/** The whole flow, allowed: the channel it connected (or reconnected). */
async function connect(token = ws().token): Promise<string> {
  const back = await server.consent((await startConnect(token)).toString(), 'allow');
  const to = await callback(back);
  expect(Object.fromEntries(to.searchParams)).toEqual({ provider: 'x', connected: expect.any(String) });
  const id = to.searchParams.get('connected')!;
  if (!channelsMade.includes(id)) channelsMade.push(id);
  return id;
}

const channelRow = (id: string) =>
  h().db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const credentialsOf = async (id: string) =>
  h().sealer.open<OAuthCredentials>((await channelRow(id)).credentials_sealed);
const channelCount = async () =>
  (await h().db.selectFrom('channels').select('id').where('workspace_id', '=', ws().workspaceId).execute()).length;
const getPost = async (id: string) => (await call(ws().token, 'GET', `/v1/posts/${id}`)).json();
const removeChannel = async (id: string) =>
  expect((await call(ws().token, 'DELETE', `/v1/channels/${id}`)).statusCode).toBe(204);

describe('connecting', () => {
  test('the providers listing says which networks this deployment can connect', async () => {
    const res = await call(member('editor').token, 'GET', '/v1/channels/providers');
    expect(res.statusCode).toBe(200);
    const byName = Object.fromEntries(res.json().providers.map((p: { provider: string }) => [p.provider, p]));
    expect(byName.x).toEqual({ provider: 'x', name: 'X', configured: true, redirectUri: REDIRECT_URI });
    expect(byName.linkedin).toEqual({ provider: 'linkedin', name: 'LinkedIn', configured: false, redirectUri: null });
    const refused = await call(ws().token, 'POST', '/v1/channels/connect/linkedin');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toMatch(/LinkedIn is not configured.*LINKEDIN_CLIENT_ID/);
  });

  test('only owners and admins connect; the authorization URL carries a fresh state and an S256 challenge', async () => {
    expect((await call(member('editor').token, 'POST', '/v1/channels/connect/x')).statusCode).toBe(403);
    expect((await call(undefined, 'POST', '/v1/channels/connect/x')).statusCode).toBe(401);
    const a = await startConnect(member('admin').token);
    const b = await startConnect(member('admin').token);
    expect(a.origin).toBe(server.url);
    expect(Object.fromEntries(a.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: server.clientId,
      redirect_uri: REDIRECT_URI,
      code_challenge_method: 'S256',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(a.searchParams.get('state')).not.toBe(b.searchParams.get('state'));
    expect(a.searchParams.get('code_challenge')).not.toBe(b.searchParams.get('code_challenge'));
    // Only the state's hash is stored.
    const stored = await h().db.selectFrom('oauth_states').select('state_hash').execute();
    expect(stored.map((s) => s.state_hash)).not.toContain(a.searchParams.get('state'));
  });

  test('allowed: one account connects as a channel with sealed tokens, audited; the same callback again is refused', async () => {
    const before = await channelCount();
    const back = await server.consent((await startConnect()).toString(), 'allow');
    const to = await callback(back);
    const id = to.searchParams.get('connected')!;
    channelsMade.push(id);
    expect(to.pathname).toBe('/settings/channels');
    const row = await channelRow(id);
    expect(row).toMatchObject({ provider: 'x', account_ref: 'acct-1', name: 'Acme on X', status: 'connected' });
    expect(row.credentials_sealed).not.toContain(server.liveRefreshTokens()[0]!.slice(0, 10));
    const credentials = await credentialsOf(id);
    expect(credentials.account).toEqual({ id: 'acct-1', name: 'Acme', kind: 'member', accountToken: null });
    expect(server.liveRefreshTokens()).toContain(credentials.tokens.refreshToken);
    const audit = await h()
      .db.selectFrom('audit_log')
      .select(['action', 'actor_id'])
      .where('subject_id', '=', id)
      .execute();
    expect(audit).toEqual([{ action: 'channel.created', actor_id: ws().userId }]);

    // Replayed (a reload, a stolen URL): the state is used up; nothing more is connected.
    const again = await callback(back);
    expect(Object.fromEntries(again.searchParams)).toMatchObject({ provider: 'x', oauth_error: 'state_reused' });
    expect(again.searchParams.get('message')).toMatch(/already used; start again/);
    expect(await channelCount()).toBe(before + 1);
    await removeChannel(id);
  });

  test('a wrong, expired or cross-wired state, a denied consent: nothing connected, the app is told why', async () => {
    const before = await channelCount();
    const errorOf = (to: URL) => [to.searchParams.get('oauth_error'), to.searchParams.get('message')];

    // A state never issued (forged), and none at all.
    const forged = await server.consent((await startConnect()).toString(), 'allow');
    forged.searchParams.set('state', 'A'.repeat(43));
    expect(errorOf(await callback(forged))).toEqual(['invalid_state', expect.stringMatching(/not started here/)]);
    forged.searchParams.delete('state');
    expect(errorOf(await callback(forged))).toEqual(['invalid_state', expect.stringMatching(/without a state/)]);

    // Expired: older than ten minutes.
    const late = await startConnect();
    const lateBack = await server.consent(late.toString(), 'allow');
    await h()
      .db.updateTable('oauth_states')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('used_at', 'is', null)
      .execute();
    expect(errorOf(await callback(lateBack))).toEqual([
      'state_expired',
      expect.stringMatching(/longer than 10 minutes/),
    ]);

    // Another request's state with this code: PKCE binds the code to its own request, the network refuses.
    const mine = await server.consent((await startConnect()).toString(), 'allow');
    const other = await startConnect();
    mine.searchParams.set('state', other.searchParams.get('state')!);
    expect(errorOf(await callback(mine))).toEqual([
      'exchange_failed',
      expect.stringMatching(/did not grant access: invalid_grant: PKCE verification failed/),
    ]);

    // Denied on the consent page.
    const denied = await server.consent((await startConnect()).toString(), 'deny');
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(errorOf(await callback(denied))).toEqual([
      'access_denied',
      "You declined Chorus's access on X; nothing was connected",
    ]);
    expect(await channelCount()).toBe(before);
  });

  test("started in a signed-in browser: the callback must come with that browser's session", async () => {
    const admin = member('admin');
    const passwordHash = await hashPassword('correct horse battery staple');
    await h()
      .db.transaction()
      .execute((trx) => setPassword(trx, { userId: admin.userId, passwordHash }));
    const user = await h()
      .db.selectFrom('users')
      .select('email')
      .where('id', '=', admin.userId)
      .executeTakeFirstOrThrow();
    const signIn = await h().app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { email: user.email, password: 'correct horse battery staple', workspaceId: ws().workspaceId },
    });
    const cookie = signIn.cookies.find((c) => c.name === 'chorus_session')!.value;
    const started = await h().app.inject({
      method: 'POST',
      url: '/v1/channels/connect/x',
      cookies: { chorus_session: cookie },
      headers: { 'x-csrf-token': signIn.json().csrfToken },
    });
    expect(started.statusCode).toBe(200);
    const back = await server.consent(started.json().authorizationUrl, 'allow');
    const elsewhere = await callback(back);
    expect(elsewhere.searchParams.get('oauth_error')).toBe('wrong_session');

    const again = await h().app.inject({
      method: 'POST',
      url: '/v1/channels/connect/x',
      cookies: { chorus_session: cookie },
      headers: { 'x-csrf-token': signIn.json().csrfToken },
    });
    const to = await callback(await server.consent(again.json().authorizationUrl, 'allow'), cookie);
    const id = to.searchParams.get('connected')!;
    channelsMade.push(id);
    expect((await channelRow(id)).created_by).toBe(admin.userId);
    await removeChannel(id);
  });

  test('several accounts: the grant waits for the user to pick one, then that account is connected', async () => {
    server.setAccounts([
      { id: 'page-1', name: 'Acme Shoes', kind: 'page' },
      { id: 'page-2', name: 'Acme Hats', kind: 'page' },
    ]);
    try {
      const to = await callback(await server.consent((await startConnect()).toString(), 'allow'));
      const pendingId = to.searchParams.get('pending')!;
      expect(pendingId).toBeTruthy();
      const pending = await call(ws().token, 'GET', `/v1/channels/connect/pending/${pendingId}`);
      expect(pending.json()).toMatchObject({
        provider: 'x',
        accounts: [
          { id: 'page-1', name: 'Acme Shoes', kind: 'page' },
          { id: 'page-2', name: 'Acme Hats', kind: 'page' },
        ],
      });
      // Another member cannot see or use it.
      expect((await call(member('admin').token, 'GET', `/v1/channels/connect/pending/${pendingId}`)).statusCode).toBe(
        404,
      );
      const complete = (accountId: string, extra: object = {}) =>
        call(ws().token, 'POST', '/v1/channels/connect/x/complete', { pendingId, accountId, ...extra });
      expect((await complete('page-3')).statusCode).toBe(422);
      expect((await complete('page-2', { name: 'x' })).statusCode).toBe(400);
      const made = await complete('page-2');
      expect(made.statusCode).toBe(201);
      channelsMade.push(made.json().id);
      expect(made.json()).toMatchObject({
        provider: 'x',
        accountRef: 'page-2',
        name: 'Acme Hats on X',
        status: 'connected',
      });
      // Used up.
      expect((await complete('page-1')).statusCode).toBe(404);
      await removeChannel(made.json().id);
    } finally {
      server.setAccounts([{ id: 'acct-1', name: 'Acme', kind: 'member' }]);
    }
  });
});

describe('keeping tokens valid', () => {
  test('the token workflow refreshes before expiry and saves each rotated refresh token; posts go out with the fresh token', async () => {
    server.setAccessTokenTtl(4);
    let id: string;
    try {
      id = await connect();
    } finally {
      server.setAccessTokenTtl(3600);
    }
    const first = await credentialsOf(id);
    const expiresAt = Date.parse(first.tokens.accessTokenExpiresAt!);
    const refreshedBefore = server.stats.refreshed;
    // Refreshed (half the remaining life before expiry) and the rotated refresh token saved.
    const second = await waitFor('a refresh saved', async () => {
      const c = await credentialsOf(id);
      return c.tokens.refreshToken !== first.tokens.refreshToken && c;
    });
    expect(Date.now()).toBeLessThan(expiresAt);
    expect(server.stats.refreshed).toBeGreaterThan(refreshedBefore);
    expect(server.liveRefreshTokens()).toContain(second.tokens.refreshToken);
    expect(server.liveRefreshTokens()).not.toContain(first.tokens.refreshToken);
    expect((await channelRow(id)).token_refresh_started_at).toBeNull();

    // Long after the first token died, a post goes out with a live one.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt + 500 - Date.now())));
    const post = await createdPost(call, ws().token, { text: 'Fresh token', channelIds: [id] });
    const done = await waitFor('published', async () => {
      const p = await getPost(post.id);
      return p.status === 'published' && p;
    });
    const sent = server.posts.find((p) => p.id === done.targets[0].externalId)!;
    expect(sent.accessToken).not.toBe(first.tokens.accessToken);
    const status = await h()
      .client.workflow.getHandle(channelTokensWorkflowId(id))
      .query<{ refreshes: number }>('status');
    expect(status.refreshes).toBeGreaterThanOrEqual(1);
    await removeChannel(id);
  });

  test('refused for good: needs_reconnect, posts held (not failed) and refused at write time, owners and admins notified; reconnecting publishes the held post once', async () => {
    server.setAccessTokenTtl(6);
    let id: string;
    try {
      id = await connect();
    } finally {
      server.setAccessTokenTtl(3600);
    }
    // Scheduled while connected, due after the refresh will have failed.
    const post = await createdPost(call, ws().token, {
      text: 'Held, then out once',
      channelIds: [id],
      publishAt: new Date(Date.now() + 9_000).toISOString(),
    });
    server.revokeAll(); // the user removed Chorus's access on the network

    const row = await waitFor('needs_reconnect', async () => {
      const r = await channelRow(id);
      return r.status === 'needs_reconnect' && r;
    });
    expect(row.last_error).toMatch(/X refused to renew Chorus's access \(invalid_grant: the grant was revoked\)/);
    const listed = (await call(ws().token, 'GET', '/v1/channels'))
      .json()
      .channels.find((c: { id: string }) => c.id === id);
    expect(listed).toMatchObject({ status: 'needs_reconnect', health: { healthy: false } });
    const notes = await h().db.selectFrom('notifications').selectAll().where('subject_id', '=', id).execute();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ kind: 'channel.needs_reconnect', subject_type: 'channel' });
    expect(new Set(notes[0]!.recipient_ids)).toEqual(new Set([ws().userId, member('admin').userId]));
    expect(notes[0]!.payload).toMatchObject({ data: { channelId: id, postsWaiting: 1 } });
    const audit = await h().db.selectFrom('audit_log').select('action').where('subject_id', '=', id).execute();
    expect(audit.map((a) => a.action)).toContain('channel.needs_reconnect');

    // A new post to it is refused, saying what to do.
    const refused = await call(ws().token, 'POST', '/v1/posts', { text: 'Not now', channelIds: [id] });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors).toEqual([
      expect.objectContaining({
        field: 'channelIds.0',
        rule: 'channel_connected',
        message: expect.stringMatching(/needs reconnecting .* reconnects it in Settings → Channels/),
      }),
    ]);

    // Its time comes: held, with the reason, nothing sent.
    const held = await waitFor(
      'the post held',
      async () => {
        const p = await getPost(post.id);
        return p.targets[0].lastError && p;
      },
      30_000,
    );
    expect(held.status).toBe('publishing');
    expect(held.targets[0]).toMatchObject({ status: 'publishing' });
    expect(held.targets[0].lastError).toMatch(
      /the channel needs reconnecting .* waits until an owner or admin reconnects it/,
    );
    expect(server.posts.filter((p) => p.text === 'Held, then out once')).toHaveLength(0);
    expect((await h().client.workflow.getHandle(channelTokensWorkflowId(id)).describe()).status.name).toBe('COMPLETED');

    // The held post's notices (the workflow's remindHeldPost): none at the start (needs_reconnect told
    // it), then one a channel and day however often asked, to owners and admins.
    const target = { postId: post.id, targetId: held.targets[0].id, channelId: id };
    expect(await recordHeldPostNotice(h().db, { ...target, reminder: 0 })).toBeUndefined();
    const today = new Date();
    const first = await recordHeldPostNotice(h().db, { ...target, reminder: 1, now: today });
    expect(await recordHeldPostNotice(h().db, { ...target, reminder: 2, now: today })).toBe(first);
    const tomorrow = await recordHeldPostNotice(h().db, {
      ...target,
      reminder: 2,
      now: new Date(today.getTime() + 86_400_000),
    });
    expect(tomorrow).not.toBe(first);
    const reminders = await h()
      .db.selectFrom('notifications')
      .selectAll()
      .where('subject_id', '=', id)
      .where('kind', '=', 'channel.posts_held')
      .execute();
    expect(reminders.map((r) => r.id).sort()).toEqual([first, tomorrow].sort());
    expect(new Set(reminders[0]!.recipient_ids)).toEqual(new Set([ws().userId, member('admin').userId]));
    expect(reminders[0]!.payload).toMatchObject({ data: { channelId: id, postsWaiting: 1, reminder: true } });
    await recordHistory(h().client, channelTokensWorkflowId(id), 'channel-tokens-refused');

    // Reconnected through the flow as the same account: same channel, connected, the post goes out once.
    expect(await connect()).toBe(id);
    expect(await channelRow(id)).toMatchObject({ status: 'connected', healthy: true, last_error: null });
    const done = await waitFor('published', async () => {
      const p = await getPost(post.id);
      return p.status === 'published' && p;
    });
    expect(server.posts.filter((p) => p.text === 'Held, then out once')).toHaveLength(1);
    expect(done.targets[0].externalId).toBe(server.posts.find((p) => p.text === 'Held, then out once')!.id);
    // Its tokens are kept again.
    expect((await h().client.workflow.getHandle(channelTokensWorkflowId(id)).describe()).status.name).toBe('RUNNING');
    await removeChannel(id);
  });

  test('a crash between the network answer and the save, on a network with a reuse grace period: the retry gets new tokens, nothing lost', async () => {
    server.setRefreshGrace(60);
    server.setAccessTokenTtl(4);
    let id: string;
    try {
      provider.crashAfterNextAnswer = false;
      id = await connect();
      provider.crashAfterNextAnswer = true;
    } finally {
      server.setAccessTokenTtl(3600);
    }
    const first = await credentialsOf(id);
    const refused = server.stats.refused;
    const second = await waitFor('a refresh saved after the lost answer', async () => {
      const c = await credentialsOf(id);
      return c.tokens.refreshToken !== first.tokens.refreshToken && c;
    });
    expect(provider.crashAfterNextAnswer).toBe(false); // the crash happened
    expect(server.stats.refused).toBe(refused);
    expect(server.liveRefreshTokens()).toContain(second.tokens.refreshToken);
    expect(await channelRow(id)).toMatchObject({ status: 'connected', token_refresh_started_at: null });
    server.setRefreshGrace(0);
    await removeChannel(id);
  });

  test('a crash between the network answer and the save, on a network without grace: detected, needs_reconnect with that reason, never a silent loss', async () => {
    server.setRefreshGrace(0);
    server.setAccessTokenTtl(4);
    let id: string;
    try {
      id = await connect();
      provider.crashAfterNextAnswer = true;
    } finally {
      server.setAccessTokenTtl(3600);
    }
    const row = await waitFor('needs_reconnect', async () => {
      const r = await channelRow(id);
      return r.status === 'needs_reconnect' && r;
    });
    expect(provider.crashAfterNextAnswer).toBe(false);
    expect(row.last_error).toMatch(
      /The answer to a token refresh sent at .* was lost before Chorus could save it, and X no longer accepts the refresh token it replaced/,
    );
    expect(row.token_refresh_started_at).toBeNull();
    const note = await h()
      .db.selectFrom('notifications')
      .select('kind')
      .where('subject_id', '=', id)
      .executeTakeFirst();
    expect(note?.kind).toBe('channel.needs_reconnect');
    await waitFor(
      'the token workflow to end',
      async () =>
        (await h().client.workflow.getHandle(channelTokensWorkflowId(id)).describe()).status.name === 'COMPLETED',
    );
    await recordHistory(h().client, channelTokensWorkflowId(id), 'channel-tokens-lost-answer');
    // Reconnecting mends it.
    expect(await connect()).toBe(id);
    expect((await channelRow(id)).status).toBe('connected');
    await removeChannel(id);
  });
});
