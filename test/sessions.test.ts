import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LightMyRequestResponse } from 'fastify';
import { hashPassword } from '../db/passwords';
import { createWorkspaceWithOwner } from '../db/workspaces';
import type { Method } from './support/chorus';
import { useChorus } from './support/chorus';
import { addMember, createWorkspace, type TestWorkspace } from './support/harness';
import { testEnv } from './setup/test-env';

const { harness: h, workspace: ws, call } = useChorus({ workspace: 'Sessions' });

const PASSWORD = 'correct horse battery';
let people = 0;
const newEmail = () => `signin-${++people}-${randomUUID()}@example.test`;

/** A person with a password, member of the fixture's workspace with `role` (owner's bearer token adds them). */
async function personWithPassword(role = 'editor', password = PASSWORD) {
  const email = newEmail();
  const added = await call(ws().token, 'POST', '/v1/members', { email, role, name: 'Signing In' });
  expect(added.statusCode).toBe(201);
  const { userId } = added.json() as { userId: string };
  await h()
    .db.updateTable('users')
    .set({ password_hash: await hashPassword(password) })
    .where('id', '=', userId)
    .execute();
  return { email, userId };
}

interface Signed {
  cookie: string;
  csrf: string;
  view: SessionViewJson;
}
interface SessionViewJson {
  user: { id: string; email: string; name: string | null };
  workspace: { id: string; name: string; role: string };
  workspaces: { id: string; name: string; role: string }[];
  csrfToken: string;
  expiresAt: string;
  temporalUiUrl: string | null;
  temporalNamespace: string;
}

const sessionCookieOf = (res: LightMyRequestResponse) => res.cookies.find((c) => c.name === 'chorus_session');

const signInRaw = (body: object) => h().app.inject({ method: 'POST', url: '/v1/session', payload: body });

async function signIn(email: string, password = PASSWORD, workspaceId?: string): Promise<Signed> {
  const res = await signInRaw({ email, password, ...(workspaceId ? { workspaceId } : {}) });
  expect(res.statusCode).toBe(200);
  const view = res.json() as SessionViewJson;
  return { cookie: sessionCookieOf(res)!.value, csrf: view.csrfToken, view };
}

/** The API called with a session cookie (and a CSRF header when given), no bearer token. */
const withCookie = (cookie: string, method: Method, url: string, body?: object, csrf?: string) =>
  h().app.inject({
    method,
    url,
    cookies: { chorus_session: cookie },
    headers: csrf === undefined ? {} : { 'x-csrf-token': csrf },
    ...(body === undefined ? {} : { payload: body }),
  });

const sessionRow = (cookieUser: string) =>
  h().db.selectFrom('sessions').selectAll().where('user_id', '=', cookieUser).orderBy('created_at', 'desc');

