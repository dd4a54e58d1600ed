import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import type { Role } from '../db/members';
import { connectWebhook } from './support/channels';
import { useChorus } from './support/chorus';
import { addMember, createWorkspace, type TestWorkspace } from './support/harness';
import { testEnv } from './setup/test-env';

const {
  harness: h,
  hook,
  workspace: ws,
  member,
  call,
} = useChorus({
  hook: true,
  workspace: 'Ours',
  members: ['admin', 'editor', 'approver', 'analyst'],
  beforeClose: async () => {
    for (const id of [postId, otherPostId]) {
      const post = await h().db.selectFrom('posts').select(['workflow_id']).where('id', '=', id).executeTakeFirst();
      if (post)
        await h()
          .client.workflow.getHandle(post.workflow_id)
          .terminate('test over')
          .catch(() => undefined);
    }
  },
});
let other: TestWorkspace;
const tokens = {} as Record<Role, TestWorkspace>;
let channelId: string;
let postId: string;
let otherPostId: string;
let otherChannelId: string;
let otherInvitationId: string;
let otherServiceId: string;

const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

beforeAll(async () => {
  other = await createWorkspace(h(), 'Theirs');
  tokens.owner = ws();
  for (const role of ['admin', 'editor', 'approver', 'analyst'] as const) tokens[role] = member(role);
  channelId = (await connectWebhook(h(), ws().token, hook(), 'Ours')).id;
  otherChannelId = (await connectWebhook(h(), other.token, hook(), 'Theirs')).id;
  const created = async (token: string, channel: string) =>
    (await call(token, 'POST', '/v1/posts', { text: 'Later', channelIds: [channel], publishAt: inAnHour() })).json()
      .id as string;
  postId = await created(ws().token, channelId);
  otherPostId = await created(other.token, otherChannelId);
  otherInvitationId = (
    await call(other.token, 'POST', '/v1/members', { email: 'theirs@example.test', role: 'editor' })
  ).json().invitation.id;
  otherServiceId = (
    await call(other.token, 'POST', '/v1/service-accounts', { name: 'Their bot', role: 'editor' })
  ).json().userId;
});

/** Role sets the table repeats: every member, those who write content, those who administer. */
const EVERYONE: Role[] = ['owner', 'admin', 'editor', 'approver', 'analyst'];
const WRITERS: Role[] = ['owner', 'admin', 'editor'];
const ADMINS: Role[] = ['owner', 'admin'];
/** An id no record has. */
const NOBODY = '00000000-0000-4000-8000-000000000000';

type Call = { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: () => string; payload?: () => object };

/**
 * Every route, and the roles allowed on it. Calls that would change shared fixtures use ids that
 * do not exist, so an allowed role gets past the role check (404/422) while a refused one gets 403.
 */
