import { randomUUID } from 'node:crypto';
import { conversationWorkflowId } from '../contracts/inbox';
import { useChorus } from './support/chorus';
import { createWorkspace, waitFor, type TestWorkspace } from './support/harness';
import { seedChannel, seedConversation, seedInboundMessage, terminateConversations } from './support/inbox';

/**
 * The inbox API (/v1/inbox/...) over real PostgreSQL and Temporal: conversations are seeded as the
 * inbound read stores them (its own tests cover the networks). The seeded channels hold no real
 * credentials: the conversation's workflow fails to send what the API accepts (and counts it against
 * the channel's health), so each test seeds its own channels.
 * test/inbox-conversation.test.ts sends for real.
 */
const {
  harness: h,
  workspace: ws,
  member,
  call,
} = useChorus({
  workspace: 'Inbox',
  members: ['admin', 'editor', 'approver', 'analyst'],
  beforeClose: (c) => terminateConversations(c.harness()),
});

let other: TestWorkspace;
let bluesky: string;
let mastodon: string;

const seedChannels = async () => {
  bluesky = await seedChannel(h(), { workspaceId: ws().workspaceId, createdBy: ws().userId, provider: 'bluesky' });
  mastodon = await seedChannel(h(), { workspaceId: ws().workspaceId, createdBy: ws().userId, provider: 'mastodon' });
};

