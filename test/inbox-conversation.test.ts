import { AtpAgent } from '@atproto/api';
import { MockActivityEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { createConversationActivities } from '../activities/conversation';
import { createInboxConnectors } from '../channels/inbox-connectors';
import {
  conversationChangedSignal,
  conversationStateQuery,
  decideReplyUpdate,
  likeMessageUpdate,
} from '../contracts/inbox';
import { markConversationSpam } from '../db/inbox';
import { slaReport } from '../db/inbox-settings';
import type { conversationWorkflow } from '../workflows/conversation';
import { connectBluesky } from './support/channels';
import { useChorus } from './support/chorus';
import { seedConversation, seedReply, signalConversation, useInboxAccounts } from './support/conversations';
import { recordHistory } from './support/histories';
import { addMember, waitFor, type TestWorkspace } from './support/harness';

const started: WorkflowHandle<typeof conversationWorkflow>[] = [];
const chorus = useChorus({
  pds: true,
  workspace: 'Inbox',
  members: ['editor', 'approver'],
  beforeClose: async () => {
    await Promise.all(started.map((h) => h.terminate('test over').catch(() => undefined)));
  },
});
const { harness: h, workspace: ws, member } = chorus;

const net = useInboxAccounts(chorus);

const start = async (conversationId: string, signal?: { replyId: string }, slaMinuteMs?: number) => {
  const handle = await signalConversation(
    h().client,
    h().taskQueue,
    { conversationId, workspaceId: ws().workspaceId, ...(slaMinuteMs ? { slaMinuteMs } : {}) },
    signal,
  );
  started.push(handle);
  return handle;
};
const reply = (replyId: string) =>
  h().db.selectFrom('inbox_replies').selectAll().where('id', '=', replyId).executeTakeFirstOrThrow();
const settled = (replyId: string) =>
  waitFor(`reply ${replyId} settled`, async () => {
    const r = await reply(replyId);
    return ['sent', 'failed', 'rejected'].includes(r.status) && r;
  });
const conversation = (id: string) =>
  h().db.selectFrom('inbox_conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const notificationsOf = (conversationId: string) =>
  h()
    .db.selectFrom('notifications')
    .selectAll()
    .where('subject_type', '=', 'conversation')
    .where('subject_id', '=', conversationId)
    .orderBy('id')
    .execute();
const activities = () =>
  createConversationActivities({
    db: h().db,
    adapters: h().adapters,
    sealer: h().sealer,
    inboxConnectors: createInboxConnectors(h().adapters, { db: h().db }),
  });

/**
 * Waits until the workflow has reloaded after the latest signal and gone back to sleep: after the
 * signal it scheduled an activity (the reload), every activity it scheduled has completed, and a
 * workflow task completed after the last of them.
 */
async function reloadedAndQuiet(handle: WorkflowHandle) {
  await waitFor('the workflow reloaded and asleep', async () => {
    const events = (await handle.fetchHistory()).events ?? [];
    const after = events.slice(events.findLastIndex((e) => e.workflowExecutionSignaledEventAttributes));
    const scheduled = after.filter((e) => e.activityTaskScheduledEventAttributes).length;
    const completed = after.filter((e) => e.activityTaskCompletedEventAttributes).length;
    const lastCompleted = after.findLastIndex((e) => e.activityTaskCompletedEventAttributes);
    return (
      scheduled > 0 &&
      completed >= scheduled &&
      after.slice(lastCompleted + 1).some((e) => e.workflowTaskCompletedEventAttributes)
    );
  });
}

/** The brand's posts on the PDS with this text, with their reply refs and facets. */
async function brandPosts(text: string) {
  const page = await net.brandAgent.com.atproto.repo.listRecords({
    repo: net.brand.did,
    collection: 'app.bsky.feed.post',
    limit: 100,
  });
  return page.data.records
    .map((r) => ({ uri: r.uri, value: r.value as Record<string, any> })) // eslint-disable-line @typescript-eslint/no-explicit-any
    .filter((r) => r.value.text === text);
}

/** A customer's reply to one of the brand's posts, stored as the inbound read stores it. */
async function customerThread(text: string) {
  const root = await net.brandAgent.post({ text: `Launch day ${Math.random()}` });
  const parent = await net.customerAgent.post({ text, reply: { root, parent: root } });
  const seeded = await seedConversation(h().db, {
    workspaceId: ws().workspaceId,
    channelId: net.blueskyChannelId,
    network: 'bluesky',
    contact: { externalId: net.customer.did, handle: net.customer.handle },
    message: { externalId: parent.uri, cid: parent.cid, rootExternalId: root.uri, rootCid: root.cid, text },
  });
  return { root, parent, ...seeded };
}

describe('replies out', () => {
  test('a Bluesky reply appears once, in the right thread with its facets, also when its send runs twice', async () => {
    const thread = await customerThread('When does it ship?');
    const text = `Next week, @${net.customer.handle}! https://example.test/ship`;
    const replyId = await seedReply(h().db, {
      workspaceId: ws().workspaceId,
      conversationId: thread.conversationId,
      messageId: thread.messageId,
      authorId: member('editor').userId,
      text,
    });
    await start(thread.conversationId, { replyId });
    const sent = await settled(replyId);
    expect(sent).toMatchObject({ status: 'sent', error: null });

    const posts = await brandPosts(text);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.uri).toBe(sent.external_id);
    expect(posts[0]!.value.reply).toEqual({
      root: { uri: thread.root.uri, cid: thread.root.cid },
      parent: { uri: thread.parent.uri, cid: thread.parent.cid },
    });
    const features = (posts[0]!.value.facets as { features: { $type: string; did?: string }[] }[]).flatMap(
      (f) => f.features,
    );
    expect(features).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ $type: 'app.bsky.richtext.facet#mention', did: net.customer.did }),
        expect.objectContaining({ $type: 'app.bsky.richtext.facet#link' }),
      ]),
    );
    const after = await conversation(thread.conversationId);
    expect(after.first_response_at).not.toBeNull();
    expect(after.version).toBe(1);
    const out = await h()
      .db.selectFrom('inbox_messages')
      .selectAll()
      .where('conversation_id', '=', thread.conversationId)
      .where('direction', '=', 'out')
      .execute();
    expect(out).toEqual([
      expect.objectContaining({ kind: 'reply_out', external_id: sent.external_id, root_external_id: thread.root.uri }),
    ]);

    // The send activity run twice: a second attempt after the first's record was lost (its row
    // still 'sending'), and two attempts at once. One record each on the PDS.
    const again = await seedReply(h().db, {
      workspaceId: ws().workspaceId,
      conversationId: thread.conversationId,
      messageId: thread.messageId,
      authorId: member('editor').userId,
      text: 'Sent twice, shown once',
    });
    const first = (await new MockActivityEnvironment().run(activities().sendReply, { replyId: again })) as {
      externalId: string;
    };
    await h().db.updateTable('inbox_replies').set({ status: 'sending' }).where('id', '=', again).execute();
    const second = (await new MockActivityEnvironment({ attempt: 2 }).run(activities().sendReply, {
      replyId: again,
    })) as { externalId: string };
    expect(second.externalId).toBe(first.externalId);
    const racing = await seedReply(h().db, {
      workspaceId: ws().workspaceId,
      conversationId: thread.conversationId,
      messageId: thread.messageId,
      authorId: member('editor').userId,
      text: 'Two at once, shown once',
    });
    const raced = (await Promise.all([
      new MockActivityEnvironment().run(activities().sendReply, { replyId: racing }),
      new MockActivityEnvironment({ attempt: 2 }).run(activities().sendReply, { replyId: racing }),
    ])) as { externalId: string }[];
    expect(raced[0]!.externalId).toBe(raced[1]!.externalId);
    expect(await brandPosts('Sent twice, shown once')).toHaveLength(1);
    expect(await brandPosts('Two at once, shown once')).toHaveLength(1);
    expect((await conversation(thread.conversationId)).version).toBe(3);

    // Liked twice: one like record, of the customer's reply.
    const handle = h().client.workflow.getHandle<typeof conversationWorkflow>(`conversation/${thread.conversationId}`);
    for (let i = 0; i < 2; i++)
      await handle.executeUpdate(likeMessageUpdate, {
        args: [{ messageId: thread.messageId, actorId: member('editor').userId }],
      });
    const likes = await net.brandAgent.com.atproto.repo.listRecords({
      repo: net.brand.did,
      collection: 'app.bsky.feed.like',
    });
    expect(likes.data.records.map((r) => (r.value as { subject: { uri: string } }).subject.uri)).toEqual([
      thread.parent.uri,
    ]);
  });

  test('a reply to a deleted post fails saying so, and nothing is sent', async () => {
    const thread = await customerThread('Never mind');
    await net.customerAgent.deletePost(thread.parent.uri);
    const replyId = await seedReply(h().db, {
      workspaceId: ws().workspaceId,
      conversationId: thread.conversationId,
      messageId: thread.messageId,
      authorId: member('editor').userId,
      text: 'Too late to answer',
    });
    await start(thread.conversationId, { replyId });
    const failed = await settled(replyId);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/deleted/);
    expect(await brandPosts('Too late to answer')).toHaveLength(0);
    expect((await conversation(thread.conversationId)).first_response_at).toBeNull();
  });

  test('a reply on a channel whose credentials are refused fails saying so, and nothing is sent', async () => {
    const revoked = await chorus.pds().createAccount('revoked');
    const channelId = (await connectBluesky(h(), ws().token, chorus.pds(), revoked)).id;
    const owner = new AtpAgent({ service: chorus.pds().pdsUrl });
    await owner.login({ identifier: revoked.handle, password: revoked.password });
    await owner.com.atproto.server.revokeAppPassword({ name: 'chorus' });
    const parent = await net.customerAgent.post({ text: 'Anyone there?' });
    const seeded = await seedConversation(h().db, {
      workspaceId: ws().workspaceId,
      channelId,
      network: 'bluesky',
      contact: { externalId: net.customer.did, handle: net.customer.handle },
      message: { externalId: parent.uri, cid: parent.cid, text: 'Anyone there?', kind: 'mention' },
    });
    const replyId = await seedReply(h().db, {
      workspaceId: ws().workspaceId,
      ...seeded,
      authorId: member('editor').userId,
      text: 'Not with these credentials',
    });
    await start(seeded.conversationId, { replyId });
    const failed = await settled(replyId);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/refused the credentials/);
    const posts = await owner.com.atproto.repo.listRecords({ repo: revoked.did, collection: 'app.bsky.feed.post' });
    expect(posts.data.records).toHaveLength(0);
  });

  test('a Mastodon reply goes out with in_reply_to_id and an Idempotency-Key, once; a like favourites', async () => {
    const status = net.fake.post({ text: 'Is the app down?', acct: 'someone@elsewhere.test' });
    const seeded = await seedConversation(h().db, {
      workspaceId: ws().workspaceId,
      channelId: net.mastodonChannelId,
      network: 'mastodon',
      message: { externalId: status.id, text: 'Is the app down?', kind: 'mention' },
    });
    const replyId = await seedReply(h().db, {
      workspaceId: ws().workspaceId,
      ...seeded,
      authorId: member('editor').userId,
      text: '@someone@elsewhere.test It is back up, sorry!',
    });
    // Rate limited at first: the retry waits the instance's Retry-After.
    net.fake.failNext({ status: 429, headers: { 'retry-after': '2' }, body: { error: 'Too many requests' } });
    const handle = await start(seeded.conversationId, { replyId });
    const sent = await settled(replyId);
    expect(sent.status).toBe('sent');
    const attempts = net.fake.requests.filter((r) => r.path === '/api/v1/statuses').map((r) => r.at.getTime());
    expect(attempts.at(-1)! - attempts.at(-2)!).toBeGreaterThanOrEqual(2000);
    const replies = net.fake.published().filter((s) => s.in_reply_to_id === status.id);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.id).toBe(sent.external_id);

    // The send run again after the hour of its Idempotency-Key: the reply is found, not sent again.
    net.fake.forgetIdempotencyKeys();
    await h().db.updateTable('inbox_replies').set({ status: 'sending' }).where('id', '=', replyId).execute();
    const again = (await new MockActivityEnvironment({ attempt: 2 }).run(activities().sendReply, { replyId })) as {
      externalId: string;
    };
    expect(again.externalId).toBe(sent.external_id);
    expect(net.fake.published().filter((s) => s.in_reply_to_id === status.id)).toHaveLength(1);

    await handle.executeUpdate(likeMessageUpdate, {
      args: [{ messageId: seeded.messageId, actorId: member('editor').userId }],
    });
    expect(net.fake.favourited.has(status.id)).toBe(true);

    // A status deleted before the reply went out: Mastodon answers 404; the reply fails, saying so.
    const gone = await seedConversation(h().db, {
      workspaceId: ws().workspaceId,
      channelId: net.mastodonChannelId,
      network: 'mastodon',
      message: { externalId: '1', text: 'Deleted since', kind: 'mention' },
    });
    const unsent = await seedReply(h().db, {
      workspaceId: ws().workspaceId,
      ...gone,
      authorId: member('editor').userId,
      text: 'Into the void',
    });
    await start(gone.conversationId, { replyId: unsent });
    expect(await settled(unsent)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/deleted on Mastodon/),
    });
    expect(net.fake.published().filter((s) => s.in_reply_to_id === '1')).toHaveLength(0);
  });
});