const routes: [string, Call, Role[]][] = [
  ['list channels', { method: 'GET', url: () => '/v1/channels' }, EVERYONE],
  [
    'connect a channel',
    {
      method: 'POST',
      url: () => '/v1/channels',
      payload: () => ({
        provider: 'webhook',
        name: 'x',
        credentials: { url: 'http://127.0.0.1:1/nothing', secret: hook().secret },
      }),
    },
    ADMINS,
  ],
  ['remove a channel', { method: 'DELETE', url: () => `/v1/channels/${NOBODY}` }, ADMINS],
  ['list posts', { method: 'GET', url: () => '/v1/posts' }, EVERYONE],
  ['read a post', { method: 'GET', url: () => `/v1/posts/${postId}` }, EVERYONE],
  ['live status', { method: 'GET', url: () => `/v1/posts/${postId}/live` }, EVERYONE],
  [
    'create a post',
    {
      method: 'POST',
      url: () => '/v1/posts',
      payload: () => ({ text: 'x', channelIds: [`${NOBODY}`] }),
    },
    WRITERS,
  ],
  [
    'preview a post',
    {
      method: 'POST',
      url: () => '/v1/posts/preview',
      payload: () => ({ text: 'x', channelIds: ['00000000-0000-4000-8000-000000000000'] }),
    },
    ['owner', 'admin', 'editor'],
  ],
  [
    'reschedule',
    {
      method: 'POST',
      url: () => `/v1/posts/${NOBODY}/reschedule`,
      payload: () => ({ publishAt: inAnHour() }),
    },
    WRITERS,
  ],
  ['cancel', { method: 'POST', url: () => `/v1/posts/${NOBODY}/cancel` }, WRITERS],
  ['list members', { method: 'GET', url: () => '/v1/members' }, EVERYONE],
  [
    'add a member',
    { method: 'POST', url: () => '/v1/members', payload: () => ({ email: 'not-an-email', role: 'editor' }) },
    ADMINS,
  ],
  [
    'change a role',
    {
      method: 'PATCH',
      url: () => `/v1/members/${NOBODY}`,
      payload: () => ({ role: 'editor' }),
    },
    ADMINS,
  ],
  ['remove a member', { method: 'DELETE', url: () => `/v1/members/${NOBODY}` }, ADMINS],
  ['list tokens', { method: 'GET', url: () => '/v1/tokens' }, EVERYONE],
  ['create a token', { method: 'POST', url: () => '/v1/tokens', payload: () => ({ name: '' }) }, EVERYONE],
  ['revoke a token', { method: 'DELETE', url: () => `/v1/tokens/${NOBODY}` }, EVERYONE],
  ['list invitations', { method: 'GET', url: () => '/v1/invitations' }, ADMINS],
  [
    'invite a member again',
    {
      method: 'POST',
      url: () => '/v1/invitations',
      payload: () => ({ userId: `${NOBODY}` }),
    },
    ADMINS,
  ],
  ['reissue an invitation', { method: 'POST', url: () => `/v1/invitations/${NOBODY}/reissue` }, ADMINS],
  ['revoke an invitation', { method: 'DELETE', url: () => `/v1/invitations/${NOBODY}` }, ADMINS],
  // POST /v1/invitations/accept takes no bearer token: the invitation code is the credential (test/invitations.test.ts).
  [
    'create a service account',
    { method: 'POST', url: () => '/v1/service-accounts', payload: () => ({ name: '', role: 'editor' }) },
    ADMINS,
  ],
  [
    'mint a service account token',
    {
      method: 'POST',
      url: () => `/v1/service-accounts/${NOBODY}/tokens`,
      payload: () => ({ name: 'x' }),
    },
    ADMINS,
  ],
  [
    'edit a post',
    {
      method: 'POST',
      url: () => `/v1/posts/${NOBODY}/edit`,
      payload: () => ({ text: 'x' }),
    },
    WRITERS,
  ],
  [
    'set an approval policy',
    {
      method: 'PUT',
      url: () => '/v1/approval-policies',
      payload: () => ({ steps: [{ name: 'x', mode: 'any', approvers: { roles: [] } }] }),
    },
    ADMINS,
  ],
  ['list approval policies', { method: 'GET', url: () => '/v1/approval-policies' }, EVERYONE],
  [
    'add a content rule',
    {
      method: 'POST',
      url: () => '/v1/content-rules',
      payload: () => ({ name: 'x', match: {}, step: { name: 'x', mode: 'any', approvers: {} } }),
    },
    ADMINS,
  ],
  ['list content rules', { method: 'GET', url: () => '/v1/content-rules' }, EVERYONE],
  ['remove a content rule', { method: 'DELETE', url: () => `/v1/content-rules/${NOBODY}` }, ADMINS],
  [
    'decide an approval',
    {
      method: 'POST',
      url: () => `/v1/posts/${NOBODY}/approval`,
      payload: () => ({ decision: 'approve', step: 1, round: 0 }),
    },
    EVERYONE,
  ],
  ['read an approval chain', { method: 'GET', url: () => `/v1/posts/${NOBODY}/approval` }, EVERYONE],
  ['list approvals', { method: 'GET', url: () => '/v1/approvals?state=pending&mine=true' }, EVERYONE],
  [
    'set the notification webhook',
    {
      method: 'PUT',
      url: () => '/v1/notifications/webhook',
      payload: () => ({ url: 'http://127.0.0.1:1/x', secret: 'short' }),
    },
    ADMINS,
  ],
  ['list notifications', { method: 'GET', url: () => '/v1/notifications' }, EVERYONE],
  [
    'set queue slots',
    {
      method: 'PUT',
      url: () => `/v1/channels/${NOBODY}/slots`,
      payload: () => ({ timezone: 'UTC', slots: [] }),
    },
    ADMINS,
  ],
  [
    'calendar',
    { method: 'GET', url: () => `/v1/calendar?from=${new Date().toISOString()}&to=${inAnHour()}` },
    EVERYONE,
  ],
  [
    'create a campaign',
    {
      method: 'POST',
      url: () => '/v1/campaigns',
      payload: () => ({
        name: 'x',
        channelIds: [`${NOBODY}`],
        startsAt: inAnHour(),
        endsAt: inAnHour(),
      }),
    },
    WRITERS,
  ],
  ['list campaigns', { method: 'GET', url: () => '/v1/campaigns' }, EVERYONE],
  ['read a campaign', { method: 'GET', url: () => `/v1/campaigns/${NOBODY}` }, EVERYONE],
  ['campaign live state', { method: 'GET', url: () => `/v1/campaigns/${NOBODY}/live` }, EVERYONE],
  ['submit a campaign', { method: 'POST', url: () => `/v1/campaigns/${NOBODY}/submit` }, WRITERS],
  [
    'decide on a campaign',
    {
      method: 'POST',
      url: () => `/v1/campaigns/${NOBODY}/approval`,
      payload: () => ({ decision: 'approve', step: 1, round: 0 }),
    },
    EVERYONE,
  ],
  ['read a campaign chain', { method: 'GET', url: () => `/v1/campaigns/${NOBODY}/approval` }, EVERYONE],
  [
    'decide on campaign posts',
    {
      method: 'POST',
      url: () => `/v1/campaigns/${NOBODY}/posts/approval`,
      payload: () => ({
        decisions: [{ postId: `${NOBODY}`, decision: 'approve', step: 1, round: 0 }],
      }),
    },
    EVERYONE,
  ],
  ['pause a campaign', { method: 'POST', url: () => `/v1/campaigns/${NOBODY}/pause` }, WRITERS],
  ['resume a campaign', { method: 'POST', url: () => `/v1/campaigns/${NOBODY}/resume` }, WRITERS],
  ['cancel a campaign', { method: 'POST', url: () => `/v1/campaigns/${NOBODY}/cancel` }, WRITERS],
  [
    'add posts to a campaign',
    {
      method: 'POST',
      url: () => `/v1/campaigns/${NOBODY}/posts`,
      payload: () => ({ postIds: [`${NOBODY}`] }),
    },
    WRITERS,
  ],
  ['import posts', { method: 'POST', url: () => '/v1/posts/import?dryRun=true', payload: () => ({}) }, WRITERS],
  ['import progress', { method: 'GET', url: () => `/v1/posts/import/${NOBODY}` }, EVERYONE],
  [
    'create a recurrence',
    {
      method: 'POST',
      url: () => '/v1/recurrences',
      payload: () => ({
        text: 'x',
        channelIds: [`${NOBODY}`],
        rule: { frequency: 'daily', time: '09:00' },
        startsOn: '2030-01-01',
      }),
    },
    WRITERS,
  ],
  ['list recurrences', { method: 'GET', url: () => '/v1/recurrences' }, EVERYONE],
  ['read a recurrence', { method: 'GET', url: () => `/v1/recurrences/${NOBODY}` }, EVERYONE],
  ['recurrence live state', { method: 'GET', url: () => `/v1/recurrences/${NOBODY}/live` }, EVERYONE],
  ['pause a recurrence', { method: 'POST', url: () => `/v1/recurrences/${NOBODY}/pause` }, WRITERS],
  ['resume a recurrence', { method: 'POST', url: () => `/v1/recurrences/${NOBODY}/resume` }, WRITERS],
  ['stop a recurrence', { method: 'POST', url: () => `/v1/recurrences/${NOBODY}/stop` }, WRITERS],
  ['upload media', { method: 'POST', url: () => '/v1/media', payload: () => ({}) }, WRITERS],
  ['download media', { method: 'GET', url: () => `/v1/media/${NOBODY}/content` }, EVERYONE],
  [
    'add a library item',
    { method: 'POST', url: () => '/v1/library', payload: () => ({ kind: 'snippet', name: 'x' }) },
    WRITERS,
  ],
  ['list the library', { method: 'GET', url: () => '/v1/library' }, EVERYONE],
  ['read a library item', { method: 'GET', url: () => `/v1/library/${NOBODY}` }, EVERYONE],
  [
    'decide on a library item',
    {
      method: 'POST',
      url: () => `/v1/library/${NOBODY}/approval`,
      payload: () => ({ decision: 'approve', step: 1, round: 0 }),
    },
    EVERYONE,
  ],
  ['read a library item chain', { method: 'GET', url: () => `/v1/library/${NOBODY}/approval` }, EVERYONE],
  [
    'create a listening query',
    { method: 'POST', url: () => '/v1/listening/queries', payload: () => ({ name: 'x', expression: '(' }) },
    WRITERS,
  ],
  ['list listening queries', { method: 'GET', url: () => '/v1/listening/queries' }, EVERYONE],
  ['read a listening query', { method: 'GET', url: () => `/v1/listening/queries/${NOBODY}` }, EVERYONE],
  [
    'change a listening query',
    {
      method: 'PATCH',
      url: () => `/v1/listening/queries/${NOBODY}`,
      payload: () => ({ name: 'y' }),
    },
    WRITERS,
  ],
  [
    'check a query expression',
    { method: 'POST', url: () => '/v1/listening/queries/parse', payload: () => ({ expression: 'chorus' }) },
    WRITERS,
  ],
  ['pause listening', { method: 'POST', url: () => `/v1/listening/queries/${NOBODY}/pause` }, WRITERS],
  ['resume listening', { method: 'POST', url: () => `/v1/listening/queries/${NOBODY}/resume` }, WRITERS],
  ['stop listening', { method: 'DELETE', url: () => `/v1/listening/queries/${NOBODY}` }, WRITERS],
  ['list mentions', { method: 'GET', url: () => '/v1/mentions' }, EVERYONE],
  [
    'correct a mention',
    { method: 'PATCH', url: () => '/v1/mentions/999999999', payload: () => ({ sentiment: 'neutral' }) },
    WRITERS,
  ],
  [
    'listening stats',
    { method: 'GET', url: () => `/v1/listening/stats?from=${new Date().toISOString()}&to=${inAnHour()}` },
    EVERYONE,
  ],
  ['list alerts', { method: 'GET', url: () => '/v1/alerts' }, EVERYONE],
  ['trends', { method: 'GET', url: () => '/v1/listening/trends' }, EVERYONE],
  [
    'share of voice',
    { method: 'GET', url: () => `/v1/listening/share-of-voice?from=${new Date().toISOString()}&to=${inAnHour()}` },
    EVERYONE,
  ],
  [
    'create an ingest key',
    { method: 'POST', url: () => '/v1/listening/ingest-keys', payload: () => ({ name: '' }) },
    ADMINS,
  ],
  ['list ingest keys', { method: 'GET', url: () => '/v1/listening/ingest-keys' }, ADMINS],
  ['revoke an ingest key', { method: 'DELETE', url: () => `/v1/listening/ingest-keys/${NOBODY}` }, ADMINS],
  // POST /v1/listening/ingest takes no bearer token: it is signed with an ingest key (test/ingest.test.ts).
  ['acknowledge an alert', { method: 'POST', url: () => `/v1/alerts/${NOBODY}/acknowledge` }, WRITERS],
  ['read the audit log', { method: 'GET', url: () => '/v1/audit' }, ['owner', 'admin', 'analyst']],
  ['verify the audit log', { method: 'GET', url: () => '/v1/audit/verify' }, ['owner', 'admin', 'analyst']],
  ['list audit checkpoints', { method: 'GET', url: () => '/v1/audit/checkpoints' }, ['owner', 'admin', 'analyst']],
  ['sign an audit checkpoint now', { method: 'POST', url: () => '/v1/audit/checkpoints' }, ADMINS],
];
const ALL_ROLES: Role[] = ['owner', 'admin', 'editor', 'approver', 'analyst'];

