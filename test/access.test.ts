import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import type { Role } from '../db/members';
import { connectChannel } from './support/channels';
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
  channelId = (
    await connectChannel(h(), ws().token, {
      provider: 'webhook',
      name: 'Ours',
      credentials: { url: hook().url, secret: hook().secret },
    })
  ).id;
  otherChannelId = (
    await connectChannel(h(), other.token, {
      provider: 'webhook',
      name: 'Theirs',
      credentials: { url: hook().url, secret: hook().secret },
    })
  ).id;
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

type Call = { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: () => string; payload?: () => object };

/**
 * Every route, and the roles allowed on it. Calls that would change shared fixtures use ids that
 * do not exist, so an allowed role gets past the role check (404/422) while a refused one gets 403.
 */
const routes: [string, Call, Role[]][] = [
  ['list channels', { method: 'GET', url: () => '/v1/channels' }, ['owner', 'admin', 'editor', 'approver', 'analyst']],
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
    ['owner', 'admin'],
  ],
  [
    'remove a channel',
    { method: 'DELETE', url: () => '/v1/channels/00000000-0000-4000-8000-000000000000' },
    ['owner', 'admin'],
  ],
  ['list posts', { method: 'GET', url: () => '/v1/posts' }, ['owner', 'admin', 'editor', 'approver', 'analyst']],
  [
    'read a post',
    { method: 'GET', url: () => `/v1/posts/${postId}` },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'live status',
    { method: 'GET', url: () => `/v1/posts/${postId}/live` },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'create a post',
    {
      method: 'POST',
      url: () => '/v1/posts',
      payload: () => ({ text: 'x', channelIds: ['00000000-0000-4000-8000-000000000000'] }),
    },
    ['owner', 'admin', 'editor'],
  ],
  [
    'reschedule',
    {
      method: 'POST',
      url: () => '/v1/posts/00000000-0000-4000-8000-000000000000/reschedule',
      payload: () => ({ publishAt: inAnHour() }),
    },
    ['owner', 'admin', 'editor'],
  ],
  [
    'cancel',
    { method: 'POST', url: () => '/v1/posts/00000000-0000-4000-8000-000000000000/cancel' },
    ['owner', 'admin', 'editor'],
  ],
  ['list members', { method: 'GET', url: () => '/v1/members' }, ['owner', 'admin', 'editor', 'approver', 'analyst']],
  [
    'add a member',
    { method: 'POST', url: () => '/v1/members', payload: () => ({ email: 'not-an-email', role: 'editor' }) },
    ['owner', 'admin'],
  ],
  [
    'change a role',
    {
      method: 'PATCH',
      url: () => '/v1/members/00000000-0000-4000-8000-000000000000',
      payload: () => ({ role: 'editor' }),
    },
    ['owner', 'admin'],
  ],
  [
    'remove a member',
    { method: 'DELETE', url: () => '/v1/members/00000000-0000-4000-8000-000000000000' },
    ['owner', 'admin'],
  ],
  ['list tokens', { method: 'GET', url: () => '/v1/tokens' }, ['owner', 'admin', 'editor', 'approver', 'analyst']],
  [
    'create a token',
    { method: 'POST', url: () => '/v1/tokens', payload: () => ({ name: '' }) },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'revoke a token',
    { method: 'DELETE', url: () => '/v1/tokens/00000000-0000-4000-8000-000000000000' },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  ['list invitations', { method: 'GET', url: () => '/v1/invitations' }, ['owner', 'admin']],
  [
    'invite a member again',
    {
      method: 'POST',
      url: () => '/v1/invitations',
      payload: () => ({ userId: '00000000-0000-4000-8000-000000000000' }),
    },
    ['owner', 'admin'],
  ],
  [
    'reissue an invitation',
    { method: 'POST', url: () => '/v1/invitations/00000000-0000-4000-8000-000000000000/reissue' },
    ['owner', 'admin'],
  ],
  [
    'revoke an invitation',
    { method: 'DELETE', url: () => '/v1/invitations/00000000-0000-4000-8000-000000000000' },
    ['owner', 'admin'],
  ],
  // POST /v1/invitations/accept takes no bearer token: the invitation code is the credential (test/invitations.test.ts).
  [
    'create a service account',
    { method: 'POST', url: () => '/v1/service-accounts', payload: () => ({ name: '', role: 'editor' }) },
    ['owner', 'admin'],
  ],
  [
    'mint a service account token',
    {
      method: 'POST',
      url: () => '/v1/service-accounts/00000000-0000-4000-8000-000000000000/tokens',
      payload: () => ({ name: 'x' }),
    },
    ['owner', 'admin'],
  ],
  [
    'edit a post',
    {
      method: 'POST',
      url: () => '/v1/posts/00000000-0000-4000-8000-000000000000/edit',
      payload: () => ({ text: 'x' }),
    },
    ['owner', 'admin', 'editor'],
  ],
  [
    'set an approval policy',
    {
      method: 'PUT',
      url: () => '/v1/approval-policies',
      payload: () => ({ steps: [{ name: 'x', mode: 'any', approvers: { roles: [] } }] }),
    },
    ['owner', 'admin'],
  ],
  [
    'list approval policies',
    { method: 'GET', url: () => '/v1/approval-policies' },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'add a content rule',
    {
      method: 'POST',
      url: () => '/v1/content-rules',
      payload: () => ({ name: 'x', match: {}, step: { name: 'x', mode: 'any', approvers: {} } }),
    },
    ['owner', 'admin'],
  ],
  [
    'list content rules',
    { method: 'GET', url: () => '/v1/content-rules' },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'remove a content rule',
    { method: 'DELETE', url: () => '/v1/content-rules/00000000-0000-4000-8000-000000000000' },
    ['owner', 'admin'],
  ],
  [
    'decide an approval',
    {
      method: 'POST',
      url: () => '/v1/posts/00000000-0000-4000-8000-000000000000/approval',
      payload: () => ({ decision: 'approve', step: 1, round: 0 }),
    },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'read an approval chain',
    { method: 'GET', url: () => '/v1/posts/00000000-0000-4000-8000-000000000000/approval' },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'list approvals',
    { method: 'GET', url: () => '/v1/approvals?state=pending&mine=true' },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'set the notification webhook',
    {
      method: 'PUT',
      url: () => '/v1/notifications/webhook',
      payload: () => ({ url: 'http://127.0.0.1:1/x', secret: 'short' }),
    },
    ['owner', 'admin'],
  ],
  [
    'list notifications',
    { method: 'GET', url: () => '/v1/notifications' },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'set queue slots',
    {
      method: 'PUT',
      url: () => '/v1/channels/00000000-0000-4000-8000-000000000000/slots',
      payload: () => ({ timezone: 'UTC', slots: [] }),
    },
    ['owner', 'admin'],
  ],
  [
    'calendar',
    { method: 'GET', url: () => `/v1/calendar?from=${new Date().toISOString()}&to=${inAnHour()}` },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'create a campaign',
    {
      method: 'POST',
      url: () => '/v1/campaigns',
      payload: () => ({
        name: 'x',
        channelIds: ['00000000-0000-4000-8000-000000000000'],
        startsAt: inAnHour(),
        endsAt: inAnHour(),
      }),
    },
    ['owner', 'admin', 'editor'],
  ],
  [
    'list campaigns',
    { method: 'GET', url: () => '/v1/campaigns' },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'read a campaign',
    { method: 'GET', url: () => '/v1/campaigns/00000000-0000-4000-8000-000000000000' },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'campaign live state',
    { method: 'GET', url: () => '/v1/campaigns/00000000-0000-4000-8000-000000000000/live' },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'submit a campaign',
    { method: 'POST', url: () => '/v1/campaigns/00000000-0000-4000-8000-000000000000/submit' },
    ['owner', 'admin', 'editor'],
  ],
  [
    'decide on a campaign',
    {
      method: 'POST',
      url: () => '/v1/campaigns/00000000-0000-4000-8000-000000000000/approval',
      payload: () => ({ decision: 'approve', step: 1, round: 0 }),
    },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'read a campaign chain',
    { method: 'GET', url: () => '/v1/campaigns/00000000-0000-4000-8000-000000000000/approval' },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'decide on campaign posts',
    {
      method: 'POST',
      url: () => '/v1/campaigns/00000000-0000-4000-8000-000000000000/posts/approval',
      payload: () => ({
        decisions: [{ postId: '00000000-0000-4000-8000-000000000000', decision: 'approve', step: 1, round: 0 }],
      }),
    },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'pause a campaign',
    { method: 'POST', url: () => '/v1/campaigns/00000000-0000-4000-8000-000000000000/pause' },
    ['owner', 'admin', 'editor'],
  ],
  [
    'resume a campaign',
    { method: 'POST', url: () => '/v1/campaigns/00000000-0000-4000-8000-000000000000/resume' },
    ['owner', 'admin', 'editor'],
  ],
  [
    'cancel a campaign',
    { method: 'POST', url: () => '/v1/campaigns/00000000-0000-4000-8000-000000000000/cancel' },
    ['owner', 'admin', 'editor'],
  ],
  [
    'add posts to a campaign',
    {
      method: 'POST',
      url: () => '/v1/campaigns/00000000-0000-4000-8000-000000000000/posts',
      payload: () => ({ postIds: ['00000000-0000-4000-8000-000000000000'] }),
    },
    ['owner', 'admin', 'editor'],
  ],
  [
    'import posts',
    { method: 'POST', url: () => '/v1/posts/import?dryRun=true', payload: () => ({}) },
    ['owner', 'admin', 'editor'],
  ],
  [
    'import progress',
    { method: 'GET', url: () => '/v1/posts/import/00000000-0000-4000-8000-000000000000' },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'create a recurrence',
    {
      method: 'POST',
      url: () => '/v1/recurrences',
      payload: () => ({
        text: 'x',
        channelIds: ['00000000-0000-4000-8000-000000000000'],
        rule: { frequency: 'daily', time: '09:00' },
        startsOn: '2030-01-01',
      }),
    },
    ['owner', 'admin', 'editor'],
  ],
  [
    'list recurrences',
    { method: 'GET', url: () => '/v1/recurrences' },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'read a recurrence',
    { method: 'GET', url: () => '/v1/recurrences/00000000-0000-4000-8000-000000000000' },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'recurrence live state',
    { method: 'GET', url: () => '/v1/recurrences/00000000-0000-4000-8000-000000000000/live' },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'pause a recurrence',
    { method: 'POST', url: () => '/v1/recurrences/00000000-0000-4000-8000-000000000000/pause' },
    ['owner', 'admin', 'editor'],
  ],
  [
    'resume a recurrence',
    { method: 'POST', url: () => '/v1/recurrences/00000000-0000-4000-8000-000000000000/resume' },
    ['owner', 'admin', 'editor'],
  ],
  [
    'stop a recurrence',
    { method: 'POST', url: () => '/v1/recurrences/00000000-0000-4000-8000-000000000000/stop' },
    ['owner', 'admin', 'editor'],
  ],
  ['upload media', { method: 'POST', url: () => '/v1/media', payload: () => ({}) }, ['owner', 'admin', 'editor']],
  [
    'download media',
    { method: 'GET', url: () => '/v1/media/00000000-0000-4000-8000-000000000000/content' },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'add a library item',
    { method: 'POST', url: () => '/v1/library', payload: () => ({ kind: 'snippet', name: 'x' }) },
    ['owner', 'admin', 'editor'],
  ],
  [
    'list the library',
    { method: 'GET', url: () => '/v1/library' },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'read a library item',
    { method: 'GET', url: () => '/v1/library/00000000-0000-4000-8000-000000000000' },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'decide on a library item',
    {
      method: 'POST',
      url: () => '/v1/library/00000000-0000-4000-8000-000000000000/approval',
      payload: () => ({ decision: 'approve', step: 1, round: 0 }),
    },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'read a library item chain',
    { method: 'GET', url: () => '/v1/library/00000000-0000-4000-8000-000000000000/approval' },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'create a listening query',
    { method: 'POST', url: () => '/v1/listening/queries', payload: () => ({ name: 'x', expression: '(' }) },
    ['owner', 'admin', 'editor'],
  ],
  [
    'list listening queries',
    { method: 'GET', url: () => '/v1/listening/queries' },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'read a listening query',
    { method: 'GET', url: () => '/v1/listening/queries/00000000-0000-4000-8000-000000000000' },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'change a listening query',
    {
      method: 'PATCH',
      url: () => '/v1/listening/queries/00000000-0000-4000-8000-000000000000',
      payload: () => ({ name: 'y' }),
    },
    ['owner', 'admin', 'editor'],
  ],
  [
    'check a query expression',
    { method: 'POST', url: () => '/v1/listening/queries/parse', payload: () => ({ expression: 'chorus' }) },
    ['owner', 'admin', 'editor'],
  ],
  [
    'pause listening',
    { method: 'POST', url: () => '/v1/listening/queries/00000000-0000-4000-8000-000000000000/pause' },
    ['owner', 'admin', 'editor'],
  ],
  [
    'resume listening',
    { method: 'POST', url: () => '/v1/listening/queries/00000000-0000-4000-8000-000000000000/resume' },
    ['owner', 'admin', 'editor'],
  ],
  [
    'stop listening',
    { method: 'DELETE', url: () => '/v1/listening/queries/00000000-0000-4000-8000-000000000000' },
    ['owner', 'admin', 'editor'],
  ],
  ['list mentions', { method: 'GET', url: () => '/v1/mentions' }, ['owner', 'admin', 'editor', 'approver', 'analyst']],
  [
    'correct a mention',
    { method: 'PATCH', url: () => '/v1/mentions/999999999', payload: () => ({ sentiment: 'neutral' }) },
    ['owner', 'admin', 'editor'],
  ],
  [
    'listening stats',
    { method: 'GET', url: () => `/v1/listening/stats?from=${new Date().toISOString()}&to=${inAnHour()}` },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  ['list alerts', { method: 'GET', url: () => '/v1/alerts' }, ['owner', 'admin', 'editor', 'approver', 'analyst']],
  ['trends', { method: 'GET', url: () => '/v1/listening/trends' }, ['owner', 'admin', 'editor', 'approver', 'analyst']],
  [
    'share of voice',
    { method: 'GET', url: () => `/v1/listening/share-of-voice?from=${new Date().toISOString()}&to=${inAnHour()}` },
    ['owner', 'admin', 'editor', 'approver', 'analyst'],
  ],
  [
    'create an ingest key',
    { method: 'POST', url: () => '/v1/listening/ingest-keys', payload: () => ({ name: '' }) },
    ['owner', 'admin'],
  ],
  ['list ingest keys', { method: 'GET', url: () => '/v1/listening/ingest-keys' }, ['owner', 'admin']],
  [
    'revoke an ingest key',
    { method: 'DELETE', url: () => '/v1/listening/ingest-keys/00000000-0000-4000-8000-000000000000' },
    ['owner', 'admin'],
  ],
  // POST /v1/listening/ingest takes no bearer token: it is signed with an ingest key (test/ingest.test.ts).
  [
    'acknowledge an alert',
    { method: 'POST', url: () => '/v1/alerts/00000000-0000-4000-8000-000000000000/acknowledge' },
    ['owner', 'admin', 'editor'],
  ],
  ['read the audit log', { method: 'GET', url: () => '/v1/audit' }, ['owner', 'admin', 'analyst']],
  ['verify the audit log', { method: 'GET', url: () => '/v1/audit/verify' }, ['owner', 'admin', 'analyst']],
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
    expect(ok).toEqual({ ok: true, checked: 6 });

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
        env: { ...process.env, DATABASE_URL: testEnv('databaseUrl') },
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
