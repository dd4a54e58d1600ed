import { sql } from 'kysely';
import type { ChorusApp } from '../api/app';
import { hashPassword } from '../db/passwords';
import type { Method } from './support/chorus';
import { useChorus } from './support/chorus';
import { addMember, bearer, waitFor, type TestWorkspace } from './support/harness';

/**
 * Issue 13: each API process keeps the callers it resolved (api/caller-cache.ts). Two APIs on one
 * database, A and B, each with its own cache, stand for two API processes: what changes a caller
 * through A must be seen by B on its very next request.
 */
const { harness: h, workspace: ws } = useChorus({ workspace: 'Caller cache' });

let a: ChorusApp;
let b: ChorusApp;

beforeAll(async () => {
  a = h().app;
  b = await h().anotherApi();
  await waitFor('both caller caches on', async () => a.callers.active && b.callers.active);
});

afterEach(() => {
  b.callers.seams.afterLookup = undefined;
  b.callers.seams.beforeReconnect = undefined;
});

const call = (app: ChorusApp, token: string, method: Method, url: string, body?: object) =>
  app.inject({ method, url, headers: bearer(token), ...(body === undefined ? {} : { payload: body }) });

const tokenIdOf = async (member: TestWorkspace) =>
  (await h().db.selectFrom('api_tokens').select('id').where('user_id', '=', member.userId).executeTakeFirstOrThrow())
    .id;

/** Calls B twice as `token`: the second is answered from B's cache (a hit, no lookup). */
async function warm(token: string, url = '/v1/members') {
  expect((await call(b, token, 'GET', url)).statusCode).toBe(200);
  const { hits, lookups } = b.callers.stats;
  expect((await call(b, token, 'GET', url)).statusCode).toBe(200);
  expect(b.callers.stats).toMatchObject({ hits: hits + 1, lookups });
}

describe('a change through one API is seen by the other on its next request', () => {
  test('a token used on B, then revoked through A, is refused on B', async () => {
    // Several rounds: a notification read late would let one of them through.
    for (let round = 0; round < 10; round++) {
      const member = await addMember(h(), ws().workspaceId, 'editor');
      await warm(member.token);
      const revoked = await call(a, member.token, 'DELETE', `/v1/tokens/${await tokenIdOf(member)}`);
      expect(revoked.statusCode).toBe(204);
      const after = await call(b, member.token, 'GET', '/v1/members');
      expect(after.statusCode).toBe(401);
    }
  });

  test('a member removed through A is refused on B; a role lowered through A is seen by B', async () => {
    const removed = await addMember(h(), ws().workspaceId, 'editor');
    await warm(removed.token);
    expect((await call(a, ws().token, 'DELETE', `/v1/members/${removed.userId}`)).statusCode).toBe(204);
    expect((await call(b, removed.token, 'GET', '/v1/members')).statusCode).toBe(401);

    const lowered = await addMember(h(), ws().workspaceId, 'admin');
    await warm(lowered.token, '/v1/audit');
    const patched = await call(a, ws().token, 'PATCH', `/v1/members/${lowered.userId}`, { role: 'editor' });
    expect(patched.statusCode).toBe(200);
    const audit = await call(b, lowered.token, 'GET', '/v1/audit');
    expect(audit.statusCode).toBe(403);
    expect(audit.json()).toMatchObject({ detail: expect.stringContaining('"editor"') });
  });

  test('a session cookie used on B: its role lowered, then its sign-out, through A are seen by B', async () => {
    const email = `caller-cache-${Date.now()}@example.test`;
    const added = await call(a, ws().token, 'POST', '/v1/members', { email, role: 'admin', name: 'Cookie' });
    expect(added.statusCode).toBe(201);
    const { userId } = added.json() as { userId: string };
    await h()
      .db.updateTable('users')
      .set({ password_hash: await hashPassword('correct horse battery') })
      .where('id', '=', userId)
      .execute();
    const signedIn = await a.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { email, password: 'correct horse battery' },
    });
    expect(signedIn.statusCode).toBe(200);
    const cookie = signedIn.cookies.find((c) => c.name === 'chorus_session')!.value;
    const { csrfToken } = signedIn.json() as { csrfToken: string };
    const withCookie = (app: ChorusApp, method: Method, url: string) =>
      app.inject({ method, url, cookies: { chorus_session: cookie }, headers: { 'x-csrf-token': csrfToken } });

    expect((await withCookie(b, 'GET', '/v1/audit')).statusCode).toBe(200);
    const { hits } = b.callers.stats;
    expect((await withCookie(b, 'GET', '/v1/audit')).statusCode).toBe(200);
    expect(b.callers.stats.hits).toBe(hits + 1);

    expect((await call(a, ws().token, 'PATCH', `/v1/members/${userId}`, { role: 'editor' })).statusCode).toBe(200);
    expect((await withCookie(b, 'GET', '/v1/audit')).statusCode).toBe(403);

    expect((await withCookie(b, 'GET', '/v1/members')).statusCode).toBe(200);
    expect((await withCookie(b, 'GET', '/v1/members')).statusCode).toBe(200);
    expect((await withCookie(a, 'DELETE', '/v1/session')).statusCode).toBe(204);
    expect((await withCookie(b, 'GET', '/v1/members')).statusCode).toBe(401);
  });
});

