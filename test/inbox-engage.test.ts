import { conversationWorkflowId } from '../contracts/inbox';
import { useChorus } from './support/chorus';
import { recordHistory } from './support/histories';
import { seedConversation, seedReply, signalConversation, useInboxAccounts } from './support/conversations';
import { terminateConversations } from './support/inbox';
import { bearer, createWorkspace, waitFor, type TestWorkspace } from './support/harness';

/**
 * The inbox's engagement routes end to end, through the API: a reply's approval chain as the web
 * decides on it (each step and round, each decision audited), a like on the local PDS (on an open
 * conversation and on a closed one whose workflow has ended), and the Chorus post a conversation
 * answers in its detail.
 */
const chorus = useChorus({
  pds: true,
  workspace: 'Inbox engage',
  members: ['editor', 'approver'],
  beforeClose: (c) => terminateConversations(c.harness()),
});
const { harness: h, workspace: ws, member, call } = chorus;

let other: TestWorkspace;
const net = useInboxAccounts(chorus);

beforeAll(async () => {
  other = await createWorkspace(h(), 'Inbox engage other');
});

const replyRow = (replyId: string) =>
  h().db.selectFrom('inbox_replies').selectAll().where('id', '=', replyId).executeTakeFirstOrThrow();

describe('reply approval through the API', () => {
  test('a two-step chain: the API shows each step as the workflow holds it, decisions name it, each is audited once, then the reply goes out', async () => {
    const status = net.fake.post({ text: 'Where is my order?', acct: 'buyer@elsewhere.test' });
    const seeded = await seedConversation(h().db, {
      workspaceId: ws().workspaceId,
      channelId: net.mastodonChannelId,
      network: 'mastodon',
      message: { externalId: status.id, text: 'Where is my order?', kind: 'mention' },
    });
    const approver = member('approver');
    const steps = [
      { name: 'Review', mode: 'any' as const, eligibleUserIds: [approver.userId] },
      { name: 'Sign-off', mode: 'any' as const, eligibleUserIds: [ws().userId] },
    ];
    const replyId = await seedReply(h().db, {
      workspaceId: ws().workspaceId,
      ...seeded,
      authorId: member('editor').userId,
      text: '@buyer@elsewhere.test It ships today.',
      status: 'awaiting_approval',
      approvalSteps: steps,
    });
    // As the reply route leaves it: stored, then its conversation's workflow told.
    await signalConversation(
      h().client,
      h().taskQueue,
      { conversationId: seeded.conversationId, workspaceId: ws().workspaceId },
      { replyId },
    );
    const chainOf = (token: string) => call(token, 'GET', `/v1/inbox/replies/${replyId}/approval`);
    const first = await waitFor('the chain started', async () => {
      const res = await chainOf(member('editor').token);
      // 409 until the workflow has loaded the reply and started its chain.
      return res.statusCode === 200 && (res.json() as { awaiting: { id: string }[] });
    });
    expect(first).toMatchObject({
      state: 'pending',
      round: 0,
      currentStep: 1,
      awaitingUserIds: [approver.userId],
      steps: [expect.objectContaining({ name: 'Review' }), expect.objectContaining({ name: 'Sign-off' })],
    });
    expect(first.awaiting).toEqual([expect.objectContaining({ id: approver.userId })]);
    expect((await chainOf(other.token)).statusCode).toBe(404);

    const decide = (token: string, step: number, key?: string) =>
      h().app.inject({
        method: 'POST',
        url: `/v1/inbox/replies/${replyId}/decisions`,
        headers: { ...bearer(token), ...(key ? { 'idempotency-key': key } : {}) },
        payload: { decision: 'approve', step, round: 0 },
      });
    // A decision naming a step that is not the current one is refused, naming the current one.
    const stale = await decide(approver.token, 2);
    expect(stale.statusCode).toBe(409);
    expect(stale.json().errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'step', message: 'the current step is 1' })]),
    );
    const firstDecision = await decide(approver.token, 1, 'reply-step-1');
    expect(firstDecision.statusCode).toBe(200);
    expect(firstDecision.json()).toMatchObject({ state: 'pending', currentStep: 2 });
    // The same decision again (a retry with its key) is answered the same and applied once.
    expect((await decide(approver.token, 1, 'reply-step-1')).json()).toEqual(firstDecision.json());
    const second = (await chainOf(ws().token)).json();
    expect(second).toMatchObject({ currentStep: 2, awaitingUserIds: [ws().userId] });
    expect(second.decisions).toEqual([expect.objectContaining({ step: 1, round: 0, userId: approver.userId })]);
    expect(net.fake.published().filter((s) => s.in_reply_to_id === status.id)).toHaveLength(0);

    expect((await decide(ws().token, 2)).json()).toMatchObject({ state: 'approved' });
    const sent = await waitFor('the reply sent', async () => {
      const r = await replyRow(replyId);
      return r.status === 'sent' && r;
    });
    expect(net.fake.published().filter((s) => s.in_reply_to_id === status.id)).toEqual([
      expect.objectContaining({ id: sent.external_id }),
    ]);
    // Nothing pending any more: the route says so.
    expect((await chainOf(ws().token)).statusCode).toBe(409);

    const audit = await waitFor('both decisions audited', async () => {
      const res = await call(ws().token, 'GET', `/v1/audit?subject=${replyId}&action=reply.approval_decided`);
      const entries = res.json().entries as { actorId: string; subjectType: string; after: { step: number } }[];
      return entries.length >= 2 && entries;
    });
    expect(audit.map((e) => [e.actorId, e.subjectType, e.after.step]).sort((a, b) => +a[2]! - +b[2]!)).toEqual([
      [approver.userId, 'reply', 1],
      [ws().userId, 'reply', 2],
    ]);
    // A history with the audit's activity after each decision (the patch), for test/replay.test.ts.
    await recordHistory(
      h().client,
      conversationWorkflowId(seeded.conversationId),
      'conversation-reply-decisions-audited',
    );
  });
});

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