beforeAll(async () => {
  other = await createWorkspace(h(), 'Inbox other');
  await seedChannels();
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

describe('replies', () => {
  // Fresh channels for each test: the replies a test makes fail to send and count against its channel.
  beforeEach(seedChannels);

  const repliesOf = (conversationId: string) =>
    h().db.selectFrom('inbox_replies').selectAll().where('conversation_id', '=', conversationId).execute();
  const versionOf = async (conversationId: string) =>
    (
      await h()
        .db.selectFrom('inbox_conversations')
        .select('version')
        .where('id', '=', conversationId)
        .executeTakeFirstOrThrow()
    ).version;

  test('two members reply on the same version: the first is stored and signalled, the second gets 409 with it', async () => {
    const c = await seedConversation(h(), { workspaceId: ws().workspaceId, channelId: bluesky });
    const url = `/v1/inbox/conversations/${c.id}/replies`;
    const [first, second] = [
      await call(member('editor').token, 'POST', url, { text: 'We will look into it', version: c.version }),
      await call(member('admin').token, 'POST', url, { text: 'Looking now!', version: c.version }),
    ];
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      reply: { status: 'sending', text: 'We will look into it', inReplyToMessageId: c.messageIds[0] },
      version: c.version + 1,
    });
    expect(second.statusCode).toBe(409);
    expect(second.headers['content-type']).toContain('application/problem+json');
    expect(second.json()).toMatchObject({
      status: 409,
      version: c.version + 1,
      errors: [{ field: 'version', rule: 'current' }],
      newReplies: [{ text: 'We will look into it', authorId: member('editor').userId }],
    });
    expect(await repliesOf(c.id)).toHaveLength(1);
    const history = await h().client.workflow.getHandle(conversationWorkflowId(c.id)).fetchHistory();
    expect(JSON.stringify(history.events)).toContain('replyRequested');

    // A new inbound message since the reply box opened: refused, the message shown.
    const newer = await seedInboundMessage(h(), c.id, 'Hello? Anyone?');
    const stale = await call(member('admin').token, 'POST', url, { text: 'Sorry!', version: c.version + 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().newMessages).toEqual([
      expect.objectContaining({ id: newer.messageId, text: 'Hello? Anyone?' }),
    ]);
    const fresh = await call(member('admin').token, 'POST', url, { text: 'Sorry!', version: newer.version });
    expect(fresh.statusCode).toBe(201);
    expect(fresh.json().reply.inReplyToMessageId).toBe(newer.messageId);
    // At the same instant: one wins, whichever it is, and the other is told.
    const now = await versionOf(c.id);
    const racing = await Promise.all(
      [member('editor'), member('admin'), ws()].map((m) =>
        call(m.token, 'POST', url, { text: `Racing ${m.userId}`, version: now }),
      ),
    );
    expect(racing.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    expect(await versionOf(c.id)).toBe(now + 1);
    // A version the conversation never had.
    const future = await call(member('admin').token, 'POST', url, { text: 'Hm', version: 999 });
    expect(future.statusCode).toBe(422);
    expect(future.json().errors[0]).toMatchObject({ field: 'version', rule: 'known' });
  });

  test('refused, with nothing stored: over the limit, a deleted parent, failed or removed channel, wrong role, another workspace', async () => {
    const c = await seedConversation(h(), {
      workspaceId: ws().workspaceId,
      channelId: bluesky,
      messages: [{ text: 'Gone soon', deleted: true }, { text: 'Still here' }],
    });
    const url = `/v1/inbox/conversations/${c.id}/replies`;
    const refused = async (token: string, body: object, status: number, field?: string, rule?: string) => {
      const res = await call(token, 'POST', url, { version: c.version, text: 'Hi', ...body });
      expect(res.statusCode).toBe(status);
      if (field) expect(res.json().errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule })]));
      return res;
    };
    const long = await refused(ws().token, { text: 'x'.repeat(301) }, 422, 'text', 'limit');
    expect(long.json().detail).toContain('300');
    await refused(ws().token, { inReplyToMessageId: c.messageIds[0] }, 422, 'inReplyToMessageId', 'not_deleted');
    await refused(ws().token, { inReplyToMessageId: '99999999' }, 422, 'inReplyToMessageId', 'in_conversation');
    await refused(ws().token, { savedReplyId: randomUUID() }, 422, 'savedReplyId', 'exists');
    await refused(member('analyst').token, {}, 403);
    await refused(member('approver').token, {}, 403);
    await refused(other.token, {}, 404);
    await refused(ws().token, { text: 'Hi', colour: 'red' }, 400);

    // Mastodon counts its own way: 500 characters.
    const onMastodon = await seedConversation(h(), {
      workspaceId: ws().workspaceId,
      channelId: mastodon,
      network: 'mastodon',
    });
    const tooLong = await call(ws().token, 'POST', `/v1/inbox/conversations/${onMastodon.id}/replies`, {
      text: 'y'.repeat(501),
      version: onMastodon.version,
    });
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.json().errors[0]).toMatchObject({ field: 'text' });

    // A reply on Facebook, LinkedIn or Instagram is a comment, with the comment's limits (not the post's).
    const comments = [
      ['facebook', 'f'.repeat(8001), 'Facebook allows at most 8000 characters in a comment'],
      ['linkedin', 'l'.repeat(1251), 'LinkedIn allows at most 1250 characters in a comment'],
      ['instagram', 'i'.repeat(301), 'Instagram allows at most 300 characters in a comment'],
      ['instagram', 'See https://a.example and https://b.example', 'at most 1 link in a comment'],
      ['instagram', '#a #b #c #d #e', 'at most 4 hashtags in a comment'],
      ['instagram', 'THANK YOU!', 'capital letters only'],
    ] as const;
    for (const [network, text, message] of comments) {
      const channelId = await seedChannel(h(), {
        workspaceId: ws().workspaceId,
        createdBy: ws().userId,
        provider: network,
      });
      const on = await seedConversation(h(), { workspaceId: ws().workspaceId, channelId, network });
      const answer = await call(ws().token, 'POST', `/v1/inbox/conversations/${on.id}/replies`, {
        text,
        version: on.version,
      });
      expect(answer.statusCode).toBe(422);
      expect(answer.json().errors).toEqual([
        expect.objectContaining({ field: 'text', rule: 'limit', message: expect.stringContaining(message) }),
      ]);
      // Within the comment's limits, the same conversation takes the reply.
      const fine = await call(ws().token, 'POST', `/v1/inbox/conversations/${on.id}/replies`, {
        text: network === 'facebook' ? 'f'.repeat(8000) : 'Thank you!',
        version: on.version,
      });
      expect(fine.statusCode).toBe(201);
    }

    // A channel whose credentials were refused, and one removed since.
    const failing = await seedChannel(h(), {
      workspaceId: ws().workspaceId,
      createdBy: ws().userId,
      provider: 'bluesky',
      healthy: false,
    });
    const onFailing = await seedConversation(h(), { workspaceId: ws().workspaceId, channelId: failing });
    const res = await call(ws().token, 'POST', `/v1/inbox/conversations/${onFailing.id}/replies`, {
      text: 'Hi',
      version: onFailing.version,
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0]).toMatchObject({ field: 'channel', rule: 'healthy' });
    const removed = await seedChannel(h(), {
      workspaceId: ws().workspaceId,
      createdBy: ws().userId,
      provider: 'bluesky',
    });
    const onRemoved = await seedConversation(h(), { workspaceId: ws().workspaceId, channelId: removed });
    await h().db.updateTable('channels').set({ deleted_at: new Date() }).where('id', '=', removed).execute();
    const gone = await call(ws().token, 'POST', `/v1/inbox/conversations/${onRemoved.id}/replies`, {
      text: 'Hi',
      version: onRemoved.version,
    });
    expect(gone.json().errors[0]).toMatchObject({ field: 'channel', rule: 'removed' });
    // A pushed conversation has no channel to reply through.
    const pushed = await seedConversation(h(), { workspaceId: ws().workspaceId, network: 'push' });
    const noChannel = await call(ws().token, 'POST', `/v1/inbox/conversations/${pushed.id}/replies`, {
      text: 'Hi',
      version: pushed.version,
    });
    expect(noChannel.json().errors[0]).toMatchObject({ field: 'channel', rule: 'replyable' });

    for (const id of [c.id, onMastodon.id, onFailing.id, onRemoved.id, pushed.id])
      expect(await repliesOf(id)).toEqual([]);
    expect(await versionOf(c.id)).toBe(c.version);
  });

  test("the workspace's approval policy decides whether a reply waits for approval", async () => {
    const put = (token: string, replyApproval: object) => call(token, 'PUT', '/v1/inbox/settings', { replyApproval });
    const step = { name: 'Lead', mode: 'any', approvers: { roles: ['admin'] } };
    expect((await put(member('editor').token, { mode: 'none' })).statusCode).toBe(403);
    const notMember = await put(ws().token, {
      mode: 'all',
      steps: [{ name: 'X', mode: 'any', approvers: { userIds: [other.userId] } }],
    });
    expect(notMember.statusCode).toBe(422);
    expect(notMember.json().errors[0]).toMatchObject({
      field: 'replyApproval.steps.0.approvers.userIds.0',
      rule: 'member',
    });
    expect((await put(ws().token, { mode: 'roles', roles: [], steps: [step] })).statusCode).toBe(400);
    expect((await put(ws().token, { mode: 'all', steps: [] })).statusCode).toBe(400);

    const set = await put(ws().token, { mode: 'roles', roles: ['editor'], steps: [step] });
    expect(set.statusCode).toBe(200);
    expect((await call(member('analyst').token, 'GET', '/v1/inbox/settings')).json().replyApproval).toMatchObject({
      mode: 'roles',
      roles: ['editor'],
    });
    try {
      const fresh = await seedChannel(h(), {
        workspaceId: ws().workspaceId,
        createdBy: ws().userId,
        provider: 'bluesky',
      });
      const c = await seedConversation(h(), { workspaceId: ws().workspaceId, channelId: fresh });
      const url = `/v1/inbox/conversations/${c.id}/replies`;
      const byEditor = await call(member('editor').token, 'POST', url, { text: 'Draft answer', version: c.version });
      expect(byEditor.json().reply.status).toBe('awaiting_approval');
      const stored = await h()
        .db.selectFrom('inbox_replies')
        .select('approval_steps')
        .where('id', '=', byEditor.json().reply.id)
        .executeTakeFirstOrThrow();
      expect(stored.approval_steps).toEqual([
        expect.objectContaining({ name: 'Lead', eligibleUserIds: [member('admin').userId] }),
      ]);
      const byOwner = await call(ws().token, 'POST', url, { text: 'Straight out', version: c.version + 1 });
      expect(byOwner.json().reply.status).toBe('sending');

      // Decisions go to the conversation's workflow; one not awaiting approval, or another workspace's, is refused.
      const decide = (token: string, replyId: string) =>
        call(token, 'POST', `/v1/inbox/replies/${replyId}/decisions`, { decision: 'approve', step: 1, round: 0 });
      expect((await decide(member('admin').token, byOwner.json().reply.id)).statusCode).toBe(409);
      expect((await decide(other.token, byEditor.json().reply.id)).statusCode).toBe(404);

      // Mode "rules": only replies a content rule flags wait, with that rule's step.
      const rule = await call(ws().token, 'POST', '/v1/content-rules', {
        name: 'Refunds',
        match: { keywords: ['refund'] },
        step: { name: 'Finance', mode: 'any', approvers: { roles: ['admin'] } },
      });
      expect(rule.statusCode).toBe(201);
      try {
        expect((await put(ws().token, { mode: 'rules', steps: [] })).statusCode).toBe(200);
        const flagged = await call(member('editor').token, 'POST', url, {
          text: 'You will get a refund',
          version: c.version + 2,
        });
        expect(flagged.json().reply.status).toBe('awaiting_approval');
        const plain = await call(member('editor').token, 'POST', url, { text: 'Thanks!', version: c.version + 3 });
        expect(plain.json().reply.status).toBe('sending');
      } finally {
        await call(ws().token, 'DELETE', `/v1/content-rules/${rule.json().id}`);
      }

      // Mode "all": the approver's own reply needs someone else, and no one else can: refused.
      await put(ws().token, {
        mode: 'all',
        steps: [{ name: 'Only admin', mode: 'any', approvers: { roles: ['admin'] } }],
      });
      const byAdmin = await call(member('admin').token, 'POST', url, { text: 'Mine', version: c.version + 4 });
      expect(byAdmin.statusCode).toBe(422);
      expect(byAdmin.json().errors[0]).toMatchObject({ field: 'text', rule: 'approvable' });
    } finally {
      await put(ws().token, { mode: 'none' });
    }
  });

  test('likes go to the conversation of an inbound message of the workspace', async () => {
    const c = await seedConversation(h(), {
      workspaceId: ws().workspaceId,
      channelId: bluesky,
      messages: [{ text: 'Love it' }, { text: 'Thanks', direction: 'out' }],
    });
    expect((await call(other.token, 'POST', `/v1/inbox/messages/${c.messageIds[0]}/like`)).statusCode).toBe(404);
    const own = await call(ws().token, 'POST', `/v1/inbox/messages/${c.messageIds[1]}/like`);
    expect(own.statusCode).toBe(422);
    expect((await call(member('analyst').token, 'POST', `/v1/inbox/messages/${c.messageIds[0]}/like`)).statusCode).toBe(
      403,
    );
  });

  test('saved replies live in the library and are rendered for the conversation', async () => {
    const unknown = await call(ws().token, 'POST', '/v1/library', {
      kind: 'saved_reply',
      name: 'Bad',
      body: 'Hi {{author.age}}',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0]).toMatchObject({ field: 'body.body' });
    const created = await call(ws().token, 'POST', '/v1/library', {
      kind: 'saved_reply',
      name: 'Thanks',
      body: 'Thanks {{author.name}} ({{ author.handle }})! See {{post.link}}',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().variables).toEqual(['author.name', 'author.handle', 'post.link']);
    const id = created.json().id as string;
    const approved = async () =>
      (await call(ws().token, 'GET', `/v1/library?kind=saved_reply`))
        .json()
        .items.find((i: { id: string; status: string }) => i.id === id && i.status === 'approved');
    await waitFor('the saved reply approved', approved);

    const c = await seedConversation(h(), {
      workspaceId: ws().workspaceId,
      channelId: await seedChannel(h(), { workspaceId: ws().workspaceId, createdBy: ws().userId, provider: 'bluesky' }),
      handle: 'grace.test',
      displayName: 'Grace',
    });
    const res = await call(member('analyst').token, 'GET', `/v1/inbox/conversations/${c.id}/saved-replies`);
    expect(res.statusCode).toBe(200);
    expect(res.json().savedReplies).toEqual([
      expect.objectContaining({ id, name: 'Thanks', text: 'Thanks Grace (@grace.test)! See ' }),
    ]);
    const reply = await call(member('editor').token, 'POST', `/v1/inbox/conversations/${c.id}/replies`, {
      text: 'Thanks Grace!',
      savedReplyId: id,
      version: c.version,
    });
    expect(reply.json().reply.savedReplyId).toBe(id);
    expect((await call(other.token, 'GET', `/v1/inbox/conversations/${c.id}/saved-replies`)).statusCode).toBe(404);
  });
});