describe('reply approval', () => {
  test('approval gates the send: approved goes out, rejected never does; the author may not approve', async () => {
    const status = net.fake.post({ text: 'I want a refund', acct: 'angry@elsewhere.test' });
    const seeded = await seedConversation(h().db, {
      workspaceId: ws().workspaceId,
      channelId: net.mastodonChannelId,
      network: 'mastodon',
      message: { externalId: status.id, text: 'I want a refund', kind: 'mention' },
    });
    const steps = [{ name: 'Review', mode: 'any' as const, eligibleUserIds: [member('approver').userId] }];
    const approved = await seedReply(h().db, {
      workspaceId: ws().workspaceId,
      ...seeded,
      authorId: member('editor').userId,
      text: 'Approved words',
      status: 'awaiting_approval',
      approvalSteps: steps,
    });
    const rejected = await seedReply(h().db, {
      workspaceId: ws().workspaceId,
      ...seeded,
      authorId: member('editor').userId,
      text: 'Rejected words',
      status: 'awaiting_approval',
      approvalSteps: steps,
    });
    const handle = await start(seeded.conversationId, { replyId: approved });
    await handle.signal('replyRequested', { replyId: rejected });
    await waitFor('both replies awaiting approval', async () => {
      const state = await handle.query(conversationStateQuery);
      return state.pendingReplies.filter((r) => r.approval?.state === 'pending').length === 2;
    });
    expect(net.fake.published().filter((s) => s.in_reply_to_id === status.id)).toHaveLength(0);

    await expect(
      handle.executeUpdate(decideReplyUpdate, {
        args: [{ replyId: approved, userId: member('editor').userId, decision: 'approve' }],
      }),
    ).rejects.toThrow(WorkflowUpdateFailedError);
    await handle.executeUpdate(decideReplyUpdate, {
      args: [{ replyId: rejected, userId: member('approver').userId, decision: 'reject', comment: 'Tone' }],
    });
    await handle.executeUpdate(decideReplyUpdate, {
      args: [{ replyId: approved, userId: member('approver').userId, decision: 'approve' }],
    });
    expect(await settled(approved)).toMatchObject({ status: 'sent' });
    expect(await settled(rejected)).toMatchObject({ status: 'rejected', error: 'Rejected: Tone', external_id: null });
    const out = net.fake.published().filter((s) => s.in_reply_to_id === status.id);
    expect(out.map((s) => s.content)).toEqual(['<p>Approved words</p>']);

    // A step with a deadline: reminded, then escalated to the owner, who may then decide, as for posts.
    const overdue = await seedReply(h().db, {
      workspaceId: ws().workspaceId,
      ...seeded,
      authorId: member('editor').userId,
      text: 'Overdue words',
      status: 'awaiting_approval',
      // Three seconds between the reminder and the deadline: a reminder whose deadline has passed by the
      // time the workflow runs (a loaded machine) is skipped.
      approvalSteps: [{ ...steps[0]!, deadlineSeconds: 6, remindBeforeSeconds: 3, escalateToUserIds: [ws().userId] }],
    });
    await handle.signal('replyRequested', { replyId: overdue });
    const escalated = await waitFor('the approval escalated', async () => {
      const sent = await notificationsOf(seeded.conversationId);
      return sent.some((n) => n.kind === 'approval.escalated') && sent;
    });
    expect(escalated.map((n) => [n.kind, n.recipient_ids])).toEqual([
      ['approval.reminder', [member('approver').userId]],
      ['approval.escalated', [ws().userId]],
    ]);
    await handle.executeUpdate(decideReplyUpdate, {
      args: [{ replyId: overdue, userId: ws().userId, decision: 'approve' }],
    });
    expect(await settled(overdue)).toMatchObject({ status: 'sent' });
    await recordHistory(h().client, handle.workflowId, 'conversation-replies-approved-rejected-escalated');
  });
});

