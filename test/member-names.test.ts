import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import type { Db } from '../db/database';
import { listMembers } from '../db/members';
import { createWorkspaceWithOwner } from '../db/workspaces';
import { useChorus } from './support/chorus';
import { createWorkspace, type TestWorkspace } from './support/harness';
import { useScratchDatabase } from './support/migrations';

/**
 * Issue 13, defect 6: a person's name is per workspace. Each workspace sees the name it gave them
 * (or that they gave themselves there), never one another workspace gave; the tenancy matrix
 * (test/tenancy-matrix.test.ts) checks every route for it, these the ways a name is set and read.
 */

const { harness: h, workspace: ws, call } = useChorus({ workspace: 'Names A' });
let b: TestWorkspace;
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  b = await createWorkspace(h(), 'Names B');
});

interface Named {
  userId: string;
  name: string | null;
}
const memberIn = async (w: TestWorkspace, userId: string) =>
  ((await call(w.token, 'GET', '/v1/members')).json().members as Named[]).find((m) => m.userId === userId);
const invitationOf = async (w: TestWorkspace, userId: string) =>
  ((await call(w.token, 'GET', '/v1/invitations')).json().invitations as Named[]).find((i) => i.userId === userId);
const cookieOf = (res: LightMyRequestResponse) => res.cookies.find((c) => c.name === 'chorus_session')!.value;
const accept = (body: object) => h().app.inject({ method: 'POST', url: '/v1/invitations/accept', payload: body });

test('one person in two workspaces: each names them its own way, in every view, and the name they choose applies where they chose it', async () => {
  const email = `both-${randomUUID()}@example.test`;
  // A adds them first; they accept A's invitation, choosing their name there.
  const inA = await call(ws().token, 'POST', '/v1/members', { email, name: 'Given by A', role: 'editor' });
  expect(inA.statusCode).toBe(201);
  const userId = inA.json().userId as string;
  const accepted = await accept({ code: inA.json().invitation.code, password: PASSWORD, name: 'Chosen in A' });
  expect(accepted.statusCode).toBe(201);
  expect(accepted.json().session.user).toMatchObject({ id: userId, name: 'Chosen in A' });

  // B adds the same address: B's answer carries the name B gave, and nothing of A's.
  const inB = await call(b.token, 'POST', '/v1/members', { email, name: 'Given by B', role: 'analyst' });
  expect(inB.statusCode).toBe(201);
  expect(inB.json()).toMatchObject({ userId, name: 'Given by B' });
  expect(inB.body).not.toContain('Chosen in A');
  expect(inB.body).not.toContain('Given by A');
  // Adding them again answers the same in either workspace, naming nothing.
  const again = await call(b.token, 'POST', '/v1/members', { email, role: 'analyst' });
  expect(again.statusCode).toBe(409);
  expect(again.body).not.toMatch(/Chosen in A|Given by/);

  expect(await memberIn(ws(), userId)).toMatchObject({ name: 'Chosen in A' });
  expect(await memberIn(b, userId)).toMatchObject({ name: 'Given by B' });
  expect(await invitationOf(b, userId)).toMatchObject({ name: 'Given by B' });

  // Signed in, the session names them as its workspace does, and switching workspace renames them.
  const signedIn = await h().app.inject({
    method: 'POST',
    url: '/v1/session',
    payload: { email, password: PASSWORD, workspaceId: b.workspaceId },
  });
  expect(signedIn.statusCode).toBe(200);
  expect(signedIn.json().user.name).toBe('Given by B');
  const cookie = cookieOf(signedIn);
  const switched = await h().app.inject({
    method: 'PUT',
    url: '/v1/session/workspace',
    cookies: { chorus_session: cookie },
    headers: { 'x-csrf-token': signedIn.json().csrfToken },
    payload: { workspaceId: ws().workspaceId },
  });
  expect(switched.statusCode).toBe(200);
  expect(switched.json().user.name).toBe('Chosen in A');

  // Accepting B's invitation (with the password they have) and a name of their own renames them in B only.
  expect((await accept({ code: inB.json().invitation.code, password: PASSWORD, name: 'Chosen in B' })).statusCode).toBe(
    201,
  );
  expect(await memberIn(b, userId)).toMatchObject({ name: 'Chosen in B' });
  expect(await memberIn(ws(), userId)).toMatchObject({ name: 'Chosen in A' });

  // B's audit log names them as B does (the invitation they accepted there).
  const audit = (await call(b.token, 'GET', '/v1/audit?limit=200')).json().entries as {
    actorId: string;
    action: string;
    actor: Named & { member: boolean };
  }[];
  const theirs = audit.filter((e) => e.actorId === userId);
  expect(theirs.length).toBeGreaterThan(0);
  for (const entry of theirs) expect(entry.actor).toMatchObject({ name: 'Chosen in B', member: true });

  // Removed from B, they keep B's name in B's views of what they did; A's name is untouched.
  expect((await call(b.token, 'DELETE', `/v1/members/${userId}`)).statusCode).toBe(204);
  const afterRemoval = (await call(b.token, 'GET', '/v1/audit?limit=200')).json().entries as {
    actorId: string;
    actor: Named & { member: boolean };
  }[];
  for (const entry of afterRemoval.filter((e) => e.actorId === userId))
    expect(entry.actor).toMatchObject({ name: 'Chosen in B', member: false });
  expect(await memberIn(ws(), userId)).toMatchObject({ name: 'Chosen in A' });
});