describe('SLA', () => {
  test('targets per priority are validated and replaced; the report gives median, p90 and breaches per member and channel', async () => {
    const put = (token: string, targets: object[]) => call(token, 'PUT', '/v1/inbox/sla-targets', { targets });
    const normal = { priority: 'normal', firstResponseMinutes: 60, resolutionMinutes: 480, remindBeforeMinutes: 15 };
    expect((await put(member('editor').token, [normal])).statusCode).toBe(403);
    expect((await put(ws().token, [normal, normal])).statusCode).toBe(400);
    const backwards = await put(ws().token, [{ ...normal, resolutionMinutes: 30 }]);
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().errors[0].field).toBe('body.targets.0.resolutionMinutes');
    expect((await put(ws().token, [{ ...normal, remindBeforeMinutes: 60 }])).statusCode).toBe(400);
    const set = await put(ws().token, [normal, { priority: 'urgent', firstResponseMinutes: 5, resolutionMinutes: 60 }]);
    expect(set.statusCode).toBe(200);
    expect(set.json().targets).toEqual([
      { priority: 'urgent', firstResponseMinutes: 5, resolutionMinutes: 60, remindBeforeMinutes: 0 },
      normal,
    ]);
    expect((await call(member('analyst').token, 'GET', '/v1/inbox/sla-targets')).json().targets).toHaveLength(2);

    // Figures from seeded conversations in a window of their own.
    const start = new Date('2020-03-02T09:00:00Z');
    const at = (hours: number) => new Date(start.getTime() + hours * 3600_000);
    const agent = member('editor').userId;
    const seeded = async (input: Partial<Parameters<typeof seedConversation>[1]>) =>
      seedConversation(h(), { workspaceId: ws().workspaceId, channelId: bluesky, assigneeId: agent, ...input });
    await seeded({ startedAt: at(0), firstResponseAfterMinutes: 10, closedAfterMinutes: 60 });
    await seeded({ startedAt: at(1), firstResponseAfterMinutes: 20, firstResponseBreached: true });
    await seeded({ startedAt: at(2), firstResponseAfterMinutes: 30, resolutionBreached: true });
    await seeded({ startedAt: at(3), firstResponseAfterMinutes: 40 });
    await seeded({ startedAt: at(4), channelId: mastodon, network: 'mastodon', assigneeId: member('admin').userId });
    await seeded({ startedAt: new Date('2020-05-01T00:00:00Z'), firstResponseAfterMinutes: 1 }); // outside

    const report = await call(
      member('analyst').token,
      'GET',
      '/v1/inbox/sla-report?from=2020-03-01T00:00:00Z&to=2020-04-01T00:00:00Z',
    );
    expect(report.statusCode).toBe(200);
    const body = report.json();
    expect(body.total).toEqual({
      conversations: 5,
      responded: 4,
      medianFirstResponseSeconds: 1500,
      p90FirstResponseSeconds: 2220,
      firstResponseBreaches: 1,
      resolutionBreaches: 1,
      resolved: 1,
    });
    expect(body.members).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ userId: agent, name: 'editor', conversations: 4, medianFirstResponseSeconds: 1500 }),
        expect.objectContaining({
          userId: member('admin').userId,
          conversations: 1,
          responded: 0,
          medianFirstResponseSeconds: null,
        }),
      ]),
    );
    expect(body.channels).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          channelId: bluesky,
          conversations: 4,
          p90FirstResponseSeconds: 2220,
          firstResponseBreaches: 1,
        }),
        expect.objectContaining({ channelId: mastodon, conversations: 1 }),
      ]),
    );
    const backwardsReport = await call(
      ws().token,
      'GET',
      '/v1/inbox/sla-report?from=2020-04-01T00:00:00Z&to=2020-03-01T00:00:00Z',
    );
    expect(backwardsReport.statusCode).toBe(400);
    // Another workspace's report holds none of these.
    expect(
      (await call(other.token, 'GET', '/v1/inbox/sla-report?from=2020-03-01T00:00:00Z&to=2020-04-01T00:00:00Z')).json()
        .total.conversations,
    ).toBe(0);
  });
});