describe('signing in', () => {
  test('sign in sets an HttpOnly, SameSite=Lax cookie; the cookie reads the workspace as the member', async () => {
    const person = await personWithPassword('editor');
    const res = await signInRaw({ email: person.email.toUpperCase(), password: PASSWORD });
    expect(res.statusCode).toBe(200);
    const view = res.json() as SessionViewJson;
    expect(view).toEqual({
      user: { id: person.userId, email: person.email, name: 'Signing In' },
      workspace: { id: ws().workspaceId, name: 'Sessions', role: 'editor' },
      workspaces: [{ id: ws().workspaceId, name: 'Sessions', role: 'editor' }],
      csrfToken: expect.any(String),
      expiresAt: expect.any(String),
      temporalUiUrl: null,
      temporalNamespace: 'default',
    });
    const days = (Date.parse(view.expiresAt) - Date.now()) / (24 * 3600_000);
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
    const cookie = sessionCookieOf(res)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.secure).toBeFalsy();
    expect(String(res.headers['set-cookie'])).toMatch(/HttpOnly/);

    // Only a hash of the cookie's value is stored.
    const stored = await sessionRow(person.userId).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(cookie.value);
    expect(stored.workspace_id).toBe(ws().workspaceId);

    const members = await withCookie(cookie.value, 'GET', '/v1/members');
    expect(members.statusCode).toBe(200);
    expect(members.json().members.map((m: { userId: string }) => m.userId)).toContain(person.userId);
    const again = await withCookie(cookie.value, 'GET', '/v1/session');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(view);

    const audit = await h()
      .db.selectFrom('audit_log')
      .select(['action', 'actor_id', 'workspace_id'])
      .where('subject_id', '=', stored.id)
      .execute();
    expect(audit).toEqual([{ action: 'session.created', actor_id: person.userId, workspace_id: ws().workspaceId }]);
  });

  test('a role the member lacks is refused through the cookie as through a token', async () => {
    const person = await personWithPassword('analyst');
    const { cookie, csrf } = await signIn(person.email);
    const res = await withCookie(cookie, 'POST', '/v1/members', { email: newEmail(), role: 'editor' }, csrf);
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toMatch(/role "analyst"/);
  });

  test('a wrong password, an unknown email, an account without a password and a workspace not theirs all get the same 401', async () => {
    const person = await personWithPassword('editor');
    const noPassword = await addMember(h(), ws().workspaceId, 'editor');
    const noPasswordEmail = (
      await h().db.selectFrom('users').select('email').where('id', '=', noPassword.userId).executeTakeFirstOrThrow()
    ).email;
    const answers = await Promise.all([
      signInRaw({ email: person.email, password: 'not the password' }),
      signInRaw({ email: newEmail(), password: PASSWORD }),
      signInRaw({ email: noPasswordEmail, password: PASSWORD }),
      signInRaw({ email: person.email, password: PASSWORD, workspaceId: randomUUID() }),
    ]);
    for (const res of answers) {
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.cookies).toEqual([]);
    }
    const bodies = answers.map((r) => r.body);
    expect(new Set(bodies).size).toBe(1);
    expect(answers[0]!.json()).toMatchObject({ status: 401, detail: 'Email or password is wrong' });
  });

  test('sign-in is rate limited per address and email: the 11th attempt in 15 minutes is a 429 with Retry-After', async () => {
    const person = await personWithPassword('editor');
    for (let i = 0; i < 10; i++)
      expect((await signInRaw({ email: person.email, password: `wrong ${i}` })).statusCode).toBe(401);
    const limited = await signInRaw({ email: person.email, password: PASSWORD });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(800);
    expect(limited.json()).toMatchObject({ status: 429, title: 'Too Many Requests' });
    expect(limited.cookies).toEqual([]);
    // Another email from the same address is not held back.
    const other = await personWithPassword('editor');
    expect((await signInRaw({ email: other.email, password: PASSWORD })).statusCode).toBe(200);
  });
});

describe('CSRF', () => {
  test("a state-changing request by cookie needs the session's x-csrf-token; without it or with a wrong one nothing is written", async () => {
    const person = await personWithPassword('admin');
    const { cookie, csrf } = await signIn(person.email);
    const added = async (email: string) =>
      h().db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();

    const missing = newEmail();
    const without = await withCookie(cookie, 'POST', '/v1/members', { email: missing, role: 'editor' });
    expect(without.statusCode).toBe(403);
    expect(without.json()).toMatchObject({ status: 403, detail: 'CSRF token missing or wrong' });
    expect(await added(missing)).toBeUndefined();

    const wrong = newEmail();
    const withWrong = await withCookie(cookie, 'POST', '/v1/members', { email: wrong, role: 'editor' }, `${csrf}x`);
    expect(withWrong.statusCode).toBe(403);
    expect(await added(wrong)).toBeUndefined();
    const otherSession = await signIn(person.email);
    const foreign = await withCookie(
      cookie,
      'POST',
      '/v1/members',
      { email: wrong, role: 'editor' },
      otherSession.csrf,
    );
    expect(foreign.statusCode).toBe(403);
    expect(await added(wrong)).toBeUndefined();

    const right = newEmail();
    const withRight = await withCookie(cookie, 'POST', '/v1/members', { email: right, role: 'editor' }, csrf);
    expect(withRight.statusCode).toBe(201);
    expect(await added(right)).toBeDefined();

    // Reads need none; sign-out and switching workspace do.
    expect((await withCookie(cookie, 'GET', '/v1/members')).statusCode).toBe(200);
    expect((await withCookie(cookie, 'DELETE', '/v1/session')).statusCode).toBe(403);
    expect((await withCookie(cookie, 'GET', '/v1/session')).statusCode).toBe(200);
  });

  test('a bearer request needs no CSRF token, even beside a cookie', async () => {
    const res = await call(ws().token, 'POST', '/v1/members', { email: newEmail(), role: 'analyst' });
    expect(res.statusCode).toBe(201);
    const person = await personWithPassword('editor');
    const { cookie } = await signIn(person.email);
    // The Authorization header wins: the owner's token acts, no CSRF asked.
    const both = await h().app.inject({
      method: 'POST',
      url: '/v1/members',
      cookies: { chorus_session: cookie },
      headers: { authorization: `Bearer ${ws().token}` },
      payload: { email: newEmail(), role: 'analyst' },
    });
    expect(both.statusCode).toBe(201);
  });
});