describe('SLA', () => {
  test('with short targets the reminders and breach escalations fire once each, also across a worker restart', async () => {
    // One SLA minute lasts 500 ms here: first response due at 4 s (reminded at 2 s), resolution at 20 s
    // (at 18 s): time for the worker's restart between the two, also on a loaded machine (a reminder
    // whose deadline has passed by the time the workflow runs again is not sent).
    await h()
      .db.insertInto('inbox_sla_targets')
      .values([
        {
          workspace_id: ws().workspaceId,
          priority: 'high',
          first_response_minutes: 8,
          resolution_minutes: 40,
          remind_before_minutes: 4,
        },
        {
          workspace_id: ws().workspaceId,
          priority: 'urgent',
          first_response_minutes: 12,
          resolution_minutes: 40,
          remind_before_minutes: 4,
        },
      ])
      .execute();
    const assignee = member('editor').userId;
    const late = await seedConversation(h().db, {
      workspaceId: ws().workspaceId,
      priority: 'high',
      assigneeId: assignee,
    });
    const answered = await seedConversation(h().db, {
      workspaceId: ws().workspaceId,
      priority: 'urgent',
      assigneeId: member('approver').userId,
    });
    const lateHandle = await start(late.conversationId, undefined, 500);
    const answeredHandle = await start(answered.conversationId, undefined, 500);
    const armed = await waitFor('deadlines stored', async () => {
      const c = await conversation(late.conversationId);
      return c.first_response_due_at && c;
    });
    expect(armed.first_response_due_at!.getTime() - armed.first_inbound_at.getTime()).toBe(4000);
    expect(armed.resolution_due_at!.getTime() - armed.first_inbound_at.getTime()).toBe(20000);

    // The other is answered at once (its first-response timer stops), then closed (all stop, it ends).
    await h()
      .db.updateTable('inbox_conversations')
      .set({ first_response_at: new Date() })
      .where('id', '=', answered.conversationId)
      .execute();
    await answeredHandle.signal(conversationChangedSignal, { reason: 'replied' });

    await waitFor(
      'first response breached',
      async () => (await conversation(late.conversationId)).first_response_breached_at,
    );
    await h().restartWorker(); // the workflow replays on the new worker
    await h()
      .db.updateTable('inbox_conversations')
      .set({ status: 'closed', closed_at: new Date() })
      .where('id', '=', answered.conversationId)
      .execute();
    await answeredHandle.signal(conversationChangedSignal, { reason: 'closed' });
    await answeredHandle.result();
    await recordHistory(h().client, answeredHandle.workflowId, 'conversation-answered-closed');

    // Reopened (a new message, say): its workflow starts again, with a new SLA cycle from now.
    const closedRow = await conversation(answered.conversationId);
    await h()
      .db.updateTable('inbox_conversations')
      .set({ status: 'open' })
      .where('id', '=', answered.conversationId)
      .execute();
    await start(answered.conversationId, undefined, 500);
    const reopened = await waitFor('a new SLA cycle', async () => {
      const c = await conversation(answered.conversationId);
      return c.sla_started_at! > closedRow.closed_at! && c;
    });
    expect(reopened.first_response_at).toBeNull();
    expect(reopened.first_response_due_at!.getTime() - reopened.sla_started_at!.getTime()).toBe(6000);

    await waitFor(
      'resolution breached',
      async () => (await conversation(late.conversationId)).resolution_breached_at,
      30_000,
    );
    // A reload after the breaches (as any change sends) sends none of them again.
    await lateHandle.signal(conversationChangedSignal, { reason: 'priority' });
    await reloadedAndQuiet(lateHandle);

    await recordHistory(h().client, lateHandle.workflowId, 'conversation-sla-breached');
    const sent = await notificationsOf(late.conversationId);
    expect(sent.map((n) => n.kind)).toEqual([
      'sla.first_response.reminder',
      'sla.first_response.breached',
      'sla.resolution.reminder',
      'sla.resolution.breached',
    ]);
    expect(sent[0]!.recipient_ids).toEqual([assignee]);
    expect(sent[1]!.recipient_ids).toEqual(expect.arrayContaining([assignee, ws().userId]));
    const c = await conversation(late.conversationId);
    expect(c.first_response_breached_at!.getTime()).toBeGreaterThanOrEqual(c.first_response_due_at!.getTime());

    // Before its reopening, the answered conversation was neither reminded nor escalated.
    const quiet = await notificationsOf(answered.conversationId);
    expect(quiet.filter((n) => n.created_at < reopened.sla_started_at!).map((n) => n.kind)).toEqual([]);

    const figures = await slaReport(h().db, ws().workspaceId, new Date(0), new Date(Date.now() + 1000));
    expect(figures.members.find((r) => r.userId === assignee)).toMatchObject({
      firstResponseBreaches: 1,
      resolutionBreaches: 1,
    });
    // The Bluesky conversations answered above count in their channel's first-response times.
    const bluesky = figures.channels.find((r) => r.channelId === net.blueskyChannelId)!;
    expect(bluesky.responded).toBeGreaterThanOrEqual(1);
    expect(bluesky.medianFirstResponseSeconds).toBeGreaterThanOrEqual(0);
    expect(bluesky.p90FirstResponseSeconds).toBeGreaterThanOrEqual(bluesky.medianFirstResponseSeconds!);
  });
});