/** The brand's like records on the PDS for a post. */
async function likesOf(uri: string) {
  const page = await net.brandAgent.com.atproto.repo.listRecords({
    repo: net.brand.did,
    collection: 'app.bsky.feed.like',
    limit: 100,
  });
  return page.data.records.filter((r) => (r.value as { subject?: { uri?: string } }).subject?.uri === uri);
}

describe('likes through the API', () => {
  const like = (messageId: string) => call(member('editor').token, 'POST', `/v1/inbox/messages/${messageId}/like`);

  test('an open conversation: one like record on the PDS, however often asked', async () => {
    const thread = await customerThread('Love the new release');
    for (let i = 0; i < 3; i++) {
      const res = await like(thread.messageId);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ liked: true, message: { id: thread.messageId } });
    }
    expect(await likesOf(thread.parent.uri)).toHaveLength(1);
    expect(await likesOf(thread.root.uri)).toHaveLength(0);
  });

  test('a closed conversation whose workflow has ended: the like starts it again, once on the PDS', async () => {
    const thread = await customerThread('Thanks, all sorted');
    const closed = await call(member('editor').token, 'PATCH', `/v1/inbox/conversations/${thread.conversationId}`, {
      status: 'closed',
    });
    expect(closed.statusCode).toBe(200);
    const handle = h().client.workflow.getHandle(conversationWorkflowId(thread.conversationId));
    await waitFor('the closed conversation’s workflow ended', async () => {
      return (await handle.describe()).status.name === 'COMPLETED';
    });
    const first = await like(thread.messageId);
    expect(first.statusCode).toBe(200);
    expect((await like(thread.messageId)).statusCode).toBe(200);
    expect(await likesOf(thread.parent.uri)).toHaveLength(1);
    await waitFor('the workflow the like started ended again', async () => {
      return (await handle.describe()).status.name === 'COMPLETED';
    });
    expect((await like(thread.messageId)).statusCode).toBe(200);
    expect(await likesOf(thread.parent.uri)).toHaveLength(1);
  });
});

describe('the Chorus post a conversation answers', () => {
  test("the detail names the post and its campaign (the workspace's own), and nothing when it answers none", async () => {
    const thread = await customerThread('Is this on sale?');
    const plain = (await call(ws().token, 'GET', `/v1/inbox/conversations/${thread.conversationId}`)).json();
    expect(plain).toMatchObject({ post: null, campaign: null });

    const campaign = await call(ws().token, 'POST', '/v1/campaigns', {
      name: 'Spring sale',
      startsAt: new Date(Date.now() + 60_000).toISOString(),
      endsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      channelIds: [net.blueskyChannelId],
    });
    expect(campaign.statusCode).toBe(201);
    const post = await call(ws().token, 'POST', '/v1/posts', {
      text: 'Spring sale starts now',
      channelIds: [net.blueskyChannelId],
      publishAt: new Date(Date.now() + 3600_000).toISOString(),
      campaignId: campaign.json().id,
    });
    expect(post.statusCode).toBe(201);
    await h()
      .db.updateTable('inbox_conversations')
      .set({ post_id: post.json().id, campaign_id: campaign.json().id })
      .where('id', '=', thread.conversationId)
      .execute();
    const detail = (await call(ws().token, 'GET', `/v1/inbox/conversations/${thread.conversationId}`)).json();
    expect(detail.conversation).toMatchObject({ postId: post.json().id, campaignId: campaign.json().id });
    expect(detail.post).toEqual({ id: post.json().id, text: 'Spring sale starts now' });
    expect(detail.campaign).toEqual({ id: campaign.json().id, name: 'Spring sale' });
  });
});
