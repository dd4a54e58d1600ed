import { randomUUID } from 'node:crypto';
import { conversationWorkflowId } from '../contracts/inbox';
import { useChorus } from './support/chorus';
import { createWorkspace, type TestWorkspace } from './support/harness';
import { seedChannel, seedConversation, seedInboundMessage } from './support/inbox';

/**
 * The inbox API (/v1/inbox/...) over real PostgreSQL and Temporal: conversations are seeded as the
 * inbound read stores them (its own tests cover the networks); the conversation's workflow here is
 * whichever is registered (it takes the signals the API sends).
 */
const {
  harness: h,
  workspace: ws,
  member,
  call,
} = useChorus({
  workspace: 'Inbox',
  members: ['admin', 'editor', 'approver', 'analyst'],
  beforeClose: async (c) => {
    // The conversations' workflows the tests started run until told otherwise.
    const ids = await c.harness().db.selectFrom('inbox_conversations').select('id').execute();
    await Promise.all(
      ids.map((r) =>
        c
          .harness()
          .client.workflow.getHandle(conversationWorkflowId(r.id))
          .terminate('test over')
          .catch(() => undefined),
      ),
    );
  },
});

let other: TestWorkspace;
let bluesky: string;
let mastodon: string;

beforeAll(async () => {
  other = await createWorkspace(h(), 'Inbox other');
  bluesky = await seedChannel(h(), { workspaceId: ws().workspaceId, createdBy: ws().userId, provider: 'bluesky' });
  mastodon = await seedChannel(h(), { workspaceId: ws().workspaceId, createdBy: ws().userId, provider: 'mastodon' });
});

const list = async (token: string, query = '') => {
  const res = await call(token, 'GET', `/v1/inbox/conversations${query}`);
  expect(res.statusCode).toBe(200);
  return res.json() as {
    conversations: { id: string; status: string; preview: string; assigneeId: string | null }[];
    counts: Record<string, number>;
    next: string | null;
  };
};