test('a lookup racing a revocation never keeps the caller it read before it', async () => {
  const member = await addMember(h(), ws().workspaceId, 'editor');
  const tokenId = await tokenIdOf(member);
  // Between B's query and its store: the token is revoked through A, and B has read the notification.
  b.callers.seams.afterLookup = async () => {
    b.callers.seams.afterLookup = undefined;
    const seen = b.callers.stats.notifications;
    expect((await call(a, member.token, 'DELETE', `/v1/tokens/${tokenId}`)).statusCode).toBe(204);
    await waitFor('B to read the revocation', async () => b.callers.stats.notifications > seen);
  };
  // The lookup read the token before its revocation: this request passes, as it would have uncached.
  expect((await call(b, member.token, 'GET', '/v1/members')).statusCode).toBe(200);
  expect(b.callers.seams.afterLookup).toBeUndefined();
  expect((await call(b, member.token, 'GET', '/v1/members')).statusCode).toBe(401);
});

test("the listener's connection killed: the cache is off (revocations seen) until it is back", async () => {
  const before = await addMember(h(), ws().workspaceId, 'editor');
  await warm(before.token);
  let reconnect!: () => void;
  const held = new Promise<void>((resolve) => (reconnect = resolve));
  b.callers.seams.beforeReconnect = () => held;
  const pid = b.callers.listenerPid!;
  try {
    await sql`select pg_terminate_backend(${pid})`.execute(h().db);
    await waitFor('B to notice its listener is gone', async () => !b.callers.active);

    // Off: nothing served from the cache or stored, and a revocation (whose notification B cannot
    // hear) refused at once.
    const { hits, stored } = b.callers.stats;
    expect((await call(b, before.token, 'GET', '/v1/members')).statusCode).toBe(200);
    expect((await call(b, before.token, 'GET', '/v1/members')).statusCode).toBe(200);
    expect(b.callers.stats).toMatchObject({ hits, stored });
    expect((await call(a, before.token, 'DELETE', `/v1/tokens/${await tokenIdOf(before)}`)).statusCode).toBe(204);
    expect((await call(b, before.token, 'GET', '/v1/members')).statusCode).toBe(401);
  } finally {
    reconnect();
  }
  await waitFor('B listening again', async () => b.callers.active);
  expect(b.callers.listenerPid).not.toBe(pid);

  const after = await addMember(h(), ws().workspaceId, 'editor');
  await warm(after.token);
  expect((await call(a, after.token, 'DELETE', `/v1/tokens/${await tokenIdOf(after)}`)).statusCode).toBe(204);
  expect((await call(b, after.token, 'GET', '/v1/members')).statusCode).toBe(401);
});

test('unknown tokens are looked up every time and never kept', async () => {
  const { stored, lookups } = b.callers.stats;
  for (let i = 0; i < 5; i++) expect((await call(b, `chorus_unknown${i}`, 'GET', '/v1/members')).statusCode).toBe(401);
  expect(b.callers.stats).toMatchObject({ stored, lookups: lookups + 5 });
});