describe('role × route matrix', () => {
  const cases = routes.flatMap(([name, route, allowed]) =>
    ALL_ROLES.map((role) => [name, role, route, allowed.includes(role)] as const),
  );
  test.each(cases)('%s as %s', async (_name, role, route, allowed) => {
    const res = await call(tokens[role].token, route.method, route.url(), route.payload?.());
    if (allowed) expect(res.statusCode).not.toBe(403);
    else expect(res.statusCode).toBe(403);
    expect(res.statusCode).toBeLessThan(500);
  });

  test.each(routes)('%s without a token is 401', async (_name, call) => {
    const res = await h().app.inject({ method: call.method, url: call.url(), payload: call.payload?.() });
    expect(res.statusCode).toBe(401);
  });
});

describe("workspace isolation: another workspace's resources answer 404", () => {
  test.each([
    ['read', { method: 'GET', url: () => `/v1/posts/${otherPostId}` }],
    ['live', { method: 'GET', url: () => `/v1/posts/${otherPostId}/live` }],
    [
      'reschedule',
      { method: 'POST', url: () => `/v1/posts/${otherPostId}/reschedule`, payload: () => ({ publishAt: inAnHour() }) },
    ],
    ['cancel', { method: 'POST', url: () => `/v1/posts/${otherPostId}/cancel` }],
    ['edit', { method: 'POST', url: () => `/v1/posts/${otherPostId}/edit`, payload: () => ({ text: 'mine now' }) }],
    [
      'decide',
      {
        method: 'POST',
        url: () => `/v1/posts/${otherPostId}/approval`,
        payload: () => ({ decision: 'approve', step: 1, round: 0 }),
      },
    ],
    ['approval chain', { method: 'GET', url: () => `/v1/posts/${otherPostId}/approval` }],
    ['remove channel', { method: 'DELETE', url: () => `/v1/channels/${otherChannelId}` }],
    [
      'change member',
      { method: 'PATCH', url: () => `/v1/members/${other.userId}`, payload: () => ({ role: 'analyst' }) },
    ],
    ['remove member', { method: 'DELETE', url: () => `/v1/members/${other.userId}` }],
    ['invite member', { method: 'POST', url: () => '/v1/invitations', payload: () => ({ userId: other.userId }) }],
    ['reissue invitation', { method: 'POST', url: () => `/v1/invitations/${otherInvitationId}/reissue` }],
    ['revoke invitation', { method: 'DELETE', url: () => `/v1/invitations/${otherInvitationId}` }],
    [
      'mint a service account token',
      { method: 'POST', url: () => `/v1/service-accounts/${otherServiceId}/tokens`, payload: () => ({ name: 'x' }) },
    ],
  ] as [string, Call][])('%s', async (_name, route) => {
    const res = await call(ws().token, route.method, route.url(), route.payload?.());
    expect(res.statusCode).toBe(404);
  });

  test('lists show only your workspace', async () => {
    const posts = (await call(ws().token, 'GET', '/v1/posts')).json().posts.map((p: { id: string }) => p.id);
    expect(posts).toContain(postId);
    expect(posts).not.toContain(otherPostId);
    const members = (await call(ws().token, 'GET', '/v1/members'))
      .json()
      .members.map((m: { userId: string }) => m.userId);
    expect(members).not.toContain(other.userId);
    const audit = (await call(ws().token, 'GET', `/v1/audit?subject=${otherPostId}`)).json();
    expect(audit.entries).toEqual([]);
  });
});