describe('conversations list', () => {
  let tagged: string;
  let lead: string;
  let closed: string;
  let breached: string;
  let mine: string;
  const marker = `w${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    const w = ws().workspaceId;
    tagged = (
      await seedConversation(h(), {
        workspaceId: w,
        channelId: bluesky,
        tags: ['billing'],
        priority: 'high',
        messages: [{ text: `My invoice ${marker} is wrong` }],
      })
    ).id;
    lead = (
      await seedConversation(h(), {
        workspaceId: w,
        channelId: mastodon,
        network: 'mastodon',
        lead: true,
        sentiment: 'positive',
        messages: [{ text: 'How much for 50 seats?' }],
      })
    ).id;
    closed = (await seedConversation(h(), { workspaceId: w, channelId: bluesky, status: 'closed' })).id;
    breached = (
      await seedConversation(h(), {
        workspaceId: w,
        channelId: bluesky,
        firstResponseBreached: true,
        sentiment: 'negative',
      })
    ).id;
    mine = (await seedConversation(h(), { workspaceId: w, channelId: bluesky, assigneeId: member('editor').userId }))
      .id;
    await seedConversation(h(), { workspaceId: other.workspaceId, messages: [{ text: `Other ${marker}` }] });
  });

  test('filters narrow the list, and the counts describe the whole workspace', async () => {
    const all = await list(ws().token);
    expect(all.conversations.map((c) => c.id)).toEqual(expect.arrayContaining([tagged, lead, closed, breached, mine]));
    expect(all.counts).toMatchObject({ open: 4, pending: 0, closed: 1, unassigned: 3, breached: 1 });
    expect((await list(member('editor').token)).counts.mine).toBe(1);

    const ids = async (query: string, token = ws().token) => (await list(token, query)).conversations.map((c) => c.id);
    expect(await ids('?tag=billing')).toEqual([tagged]);
    expect(await ids('?priority=high')).toEqual([tagged]);
    expect(await ids('?lead=true')).toEqual([lead]);
    expect(await ids('?network=mastodon')).toEqual([lead]);
    expect(await ids(`?channelId=${mastodon}`)).toEqual([lead]);
    expect(await ids('?sentiment=negative')).toEqual([breached]);
    expect(await ids('?breached=true')).toEqual([breached]);
    expect(await ids('?status=closed')).toEqual([closed]);
    expect(await ids('?assignee=me', member('editor').token)).toEqual([mine]);
    expect(await ids(`?assignee=${member('editor').userId}`)).toEqual([mine]);
    expect((await ids('?assignee=unassigned')).sort()).toEqual([tagged, lead, closed, breached].sort());
    // Text search: in messages, case-insensitive; another workspace's text is never found.
    expect(await ids(`?q=${marker.toUpperCase()}`)).toEqual([tagged]);
    expect(await ids('?q=50%25')).toEqual([]);
    expect(await ids(`?campaignId=${randomUUID()}`)).toEqual([]);
  });

  test('keyset pages cover every conversation once, newest activity first', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(ws().token, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.conversations.length).toBeLessThanOrEqual(2);
      seen.push(...page.conversations.map((c) => c.id));
      cursor = page.next;
    } while (cursor);
    const all = (await list(ws().token, '?limit=100')).conversations.map((c) => c.id);
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(seen.length);

    const bad = await call(ws().token, 'GET', '/v1/inbox/conversations?cursor=nonsense');
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0]).toMatchObject({ field: 'cursor' });
    expect((await call(ws().token, 'GET', '/v1/inbox/conversations?assignee=someone')).statusCode).toBe(400);
  });
});

describe('one conversation', () => {
  test('the detail has the thread in order, the contact with their past conversations, and the version', async () => {
    const first = await seedConversation(h(), {
      workspaceId: ws().workspaceId,
      channelId: bluesky,
      handle: 'ada.test',
      status: 'closed',
    });
    const c = await seedConversation(h(), {
      workspaceId: ws().workspaceId,
      channelId: bluesky,
      contactId: first.contactId,
      messages: [
        { text: 'First <b>question</b>', atMinute: 0 },
        { text: 'We are on it', direction: 'out', atMinute: 5, authorId: ws().userId },
        { text: 'Thanks!', atMinute: 9 },
      ],
    });
    const res = await call(member('analyst').token, 'GET', `/v1/inbox/conversations/${c.id}`);
    expect(res.statusCode).toBe(200);
    const detail = res.json();
    expect(detail.messages.map((m: { text: string; direction: string }) => [m.direction, m.text])).toEqual([
      ['in', 'First <b>question</b>'],
      ['out', 'We are on it'],
      ['in', 'Thanks!'],
    ]);
    expect(detail.version).toBe(3);
    expect(detail.conversation).toMatchObject({ id: c.id, preview: 'Thanks!', contact: { handle: 'ada.test' } });
    expect(detail.contact.conversations.map((p: { id: string }) => p.id).sort()).toEqual([first.id, c.id].sort());
    expect(detail.replying).toEqual([]);

    const contact = await call(member('analyst').token, 'GET', `/v1/inbox/contacts/${first.contactId}`);
    expect(contact.json()).toMatchObject({ handle: 'ada.test', conversations: expect.any(Array) });
    // Another workspace's conversation and contact are not found.
    expect((await call(other.token, 'GET', `/v1/inbox/conversations/${c.id}`)).statusCode).toBe(404);
    expect((await call(other.token, 'GET', `/v1/inbox/contacts/${first.contactId}`)).statusCode).toBe(404);
  });

  test('a change of status, priority, tags and assignee is audited and told to the workflow', async () => {
    const c = await seedConversation(h(), { workspaceId: ws().workspaceId, channelId: bluesky });
    const patch = (token: string, body: object) => call(token, 'PATCH', `/v1/inbox/conversations/${c.id}`, body);
    const res = await patch(member('editor').token, {
      status: 'pending',
      priority: 'urgent',
      tags: ['vip', 'vip', 'billing'],
      assigneeId: member('admin').userId,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'pending',
      priority: 'urgent',
      tags: ['vip', 'billing'],
      assigneeId: member('admin').userId,
    });
    const audit = await h()
      .db.selectFrom('audit_log')
      .selectAll()
      .where('subject_id', '=', c.id)
      .where('action', '=', 'conversation.updated')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_id: member('editor').userId,
      before: { status: 'open', priority: 'normal', tags: [], assigneeId: null },
      after: { status: 'pending', priority: 'urgent', assigneeId: member('admin').userId },
    });
    // The conversation's workflow was started (or told) with the change.
    const history = await h().client.workflow.getHandle(conversationWorkflowId(c.id)).fetchHistory();
    expect(JSON.stringify(history.events)).toContain('conversationChanged');

    const closed = await patch(ws().token, { status: 'closed' });
    expect(closed.json().closedAt).not.toBeNull();

    // An assignee who is not a member; a role that may not engage; another workspace; nothing at all.
    const stranger = await patch(ws().token, { assigneeId: other.userId });
    expect(stranger.statusCode).toBe(422);
    expect(stranger.json().errors[0]).toMatchObject({ field: 'assigneeId', rule: 'member' });
    expect((await patch(member('analyst').token, { status: 'open' })).statusCode).toBe(403);
    expect((await patch(member('approver').token, { status: 'open' })).statusCode).toBe(403);
    expect((await patch(other.token, { status: 'open' })).statusCode).toBe(404);
    expect((await patch(ws().token, {})).statusCode).toBe(422);
    expect([400, 422]).toContain((await patch(ws().token, { status: 'open', colour: 'red' })).statusCode);
    const after = (await call(ws().token, 'GET', `/v1/inbox/conversations/${c.id}`)).json().conversation;
    expect(after).toMatchObject({ status: 'closed', assigneeId: member('admin').userId });
  });

  test('notes notify the members they mention; an unknown mention is refused naming it', async () => {
    const c = await seedConversation(h(), { workspaceId: ws().workspaceId, channelId: bluesky });
    const admin = await h()
      .db.selectFrom('users')
      .select('email')
      .where('id', '=', member('admin').userId)
      .executeTakeFirstOrThrow();
    const note = await call(member('editor').token, 'POST', `/v1/inbox/conversations/${c.id}/notes`, {
      body: `@${admin.email} can you take this? cc @approver.`,
    });
    expect(note.statusCode).toBe(201);
    expect(note.json().mentionedUserIds.sort()).toEqual([member('admin').userId, member('approver').userId].sort());
    const notification = await h()
      .db.selectFrom('notifications')
      .selectAll()
      .where('subject_type', '=', 'conversation')
      .where('subject_id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(notification.recipient_ids.sort()).toEqual([member('admin').userId, member('approver').userId].sort());
    expect(notification.kind).toBe('conversation_mention');

    const unknown = await call(member('editor').token, 'POST', `/v1/inbox/conversations/${c.id}/notes`, {
      body: 'ask @nobody-here about it',
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().errors[0]).toMatchObject({ field: 'body', rule: 'mention' });
    expect(unknown.json().detail).toContain('@nobody-here');
    const notes = (await call(ws().token, 'GET', `/v1/inbox/conversations/${c.id}`)).json().notes;
    expect(notes).toHaveLength(1);
    expect((await call(other.token, 'POST', `/v1/inbox/conversations/${c.id}/notes`, { body: 'x' })).statusCode).toBe(
      404,
    );
  });

  test('leases show who else has the reply box open, until released or expired', async () => {
    const c = await seedConversation(h(), { workspaceId: ws().workspaceId, channelId: bluesky });
    const url = `/v1/inbox/conversations/${c.id}/lease`;
    const mine = await call(member('editor').token, 'PUT', url);
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ version: c.version, replying: [] });
    const theirs = (await call(member('admin').token, 'PUT', url)).json();
    expect(theirs.replying).toEqual([expect.objectContaining({ userId: member('editor').userId, name: 'editor' })]);
    const detail = (await call(ws().token, 'GET', `/v1/inbox/conversations/${c.id}`)).json();
    expect(detail.replying.map((r: { userId: string }) => r.userId).sort()).toEqual(
      [member('editor').userId, member('admin').userId].sort(),
    );
    expect((await call(member('editor').token, 'DELETE', url)).statusCode).toBe(204);
    expect((await call(member('admin').token, 'PUT', url)).json().replying).toEqual([]);
    // An expired lease shows no one.
    await h()
      .db.updateTable('inbox_reply_leases')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('conversation_id', '=', c.id)
      .execute();
    expect((await call(member('editor').token, 'PUT', url)).json().replying).toEqual([]);
    expect((await call(other.token, 'PUT', url)).statusCode).toBe(404);
    expect((await call(member('analyst').token, 'PUT', url)).statusCode).toBe(403);
  });

  test('closing as spam closes the conversation and marks its author', async () => {
    const c = await seedConversation(h(), { workspaceId: ws().workspaceId, channelId: bluesky });
    expect((await call(other.token, 'POST', `/v1/inbox/conversations/${c.id}/spam`)).statusCode).toBe(404);
    const res = await call(member('editor').token, 'POST', `/v1/inbox/conversations/${c.id}/spam`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'closed', spam: true, contact: { spam: true } });
    const audit = await h().db.selectFrom('audit_log').select('action').where('subject_id', '=', c.id).execute();
    expect(audit.map((a) => a.action)).toContain('conversation.marked_spam');
  });

  test('a new inbound message moves the version on', async () => {
    const c = await seedConversation(h(), { workspaceId: ws().workspaceId, channelId: bluesky });
    await seedInboundMessage(h(), c.id, 'One more thing');
    expect((await call(ws().token, 'GET', `/v1/inbox/conversations/${c.id}`)).json().version).toBe(c.version + 1);
  });
});