describe('assignment', () => {
  test('without an enabled assignment rule its workflow does not ask to assign it (no activity, no row locked)', async () => {
    const seeded = await seedConversation(h().db, { workspaceId: ws().workspaceId, message: { text: 'Hello?' } });
    const handle = await start(seeded.conversationId);
    const events = async () => (await handle.fetchHistory()).events ?? [];
    // Past the point where it would assign: the patch that skips it is recorded (the only one on this path).
    await waitFor('the skip recorded', async () =>
      (await events()).some((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch'),
    );
    const activities = (await events()).flatMap(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? [],
    );
    expect(activities).toContain('loadConversation');
    expect(activities).not.toContain('assignConversation');
    expect((await conversation(seeded.conversationId)).assignee_id).toBeNull();
  });

  test('the first matching rule assigns in turn, skipping members who are away, never the same turn twice', async () => {
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => addMember(h(), ws().workspaceId, 'editor')));
    const away = b as TestWorkspace;
    await h().db.updateTable('memberships').set({ away: true }).where('user_id', '=', away.userId).execute();
    await h()
      .db.insertInto('inbox_assignment_rules')
      .values([
        {
          workspace_id: ws().workspaceId,
          name: 'Refunds',
          position: 1,
          conditions: JSON.stringify({ keywords: ['refund'] }),
          assignees: JSON.stringify({ userIds: [a!.userId, away.userId, c!.userId] }),
        },
        {
          workspace_id: ws().workspaceId,
          name: 'Everything else',
          position: 2,
          conditions: JSON.stringify({}),
          assignees: JSON.stringify({ role: 'approver' }),
        },
      ])
      .execute();
    const refunds = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        seedConversation(h().db, { workspaceId: ws().workspaceId, message: { text: `Refund please (${i})` } }),
      ),
    );
    const other = await seedConversation(h().db, {
      workspaceId: ws().workspaceId,
      message: { text: 'Refunded already, thanks' }, // "refunded" is not the word "refund"
    });
    await Promise.all([...refunds, other].map((s) => start(s.conversationId)));
    const assignees = await waitFor('all assigned', async () => {
      const rows = await Promise.all([...refunds, other].map((s) => conversation(s.conversationId)));
      return rows.every((r) => r.assignee_id) && rows.map((r) => r.assignee_id);
    });
    const turns = assignees.slice(0, 4);
    expect(turns.filter((id) => id === a!.userId)).toHaveLength(2);
    expect(turns.filter((id) => id === c!.userId)).toHaveLength(2);
    expect(turns).not.toContain(away.userId);
    expect(assignees[4]).toBe(member('approver').userId);

    const told = await notificationsOf(other.conversationId);
    expect(told).toEqual([
      expect.objectContaining({ kind: 'conversation.assigned', recipient_ids: [member('approver').userId] }),
    ]);
  });

  test('closing as spam marks the author and closes their open conversations; the workflow ends', async () => {
    const contact = { externalId: 'spammer', handle: 'spammer' };
    const one = await seedConversation(h().db, { workspaceId: ws().workspaceId, contact });
    const two = await seedConversation(h().db, { workspaceId: ws().workspaceId, contact });
    const handle = await start(one.conversationId);
    const closed = await h()
      .db.transaction()
      .execute((trx) =>
        markConversationSpam(trx, {
          workspaceId: ws().workspaceId,
          conversationId: one.conversationId,
          actorId: ws().userId,
        }),
      );
    expect(closed!.sort()).toEqual([one.conversationId, two.conversationId].sort());
    await handle.signal(conversationChangedSignal, { reason: 'spam' });
    await handle.result();
    const author = await h()
      .db.selectFrom('inbox_contacts')
      .select('spam')
      .where('id', '=', one.contactId)
      .executeTakeFirstOrThrow();
    expect(author.spam).toBe(true);
    expect(await conversation(two.conversationId)).toMatchObject({ status: 'closed', spam: true });
  });
});