test('a service account and a workspace owner are named in their membership', async () => {
  const bot = await call(ws().token, 'POST', '/v1/service-accounts', { name: 'Deploy bot', role: 'editor' });
  expect(bot.statusCode).toBe(201);
  expect(await memberIn(ws(), bot.json().userId)).toMatchObject({ name: 'Deploy bot', kind: 'service' });
  const stored = await h()
    .db.selectFrom('memberships')
    .select(['name'])
    .where('user_id', '=', bot.json().userId)
    .executeTakeFirstOrThrow();
  expect(stored.name).toBe('Deploy bot');
  const owned = await createWorkspaceWithOwner(h().db, {
    name: 'Owned',
    ownerEmail: `owner-${randomUUID()}@example.test`,
    ownerName: 'Olga Owner',
  });
  expect(await listMembers(h().db, owned.workspaceId)).toEqual([
    expect.objectContaining({ userId: owned.userId, name: 'Olga Owner', role: 'owner' }),
  ]);
});

describe('migration 0025_membership_names', () => {
  const scratch = useScratchDatabase('chorus_names');
  const migrator = scratch.migrator;
  let db: Db;
  beforeAll(() => {
    db = scratch.db();
  });

  test("gives each membership the user's global name, then drops it; down puts one back", async () => {
    const { error } = await migrator().migrateTo('0024_sign_in_sessions');
    expect(error).toBeUndefined();
    const [w1, w2] = (
      await sql<{ id: string }>`insert into workspaces (name) values ('One'), ('Two') returning id`.execute(db)
    ).rows;
    const [named, nameless] = (
      await sql<{
        id: string;
      }>`insert into users (email, name) values ('n@x.test', 'Nadia'), ('o@x.test', null) returning id`.execute(db)
    ).rows;
    await sql`insert into memberships (workspace_id, user_id, role) values
      (${w1!.id}, ${named!.id}, 'owner'), (${w2!.id}, ${named!.id}, 'editor'), (${w1!.id}, ${nameless!.id}, 'analyst')`.execute(
      db,
    );

    expect((await migrator().migrateToLatest()).error).toBeUndefined();
    const rows = await sql<{ user_id: string; workspace_id: string; name: string | null }>`
      select user_id, workspace_id, name from memberships order by name nulls last, workspace_id`.execute(db);
    expect(rows.rows.map((r) => [r.user_id, r.name]).sort()).toEqual(
      [
        [named!.id, 'Nadia'],
        [named!.id, 'Nadia'],
        [nameless!.id, null],
      ].sort(),
    );
    const column =
      await sql`select 1 from information_schema.columns where table_name = 'users' and column_name = 'name'`.execute(
        db,
      );
    expect(column.rows).toEqual([]);

    expect((await migrator().migrateTo('0024_sign_in_sessions')).error).toBeUndefined();
    const back = await sql<{ id: string; name: string | null }>`select id, name from users order by email`.execute(db);
    expect(back.rows).toEqual([
      { id: named!.id, name: 'Nadia' },
      { id: nameless!.id, name: null },
    ]);
  });
});