describe('assignment rules and away', () => {
  test('rules are validated strictly, kept in order, replaced and removed', async () => {
    const post = (token: string, body: object) => call(token, 'POST', '/v1/inbox/assignment-rules', body);
    const rule = {
      name: 'Billing',
      conditions: { keywords: ['invoice', 'refund'], channelIds: [bluesky] },
      assignees: { userIds: [member('editor').userId, member('admin').userId] },
    };
    expect((await post(member('editor').token, rule)).statusCode).toBe(403);
    const stranger = await post(ws().token, {
      ...rule,
      conditions: { channelIds: [randomUUID()] },
      assignees: { userIds: [other.userId] },
    });
    expect(stranger.statusCode).toBe(422);
    expect(
      stranger
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['assignees.userIds.0', 'conditions.channelIds.0'].sort());
    expect((await post(ws().token, { ...rule, conditions: { mood: 'happy' } })).statusCode).toBe(400);
    expect((await post(ws().token, { ...rule, assignees: { role: 'editor', userIds: [] } })).statusCode).toBe(400);
    expect((await post(ws().token, { ...rule, assignees: { userIds: [] } })).statusCode).toBe(400);
    expect((await post(ws().token, { ...rule, conditions: { sentiment: 'angry' } })).statusCode).toBe(400);

    const billing = (await post(ws().token, rule)).json();
    expect(billing).toMatchObject({ name: 'Billing', position: 1, enabled: true });
    const leads = (
      await post(member('admin').token, {
        name: 'Leads',
        conditions: { lead: true },
        assignees: { role: 'editor' },
        position: 1,
      })
    ).json();
    const listed = (await call(member('analyst').token, 'GET', '/v1/inbox/assignment-rules')).json().rules;
    expect(listed.map((r: { name: string; position: number }) => [r.name, r.position])).toEqual([
      ['Leads', 1],
      ['Billing', 2],
    ]);
    const replaced = await call(ws().token, 'PUT', `/v1/inbox/assignment-rules/${billing.id}`, {
      ...rule,
      enabled: false,
      position: 1,
    });
    expect(replaced.json()).toMatchObject({ position: 1, enabled: false });
    expect((await call(other.token, 'PUT', `/v1/inbox/assignment-rules/${billing.id}`, rule)).statusCode).toBe(404);
    expect((await call(other.token, 'DELETE', `/v1/inbox/assignment-rules/${billing.id}`)).statusCode).toBe(404);
    expect((await call(ws().token, 'DELETE', `/v1/inbox/assignment-rules/${billing.id}`)).statusCode).toBe(204);
    expect((await call(ws().token, 'GET', '/v1/inbox/assignment-rules')).json().rules).toEqual([
      expect.objectContaining({ id: leads.id, position: 1 }),
    ]);
  });

  test('a member marks themselves away; an admin may mark another, an editor may not', async () => {
    const away = (token: string, body: object, userId?: string) =>
      call(token, 'PUT', `/v1/inbox/away${userId ? `/${userId}` : ''}`, body);
    expect((await away(member('editor').token, { away: true })).json()).toEqual({
      userId: member('editor').userId,
      away: true,
    });
    expect((await away(member('editor').token, { away: true }, member('approver').userId)).statusCode).toBe(403);
    expect((await away(member('admin').token, { away: true }, member('approver').userId)).statusCode).toBe(200);
    expect((await away(member('admin').token, { away: true }, other.userId)).statusCode).toBe(404);
    expect((await away(member('admin').token, { away: true, userId: other.userId })).statusCode).toBe(400);
    expect((await call(ws().token, 'GET', '/v1/inbox/away')).json().awayUserIds.sort()).toEqual(
      [member('editor').userId, member('approver').userId].sort(),
    );
    const memberships = await h()
      .db.selectFrom('memberships')
      .select(['user_id', 'away'])
      .where('workspace_id', '=', ws().workspaceId)
      .where('away', '=', true)
      .execute();
    expect(memberships).toHaveLength(2);
    await away(member('editor').token, { away: false });
    await away(ws().token, { away: false }, member('approver').userId);
  });
});