describe('members', () => {
  test('add, change role, remove; removing a member revokes their tokens', async () => {
    const added = await call(ws().token, 'POST', '/v1/members', { email: 'New.Person@example.test', role: 'editor' });
    expect(added.statusCode).toBe(201);
    const member = added.json();
    expect(member).toMatchObject({
      email: 'new.person@example.test',
      role: 'editor',
      kind: 'person',
      invitation: { state: 'pending', code: expect.any(String), emailed: false },
    });
    const again = await call(ws().token, 'POST', '/v1/members', { email: 'new.person@example.test', role: 'analyst' });
    expect(again.statusCode).toBe(409);

    const changed = await call(tokens.admin.token, 'PATCH', `/v1/members/${member.userId}`, { role: 'approver' });
    expect(changed.json().role).toBe('approver');

    const temp = await addMember(h(), ws().workspaceId, 'analyst');
    expect((await call(temp.token, 'GET', '/v1/members')).statusCode).toBe(200);
    expect((await call(ws().token, 'DELETE', `/v1/members/${temp.userId}`)).statusCode).toBe(204);
    expect((await call(temp.token, 'GET', '/v1/members')).statusCode).toBe(401);
  });

  test('an admin cannot grant or remove the owner role; the last owner cannot be demoted', async () => {
    const grant = await call(tokens.admin.token, 'POST', '/v1/members', { email: 'boss@example.test', role: 'owner' });
    expect(grant.statusCode).toBe(403);
    const demoteByAdmin = await call(tokens.admin.token, 'PATCH', `/v1/members/${ws().userId}`, { role: 'editor' });
    expect(demoteByAdmin.statusCode).toBe(403);
    const lastOwner = await call(ws().token, 'PATCH', `/v1/members/${ws().userId}`, { role: 'admin' });
    expect(lastOwner.statusCode).toBe(409);
    expect(lastOwner.json().errors[0]).toMatchObject({ field: 'role', rule: 'keeps_an_owner' });
  });

  test('bad input names the field', async () => {
    const res = await call(ws().token, 'POST', '/v1/members', { email: 'x@example.test', role: 'superuser' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ field: 'body.role', rule: 'invalid_value' });
  });
});