describe('session lifetime', () => {
  test('past its end, or idle longer than 12 hours, a session is a 401 of type session-expired; an unknown cookie is a plain 401', async () => {
    const person = await personWithPassword('editor');
    const ended = await signIn(person.email);
    const idle = await signIn(person.email);
    const rows = await sessionRow(person.userId).execute();
    const [idleRow, endedRow] = rows; // newest first
    await h()
      .db.updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', endedRow!.id)
      .execute();
    await h()
      .db.updateTable('sessions')
      .set({ last_seen_at: new Date(Date.now() - 12 * 3600_000 - 1000) })
      .where('id', '=', idleRow!.id)
      .execute();

    for (const { cookie } of [ended, idle]) {
      const res = await withCookie(cookie, 'GET', '/v1/members');
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({
        type: 'https://chorus.dev/problems/session-expired',
        detail: expect.stringMatching(/expired/),
        errors: [{ field: 'cookie.chorus_session', rule: 'expired' }],
      });
      expect((await withCookie(cookie, 'GET', '/v1/session')).json().type).toBe(
        'https://chorus.dev/problems/session-expired',
      );
    }
    const unknown = await withCookie('not-a-session', 'GET', '/v1/members');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().type).toBe('https://chorus.dev/problems/unauthorized');
    const none = await h().app.inject({ method: 'GET', url: '/v1/session' });
    expect(none.statusCode).toBe(401);
    expect(none.json().type).toBe('https://chorus.dev/problems/unauthorized');
  });

  test('a request moves last_seen_at forward (at most once a minute), keeping an active session alive', async () => {
    const person = await personWithPassword('editor');
    const { cookie } = await signIn(person.email);
    const row = await sessionRow(person.userId).executeTakeFirstOrThrow();
    const fresh = await withCookie(cookie, 'GET', '/v1/members');
    expect(fresh.statusCode).toBe(200);
    // Within the minute: not written.
    expect((await sessionRow(person.userId).executeTakeFirstOrThrow()).last_seen_at).toEqual(row.last_seen_at);

    const elevenHoursAgo = new Date(Date.now() - 11 * 3600_000);
    await h().db.updateTable('sessions').set({ last_seen_at: elevenHoursAgo }).where('id', '=', row.id).execute();
    expect((await withCookie(cookie, 'GET', '/v1/members')).statusCode).toBe(200);
    const touched = await sessionRow(person.userId).executeTakeFirstOrThrow();
    expect(touched.last_seen_at.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  test('sign-out revokes the session and clears the cookie', async () => {
    const person = await personWithPassword('editor');
    const { cookie, csrf } = await signIn(person.email);
    const out = await withCookie(cookie, 'DELETE', '/v1/session', undefined, csrf);
    expect(out.statusCode).toBe(204);
    const cleared = sessionCookieOf(out)!;
    expect(cleared.value).toBe('');
    expect(cleared.expires!.getTime()).toBeLessThanOrEqual(Date.now());
    expect((await sessionRow(person.userId).executeTakeFirstOrThrow()).revoked_at).not.toBeNull();
    const after = await withCookie(cookie, 'GET', '/v1/members');
    expect(after.statusCode).toBe(401);
    expect(after.json().type).toBe('https://chorus.dev/problems/unauthorized');
  });

  test("a removed member's session stops working in that workspace", async () => {
    const person = await personWithPassword('editor');
    const { cookie } = await signIn(person.email);
    expect((await withCookie(cookie, 'GET', '/v1/members')).statusCode).toBe(200);
    expect((await call(ws().token, 'DELETE', `/v1/members/${person.userId}`)).statusCode).toBe(204);
    const res = await withCookie(cookie, 'GET', '/v1/members');
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toMatch(/no longer a member/);
  });
});

describe('workspaces', () => {
  let other: TestWorkspace;
  beforeAll(async () => {
    other = await createWorkspace(h(), 'Sessions Other');
  });

  test("switching to a workspace of one's own works; one they are not in is a 404 like one that does not exist", async () => {
    const person = await personWithPassword('admin');
    const email = person.email;
    // The owner of the other workspace adds them as an analyst.
    expect((await call(other.token, 'POST', '/v1/members', { email, role: 'analyst' })).statusCode).toBe(201);
    const { cookie, csrf, view } = await signIn(email, PASSWORD, ws().workspaceId);
    expect(view.workspaces.map((w) => [w.name, w.role])).toEqual([
      ['Sessions', 'admin'],
      ['Sessions Other', 'analyst'],
    ]);

    const moved = await withCookie(cookie, 'PUT', '/v1/session/workspace', { workspaceId: other.workspaceId }, csrf);
    expect(moved.statusCode).toBe(200);
    expect(moved.json().workspace).toEqual({ id: other.workspaceId, name: 'Sessions Other', role: 'analyst' });
    // Now the cookie acts in the other workspace, with the role held there.
    const members = (await withCookie(cookie, 'GET', '/v1/members')).json().members as { userId: string }[];
    expect(members.map((m) => m.userId)).toContain(other.userId);
    expect(members.map((m) => m.userId)).not.toContain(ws().userId);
    expect(
      (await withCookie(cookie, 'POST', '/v1/members', { email: newEmail(), role: 'editor' }, csrf)).statusCode,
    ).toBe(403);

    const third = await createWorkspace(h(), 'Sessions Third');
    const notMine = await withCookie(cookie, 'PUT', '/v1/session/workspace', { workspaceId: third.workspaceId }, csrf);
    const nowhere = await withCookie(cookie, 'PUT', '/v1/session/workspace', { workspaceId: randomUUID() }, csrf);
    expect(notMine.statusCode).toBe(404);
    expect(notMine.body).toBe(nowhere.body);
    expect((await withCookie(cookie, 'GET', '/v1/session')).json().workspace.id).toBe(other.workspaceId);
  });

  test("another workspace's ids are not reachable through the cookie", async () => {
    const person = await personWithPassword('admin');
    const { cookie, csrf } = await signIn(person.email);
    const outsider = await addMember(h(), other.workspaceId, 'editor');
    const res = await withCookie(cookie, 'PATCH', `/v1/members/${outsider.userId}`, { role: 'analyst' }, csrf);
    expect(res.statusCode).toBe(404);
    const role = await h()
      .db.selectFrom('memberships')
      .select('role')
      .where('user_id', '=', outsider.userId)
      .where('workspace_id', '=', other.workspaceId)
      .executeTakeFirstOrThrow();
    expect(role.role).toBe('editor');
    const removal = await withCookie(cookie, 'DELETE', `/v1/members/${other.userId}`, undefined, csrf);
    expect(removal.statusCode).toBe(404);
  });
});

describe('invitation links', () => {
  const preview = (code: string) =>
    h().app.inject({ method: 'GET', url: `/v1/invitations/preview?code=${encodeURIComponent(code)}` });
  const acceptWithPassword = (body: object) =>
    h().app.inject({ method: 'POST', url: '/v1/invitations/accept', payload: body });
  const inviteNew = async (role = 'editor', token = ws().token) => {
    const email = newEmail();
    const res = await call(token, 'POST', '/v1/members', { email, role });
    expect(res.statusCode).toBe(201);
    return {
      email,
      ...(res.json() as { userId: string; invitation: { id: string; code: string; expiresAt: string } }),
    };
  };
  const passwordHashOf = async (userId: string) =>
    (await h().db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirstOrThrow())
      .password_hash;

  test('preview, accept with a password: signed in by cookie, and able to sign in with it later; the code works once', async () => {
    const invited = await inviteNew('editor');
    const seen = await preview(invited.invitation.code);
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toEqual({
      workspaceName: 'Sessions',
      email: invited.email,
      role: 'editor',
      expiresAt: invited.invitation.expiresAt,
    });
    // Previewing changes nothing.
    expect((await preview(invited.invitation.code)).statusCode).toBe(200);

    const short = await acceptWithPassword({ code: invited.invitation.code, password: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors[0]).toMatchObject({ field: 'body.password' });

    const accepted = await acceptWithPassword({
      code: invited.invitation.code,
      password: PASSWORD,
      name: 'Ines Vited',
    });
    expect(accepted.statusCode).toBe(201);
    const answer = accepted.json();
    expect(answer).toEqual({
      workspaceId: ws().workspaceId,
      userId: invited.userId,
      email: invited.email,
      role: 'editor',
      session: expect.objectContaining({
        user: { id: invited.userId, email: invited.email, name: 'Ines Vited' },
        workspace: { id: ws().workspaceId, name: 'Sessions', role: 'editor' },
        csrfToken: expect.any(String),
      }),
    });
    // No API token was minted.
    expect(await h().db.selectFrom('api_tokens').select('id').where('user_id', '=', invited.userId).execute()).toEqual(
      [],
    );
    const cookie = sessionCookieOf(accepted)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect((await withCookie(cookie.value, 'GET', '/v1/members')).statusCode).toBe(200);
    const posted = await withCookie(
      cookie.value,
      'POST',
      '/v1/invitations',
      { userId: invited.userId },
      answer.session.csrfToken,
    );
    expect(posted.statusCode).toBe(403); // an editor cannot invite: the role, not the CSRF check, refuses
    expect(posted.json().detail).toMatch(/role "editor"/);
    await signIn(invited.email);

    // The code is used: preview and accept say so; nothing changes.
    const hash = await passwordHashOf(invited.userId);
    expect((await preview(invited.invitation.code)).statusCode).toBe(410);
    const reused = await acceptWithPassword({ code: invited.invitation.code, password: 'another password!' });
    expect(reused.statusCode).toBe(410);
    expect(reused.json().errors[0]).toMatchObject({ field: 'code', rule: 'used' });
    expect(reused.cookies).toEqual([]);
    expect(await passwordHashOf(invited.userId)).toBe(hash);
    // The CLI path still redeems codes for tokens.
    expect(
      (await call(undefined, 'POST', '/v1/invitations/accept', { code: invited.invitation.code })).statusCode,
    ).toBe(410);
  });

  test('unknown and expired codes: 404 and 410, for preview and accept alike', async () => {
    expect((await preview('chorusinv_nothing')).statusCode).toBe(404);
    expect((await acceptWithPassword({ code: 'chorusinv_nothing', password: PASSWORD })).statusCode).toBe(404);
    const invited = await inviteNew('analyst');
    await h()
      .db.updateTable('invitations')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', invited.invitation.id)
      .execute();
    const seen = await preview(invited.invitation.code);
    expect(seen.statusCode).toBe(410);
    expect(seen.json().errors[0]).toMatchObject({ rule: 'expired' });
    const accepted = await acceptWithPassword({ code: invited.invitation.code, password: PASSWORD });
    expect(accepted.statusCode).toBe(410);
    expect(await passwordHashOf(invited.userId)).toBeNull();
  });

  test('an account with a password must give that password; an inviter cannot set the first password of someone in other workspaces', async () => {
    const other = await createWorkspace(h(), 'Sessions Elsewhere');
    // Already signing in with a password: a new workspace's invitation needs that password.
    const person = await personWithPassword('editor');
    const { invitation } = (
      await call(other.token, 'POST', '/v1/members', { email: person.email, role: 'admin' })
    ).json();
    const wrong = await acceptWithPassword({ code: invitation.code, password: 'a different one' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().errors[0]).toMatchObject({ field: 'password', rule: 'wrong_password' });
    expect((await preview(invitation.code)).statusCode).toBe(200); // still open
    const right = await acceptWithPassword({ code: invitation.code, password: PASSWORD });
    expect(right.statusCode).toBe(201);
    expect(right.json().session.workspace).toEqual({
      id: other.workspaceId,
      name: 'Sessions Elsewhere',
      role: 'admin',
    });

    // A member of this workspace without a password, invited by the other workspace's owner (who sees the code).
    const tokenOnly = await addMember(h(), ws().workspaceId, 'editor');
    const email = (
      await h().db.selectFrom('users').select('email').where('id', '=', tokenOnly.userId).executeTakeFirstOrThrow()
    ).email;
    const byOther = (await call(other.token, 'POST', '/v1/members', { email, role: 'editor' })).json();
    const takeover = await acceptWithPassword({ code: byOther.invitation.code, password: PASSWORD });
    expect(takeover.statusCode).toBe(403);
    expect(takeover.json().errors[0]).toMatchObject({ rule: 'other_workspaces' });
    expect(await passwordHashOf(tokenOnly.userId)).toBeNull();
    expect((await preview(byOther.invitation.code)).statusCode).toBe(200);
  });

  test("the owner's setup code from createWorkspaceWithOwner sets the owner's password and signs them in", async () => {
    const created = await createWorkspaceWithOwner(h().db, { name: 'Fresh', ownerEmail: newEmail() });
    const seen = await preview(created.setupCode);
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({ workspaceName: 'Fresh', role: 'owner', expiresAt: created.setupExpiresAt });
    const days = (Date.parse(created.setupExpiresAt) - Date.now()) / (24 * 3600_000);
    expect(days).toBeGreaterThan(6.9);
    const accepted = await acceptWithPassword({ code: created.setupCode, password: PASSWORD });
    expect(accepted.statusCode).toBe(201);
    expect(accepted.json().session.workspace).toEqual({ id: created.workspaceId, name: 'Fresh', role: 'owner' });
    const cookie = sessionCookieOf(accepted)!.value;
    expect((await withCookie(cookie, 'GET', '/v1/invitations?state=accepted')).statusCode).toBe(200);
    expect((await acceptWithPassword({ code: created.setupCode, password: PASSWORD })).statusCode).toBe(410);
  });

  test('chorus workspace create prints a sign-in link on CHORUS_APP_URL whose code sets the owner password', async () => {
    const { stdout } = await promisify(execFile)(
      'node',
      [
        path.join(__dirname, '..', 'bin', 'chorus.js'),
        'workspace',
        'create',
        '--name',
        'Linked',
        '--owner',
        newEmail(),
      ],
      {
        env: {
          ...process.env,
          DATABASE_URL: testEnv('databaseUrl'),
          CHORUS_APP_URL: 'https://chorus.example.test/',
          CHORUS_ENCRYPTION_KEY: h().encryptionKey,
        },
      },
    );
    const created = JSON.parse(stdout) as { workspaceId: string; signInLink: string };
    const link = new URL(created.signInLink);
    expect(`${link.origin}${link.pathname}`).toBe('https://chorus.example.test/welcome');
    const code = link.searchParams.get('code')!;
    expect((await preview(code)).json()).toMatchObject({ workspaceName: 'Linked', role: 'owner' });
    const accepted = await acceptWithPassword({ code, password: PASSWORD });
    expect(accepted.statusCode).toBe(201);
    expect(accepted.json().session.workspace.id).toBe(created.workspaceId);
  });
});