describe('tokens', () => {
  test('shown once, stored hashed, usable, revocable', async () => {
    const created = await call(tokens.editor.token, 'POST', '/v1/tokens', { name: 'CI bot' });
    expect(created.statusCode).toBe(201);
    const { token, id } = created.json();
    expect(token).toMatch(/^chorus_/);
    const stored = await h()
      .db.selectFrom('api_tokens')
      .select(['token_hash'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token);
    const list = (await call(token, 'GET', '/v1/tokens')).json();
    expect(list.tokens.map((t: { id: string }) => t.id)).toContain(id);
    expect(JSON.stringify(list)).not.toContain(token);
    expect((await call(token, 'DELETE', `/v1/tokens/${id}`)).statusCode).toBe(204);
    expect((await call(token, 'GET', '/v1/tokens')).statusCode).toBe(401);
  });

  test("an editor cannot revoke someone else's token; an expired token is refused", async () => {
    const mine = (await call(tokens.analyst.token, 'POST', '/v1/tokens', { name: 'mine' })).json();
    expect((await call(tokens.editor.token, 'DELETE', `/v1/tokens/${mine.id}`)).statusCode).toBe(404);
    await h()
      .db.updateTable('api_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', mine.id)
      .execute();
    expect((await call(mine.token, 'GET', '/v1/tokens')).statusCode).toBe(401);
    const past = await call(tokens.analyst.token, 'POST', '/v1/tokens', {
      name: 'old',
      expiresAt: '2020-01-01T00:00:00Z',
    });
    expect(past.statusCode).toBe(422);
  });
});

describe('audit log', () => {
  test('records changes with actor and subject, and filters by subject', async () => {
    const res = await call(ws().token, 'GET', `/v1/audit?subject=${postId}`);
    expect(res.json().entries).toEqual([
      expect.objectContaining({ action: 'post.created', actorId: ws().userId, subjectType: 'post', subjectId: postId }),
    ]);
    const channel = await call(tokens.analyst.token, 'GET', `/v1/audit?subject=${channelId}&actor=${ws().userId}`);
    expect(channel.json().entries.map((e: { action: string }) => e.action)).toEqual(['channel.created']);
  });

  test('the chain verifies; altering one row makes verify name it, by API and by CLI', async () => {
    const own = await createWorkspace(h(), 'Tamper');
    for (const name of ['a', 'b', 'c']) await call(own.token, 'POST', '/v1/tokens', { name });
    const ok = (await call(own.token, 'GET', '/v1/audit/verify')).json();
    // workspace.created, the owner's token and setup code (invitation.created), then the three tokens.
    expect(ok).toEqual({ ok: true, checked: 6, unsealed: 0, keyId: expect.any(String), checkpoints: 0 });

    const rows = await h()
      .db.selectFrom('audit_log')
      .select(['id'])
      .where('workspace_id', '=', own.workspaceId)
      .orderBy('id')
      .execute();
    const victim = rows[3]!.id;
    await sql`update audit_log set after = jsonb_set(after, '{name}', '"z"') where id = ${victim}`.execute(h().db);
    const broken = (await call(own.token, 'GET', '/v1/audit/verify')).json();
    expect(broken).toMatchObject({
      ok: false,
      checked: 3,
      firstBroken: { id: victim, reason: expect.stringContaining('altered') },
    });

    const cli = promisify(execFile)(
      'node',
      [path.join(__dirname, '..', 'bin', 'chorus.js'), 'audit', 'verify', '--workspace', own.workspaceId],
      {
        // The servers' key: the CLI checks the chain's seals with the audit key derived from it.
        env: { ...process.env, DATABASE_URL: testEnv('databaseUrl'), CHORUS_ENCRYPTION_KEY: h().encryptionKey },
      },
    );
    await expect(cli).rejects.toMatchObject({ code: 1, stdout: expect.stringContaining(`"id":"${victim}"`) });

    await sql`delete from audit_log where id = ${rows[1]!.id}`.execute(h().db);
    const gap = (await call(own.token, 'GET', '/v1/audit/verify')).json();
    expect(gap).toMatchObject({
      ok: false,
      firstBroken: { id: rows[2]!.id, reason: expect.stringContaining('does not link') },
    });
  });
});
