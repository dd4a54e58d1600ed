import type { OAuthCredentials } from '../contracts/oauth';
import { ChannelError } from '../channels/errors';
import { createInboxConnectors } from '../channels/inbox-connectors';
import { audienceDue } from '../db/metrics';
import { metricsWorkflowId, stopMetricsSignal } from '../contracts/analytics';
import { inboxWorkflowId, likeMessageUpdate, stopInboxSignal, conversationWorkflowId } from '../contracts/inbox';
import { startInboxReader } from '../services/inbox-store';
import type { conversationWorkflow } from '../workflows/conversation';
import { connectOAuthChannel, oauthCredentials } from './support/channels';
import { useChorus } from './support/chorus';
import { seedReply, signalConversation } from './support/conversations';
import { waitFor } from './support/harness';
import {
  channelConversations,
  channelMessages,
  inboxCounters,
  moreReads,
  terminateConversations,
} from './support/inbox';
import { startLinkedInFake, type LinkedInFake } from './support/linkedin-fake';
import { createdPost } from './support/posts';
import { startXFake, type FakeTweet, type XFake } from './support/x-fake';

/**
 * The inbox of X and LinkedIn channels against the local fakes of their APIs, with Temporal,
 * PostgreSQL and the worker for real: X mentions (replies, quotes, mentions) and LinkedIn comments
 * become conversations once each, linked to the Chorus post they answer; replies from Chorus land
 * once in the right thread though the first answer is lost and the send runs twice; likes; X's
 * rate limit pauses the read until its reset; LinkedIn's counts reach the analytics collector.
 */
let x: XFake;
let linkedin: LinkedInFake;
// Before useChorus's: the harness's adapters are pointed at the fakes.
beforeAll(async () => {
  [x, linkedin] = await Promise.all([startXFake(), startLinkedInFake()]);
});
const channels: string[] = [];
const chorus = useChorus({
  workspace: 'Inbox on X and LinkedIn',
  members: ['editor'],
  // The inbox reads every half second; the collector's +1h comes a quarter second after publishing, +6h at 1.5 s.
  harness: () => ({
    inboxPollSeconds: 0.5,
    metricsTimeScale: 14_400,
    env: { X_API_URL: x.url, LINKEDIN_API_URL: linkedin.url, LINKEDIN_OAUTH_URL: linkedin.oauthUrl },
  }),
  beforeClose: async (c) => {
    const client = c.harness().client;
    await Promise.all(
      channels.map((id) =>
        client.workflow
          .getHandle(inboxWorkflowId(id))
          .signal(stopInboxSignal)
          .catch(() => undefined),
      ),
    );
    await client.workflow
      .getHandle(metricsWorkflowId(c.workspace().workspaceId))
      .signal(stopMetricsSignal)
      .catch(() => undefined);
    await terminateConversations(c.harness());
  },
});
const { harness: h, workspace: ws, member, call } = chorus;
afterAll(async () => {
  await Promise.all([x?.close(), linkedin?.close()]);
});

const ORG = 'urn:li:organization:5515715';
let xChannel: string;
let linkedinChannel: string;
let memberCredentials: OAuthCredentials;

beforeAll(async () => {
  const xCredentials = oauthCredentials(x.accessToken, {
    id: x.user.id,
    name: 'Chorus',
    kind: 'user',
    accountToken: null,
  });
  const orgCredentials = oauthCredentials(linkedin.accessToken, {
    id: ORG,
    name: 'Chorus Inc.',
    kind: 'organization',
    accountToken: null,
  });
  memberCredentials = oauthCredentials(linkedin.accessToken, {
    id: `urn:li:person:${linkedin.member.sub}`,
    name: linkedin.member.name,
    kind: 'member',
    accountToken: null,
  });
  xChannel = (await connectOAuthChannel(h(), ws(), 'x', 'Chorus on X', xCredentials)).id;
  linkedinChannel = (await connectOAuthChannel(h(), ws(), 'linkedin', 'Chorus Inc. on LinkedIn', orgCredentials)).id;
  // As the connect flow does once the channel is stored.
  for (const id of [xChannel, linkedinChannel]) {
    channels.push(id);
    await startInboxReader(
      { temporal: h().client, taskQueue: h().taskQueue },
      { id, workspaceId: ws().workspaceId, provider: id === xChannel ? 'x' : 'linkedin' },
    );
  }
});

const conversationsOf = (channelId: string) => channelConversations(h(), ws().workspaceId, channelId);
const messagesOf = (channelId: string) => channelMessages(h(), ws().workspaceId, channelId);
/** Two more reads of the channel from now: what is stored then was seen again at least once. */
const twoMoreReads = (channelId: string) => moreReads(h(), channelId, 2);
const publishedOn = async (channelId: string, text: string) => {
  const created = await createdPost(call, ws().token, { text, channelIds: [channelId] });
  const externalId = await waitFor(
    'the post published',
    async () =>
      (
        await h()
          .db.selectFrom('post_targets')
          .select('external_id')
          .where('post_id', '=', created.id)
          .where('status', '=', 'published')
          .executeTakeFirst()
      )?.external_id,
  );
  return { id: created.id as string, externalId: externalId! };
};
const sendReply = async (conversationId: string, messageId: string, text: string) => {
  const replyId = await seedReply(h().db, {
    workspaceId: ws().workspaceId,
    conversationId,
    messageId,
    authorId: member('editor').userId,
    text,
  });
  await signalConversation(h().client, h().taskQueue, { conversationId, workspaceId: ws().workspaceId }, { replyId });
  return waitFor(`reply ${replyId} settled`, async () => {
    const r = await h().db.selectFrom('inbox_replies').selectAll().where('id', '=', replyId).executeTakeFirstOrThrow();
    return ['sent', 'failed', 'rejected'].includes(r.status) && r;
  });
};
const likeTwice = async (conversationId: string, messageId: string) => {
  const handle = h().client.workflow.getHandle<typeof conversationWorkflow>(conversationWorkflowId(conversationId));
  for (let i = 0; i < 2; i++)
    await handle.executeUpdate(likeMessageUpdate, { args: [{ messageId, actorId: member('editor').userId }] });
};

describe('X', () => {
  const fan = { id: '2400000000000000001', username: 'fan_of_chorus', name: 'A Fan' };
  const other = { id: '2400000000000000002', username: 'someone_else', name: 'Someone Else' };
  let post: { id: string; externalId: string };
  let reply: FakeTweet;

  test('a reply, a quote and a mention appear as conversations once each (also on later reads), linked to the post', async () => {
    post = await publishedOn(xChannel, 'Our spring collection is on X');
    const ours = x.tweets.find((t) => t.id === post.externalId)!;
    reply = x.post({ text: '@chorus_app Love it! Where can I buy one?', author: fan, inReplyTo: ours });
    const quote = x.post({ text: 'Look at this, @chorus_app &friends', author: other, quote: ours });
    const mention = x.post({ text: 'Hey @chorus_app my order never arrived, this is terrible', author: other });
    x.post({ text: 'Not about Chorus at all', author: other });

    const conversations = await waitFor('three conversations', async () => {
      const found = await conversationsOf(xChannel);
      return found.length >= 3 && found;
    });
    const byKey = new Map(conversations.map((c) => [c.thread_key, c]));
    expect(byKey.get(ours.id)).toMatchObject({ network: 'x', kind: 'thread', post_id: post.id, message_count: 1 });
    expect(byKey.get(quote.id)).toMatchObject({ post_id: post.id, message_count: 1 });
    expect(byKey.get(mention.id)).toMatchObject({ post_id: null, sentiment_label: 'negative', message_count: 1 });
    const messages = await messagesOf(xChannel);
    expect(messages.map((m) => [m.kind, m.external_id]).sort()).toEqual(
      [
        ['reply', reply.id],
        ['quote', quote.id],
        ['mention', mention.id],
      ].sort(),
    );
    expect(messages.find((m) => m.external_id === reply.id)).toMatchObject({
      direction: 'in',
      parent_external_id: ours.id,
      root_external_id: ours.id,
      text: '@chorus_app Love it! Where can I buy one?',
    });
    // Text as written (X sends `&` as `&amp;`).
    expect(messages.find((m) => m.external_id === quote.id)!.text).toBe('Look at this, @chorus_app &friends');
    const contact = await h()
      .db.selectFrom('inbox_contacts')
      .selectAll()
      .where('id', '=', messages.find((m) => m.external_id === reply.id)!.contact_id!)
      .executeTakeFirstOrThrow();
    expect(contact).toMatchObject({ network: 'x', external_id: fan.id, handle: fan.username, display_name: fan.name });

    // Read again and again: nothing stored twice; a deeper reply joins the post's thread.
    await twoMoreReads(xChannel);
    expect(await messagesOf(xChannel)).toHaveLength(3);
    const deeper = x.post({ text: '@fan_of_chorus @chorus_app same question here', author: other, inReplyTo: reply });
    await waitFor('the deeper reply in the thread', async () => {
      const thread = (await conversationsOf(xChannel)).find((c) => c.thread_key === ours.id);
      return thread?.message_count === 2;
    });
    expect(await conversationsOf(xChannel)).toHaveLength(3);
    expect((await messagesOf(xChannel)).find((m) => m.external_id === deeper.id)).toMatchObject({
      kind: 'reply',
      parent_external_id: reply.id,
      root_external_id: ours.id,
    });
    expect(x.requests.some((r) => r.path.includes('/mentions?') && r.path.includes(`since_id=`))).toBe(true);
  });

  test('a reply from Chorus lands once in the thread though its first answer is lost and the send runs twice; a like once', async () => {
    const message = (await messagesOf(xChannel)).find((m) => m.external_id === reply.id)!;
    x.loseAnswer('Thanks for asking');
    const sent = await sendReply(
      message.conversation_id,
      message.id,
      '@fan_of_chorus Thanks for asking! In stores now.',
    );
    expect(sent).toMatchObject({ status: 'sent', error: null });
    const replies = x.published().filter((t) => t.text.includes('Thanks for asking'));
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ id: sent.external_id, in_reply_to: reply.id, conversation_id: post.externalId });
    // Two create attempts reached X: the one whose answer was lost, and none after the look-up found it.
    expect(x.requests.filter((r) => r.method === 'POST' && r.path === '/2/tweets').length).toBeGreaterThanOrEqual(2);
    expect(x.requests.some((r) => r.path.startsWith(`/2/users/${x.user.id}/tweets?`))).toBe(true);
    // Our own reply, read back with the thread's mentions, is not an inbound message.
    await twoMoreReads(xChannel);
    expect((await messagesOf(xChannel)).filter((m) => m.direction === 'in')).toHaveLength(4);

    await likeTwice(message.conversation_id, message.id);
    expect([...(x.likes.get(x.user.id) ?? [])]).toEqual([reply.id]);
    expect(x.tweets.find((t) => t.id === reply.id)!.public_metrics.like_count).toBe(1);
  });

  test('a 429 with x-rate-limit-reset, and a window nearly spent, pause the read until the reset', async () => {
    const mentionsPath = `/2/users/${x.user.id}/mentions`;
    const lastRead = () => x.requests.filter((r) => r.path.startsWith(mentionsPath)).at(-1)!.at;
    const readsAfter = (at: number) => x.requests.filter((r) => r.path.startsWith(mentionsPath) && r.at > at);

    const reset = Math.ceil(Date.now() / 1000) + 3;
    x.failNextRead(mentionsPath, {
      status: 429,
      headers: { 'x-rate-limit-limit': '180', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(reset) },
      body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
    });
    const refusedAt = await waitFor('the refused read', async () => {
      const at = lastRead();
      return (await inboxCounters(h(), xChannel)).lastError?.includes('rate limit') && at;
    });
    const [next] = await waitFor(
      'the next read',
      async () => readsAfter(refusedAt).length > 0 && readsAfter(refusedAt),
      15_000,
    );
    expect(next!.at).toBeGreaterThanOrEqual(reset * 1000 - 50);

    // Two requests left in the window: the read takes one (storing what it found) and stops before X has to refuse.
    const lateMention = x.post({ text: '@chorus_app one more thing', author: fan });
    const windowReset = Math.ceil(Date.now() / 1000) + 4;
    x.mentionsWindow = { limit: 180, remaining: 2, reset: windowReset };
    await waitFor('the mention read within the window', async () =>
      (await messagesOf(xChannel)).some((m) => m.external_id === lateMention.id),
    );
    const pausedAt = lastRead();
    expect(pausedAt).toBeLessThan(windowReset * 1000);
    expect(x.mentionsWindow.remaining).toBe(1);
    const [resumed] = await waitFor(
      'the read after the reset',
      async () => readsAfter(pausedAt).length > 0 && readsAfter(pausedAt),
      15_000,
    );
    expect(resumed!.at).toBeGreaterThanOrEqual(windowReset * 1000 - 50);
  });
});

describe('LinkedIn', () => {
  const ann = 'urn:li:person:annCustomer1';
  const bob = 'urn:li:person:bobCustomer2';
  let post: { id: string; externalId: string };

  test("comments on the organization's posts appear as one conversation per post, once each (also on later reads)", async () => {
    post = await publishedOn(linkedinChannel, 'Chorus Inc. opens a new office');
    const first = linkedin.comment({ post: post.externalId, actor: ann, text: 'Congratulations!' });
    const second = linkedin.comment({ post: post.externalId, actor: bob, text: 'Are you hiring there?' });
    const conversation = await waitFor("the post's conversation with two comments", async () => {
      const [found] = await conversationsOf(linkedinChannel);
      return found?.message_count === 2 && found;
    });
    expect(conversation).toMatchObject({
      network: 'linkedin',
      kind: 'thread',
      thread_key: post.externalId,
      post_id: post.id,
    });
    const messages = await messagesOf(linkedinChannel);
    expect(messages.map((m) => m.external_id).sort()).toEqual([first.urn, second.urn].sort());
    expect(messages.find((m) => m.external_id === first.urn)).toMatchObject({
      kind: 'reply',
      text: 'Congratulations!',
      parent_external_id: post.externalId,
      root_external_id: post.externalId,
    });

    await twoMoreReads(linkedinChannel);
    expect(await messagesOf(linkedinChannel)).toHaveLength(2);
    // A comment under a comment joins the post's thread.
    const nested = linkedin.comment({ post: post.externalId, actor: ann, text: 'Me too, are you?', parent: second });
    await waitFor('the nested comment', async () => (await conversationsOf(linkedinChannel))[0]?.message_count === 3);
    expect(await conversationsOf(linkedinChannel)).toHaveLength(1);
    expect((await messagesOf(linkedinChannel)).find((m) => m.external_id === nested.urn)).toMatchObject({
      parent_external_id: second.urn,
    });
  });

  test('a reply from Chorus lands once under the comment though its first answer is lost; a like once', async () => {
    const messages = await messagesOf(linkedinChannel);
    const question = messages.find((m) => m.text === 'Are you hiring there?')!;
    const nested = messages.find((m) => m.text === 'Me too, are you?')!;
    linkedin.loseNextAnswer = true;
    const sent = await sendReply(question.conversation_id, question.id, 'Yes! See our careers page.');
    expect(sent).toMatchObject({ status: 'sent', error: null });
    const ours = linkedin.comments.filter((c) => c.text === 'Yes! See our careers page.');
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatchObject({ urn: sent.external_id, actor: ORG, parentComment: question.external_id });
    // A reply to a nested comment goes under its top-level comment (LinkedIn nests one level).
    const underNested = await sendReply(nested.conversation_id, nested.id, 'Both of you: yes.');
    expect(underNested.status).toBe('sent');
    expect(linkedin.comments.find((c) => c.text === 'Both of you: yes.')).toMatchObject({
      actor: ORG,
      parentComment: question.external_id,
    });
    // The organization's own comments, read back, are not inbound.
    await twoMoreReads(linkedinChannel);
    expect(await messagesOf(linkedinChannel)).toHaveLength(3 + 2);
    expect((await messagesOf(linkedinChannel)).filter((m) => m.direction === 'in')).toHaveLength(3);

    await likeTwice(question.conversation_id, question.id);
    expect([...linkedin.reactions].filter(([key]) => key.startsWith(`${ORG} `))).toEqual([
      [`${ORG} ${question.external_id}`, 'LIKE'],
    ]);
  });

  test("the analytics collector stores a LinkedIn post's likes, comments, reposts and impressions", async () => {
    const counted = await publishedOn(linkedinChannel, 'Chorus Inc. quarterly update');
    linkedin.shareStatistics.set(counted.externalId, { impressionCount: 900, clickCount: 40, shareCount: 3 });
    linkedin.reactions.set(`${ann} ${counted.externalId}`, 'LIKE');
    linkedin.comment({ post: counted.externalId, actor: ann, text: 'Good quarter' });
    linkedin.comment({ post: counted.externalId, actor: bob, text: 'Well done' });
    const target = await h()
      .db.selectFrom('post_targets')
      .select('id')
      .where('post_id', '=', counted.id)
      .executeTakeFirstOrThrow();
    const snapshot = await waitFor('a snapshot with the counts', async () =>
      (await h().db.selectFrom('metric_snapshots').selectAll().where('target_id', '=', target.id).execute()).find(
        (s) => s.status === 'ok' && s.likes === 1 && s.replies === 2 && s.reposts === 3,
      ),
    );
    expect(snapshot.quotes).toBeNull();
    expect(snapshot.impressions).toBe(900);
    // The target's latest figures (migration 0046's trigger) keep them too.
    expect(
      await h()
        .db.selectFrom('target_metrics')
        .select('impressions')
        .where('target_id', '=', target.id)
        .executeTakeFirst(),
    ).toEqual({ impressions: 900 });
    expect(linkedin.requests.some((r) => r.path.startsWith('/rest/organizationalEntityShareStatistics?'))).toBe(true);

    // A member's post has no share statistics (reposts 0, impressions unknown); a post LinkedIn no longer finds is deleted.
    linkedin.posts.push({
      id: 'urn:li:share:7300000000000009999',
      author: memberCredentials.account.id,
      commentary: 'A member post',
      createdAt: Date.now(),
    });
    const { metrics, calls } = await h().adapters.linkedin.readMetrics!(memberCredentials, [
      'urn:li:share:7300000000000009999',
      'urn:li:share:1',
    ]);
    expect(metrics.get('urn:li:share:7300000000000009999')).toEqual({
      status: 'ok',
      counts: { likes: 0, replies: 0, reposts: 0, quotes: null, impressions: null },
    });
    expect(metrics.get('urn:li:share:1')).toEqual({ status: 'deleted' });
    expect(calls).toBe(2);
  });

  test("the analytics collector stores an X post's likes, replies, reposts, quotes and impressions (GET /2/tweets?ids=)", async () => {
    const counted = await publishedOn(xChannel, 'Chorus on X: counted');
    const tweet = x.tweets.find((t) => t.id === counted.externalId)!;
    Object.assign(tweet.public_metrics, {
      like_count: 5,
      reply_count: 2,
      retweet_count: 3,
      quote_count: 1,
      impression_count: 480,
    });
    const target = await h()
      .db.selectFrom('post_targets')
      .select('id')
      .where('post_id', '=', counted.id)
      .executeTakeFirstOrThrow();
    await waitFor('a snapshot with the counts', async () =>
      (await h().db.selectFrom('metric_snapshots').selectAll().where('target_id', '=', target.id).execute()).find(
        (s) =>
          s.status === 'ok' &&
          s.likes === 5 &&
          s.replies === 2 &&
          s.reposts === 3 &&
          s.quotes === 1 &&
          s.impressions === 480,
      ),
    );
    expect(x.requests.some((r) => r.path.startsWith('/2/tweets?ids='))).toBe(true);
  });

  test("the collector reads a LinkedIn organization's followers (its network size), never a member's", async () => {
    const member = (await connectOAuthChannel(h(), ws(), 'linkedin', 'Ann on LinkedIn', memberCredentials)).id;
    linkedin.organizationFollowers.set(ORG, 1234);
    const followersOf = (channelId: string) =>
      h()
        .db.selectFrom('audience_snapshots')
        .select('followers')
        .where('channel_id', '=', channelId)
        .orderBy('taken_at')
        .execute();
    // Read again (every 6 s at this time scale) until the new figure is stored, and once more.
    await waitFor(
      "the organization's followers",
      async () => (await followersOf(linkedinChannel)).at(-1)?.followers === 1234,
    );
    const reads = (await followersOf(linkedinChannel)).length;
    await waitFor('another read', async () => (await followersOf(linkedinChannel)).length > reads, 30_000);
    expect(linkedin.requests.filter((r) => r.path.startsWith('/rest/networkSizes/')).map((r) => r.path)).toEqual(
      expect.arrayContaining([`/rest/networkSizes/${encodeURIComponent(ORG)}?edgeType=COMPANY_FOLLOWED_BY_MEMBER`]),
    );
    // The member's channel: never asked (LinkedIn gives a member's count only with a permission Chorus does not ask for).
    expect(await followersOf(member)).toEqual([]);
    expect(linkedin.requests.some((r) => r.path.startsWith('/rest/networkSizes/urn%3Ali%3Aperson'))).toBe(false);
    await expect(h().adapters.linkedin.readFollowers!(memberCredentials)).rejects.toThrow(/member's follower count/);
    // Never due, so never a failed read each round: with every channel's read due now, the member's is not.
    const due = (await audienceDue(h().db, { workspaceId: ws().workspaceId, now: new Date(), everyMs: 0 })).map(
      (c) => c.channelId,
    );
    expect(due).toEqual(expect.arrayContaining([linkedinChannel, xChannel]));
    expect(due).not.toContain(member);
  });

  test('a member channel without r_member_social: the read says so and waits hours, nothing is stored', async () => {
    const pages: unknown[] = [];
    const read = createInboxConnectors(h().adapters, { db: h().db }).linkedin!.read(
      memberCredentials,
      {},
      async (page) => {
        pages.push(page);
      },
    );
    await expect(read).rejects.toThrow(ChannelError);
    const err = (await read.catch((e: unknown) => e)) as ChannelError;
    // Not refused credentials: the channel still publishes, and is not marked for reconnecting.
    expect(err).toMatchObject({ kind: 'rejected', retryAfterMs: 6 * 3600_000 });
    expect(err.message).toContain('r_member_social');
    expect(pages).toEqual([]);
  });
});
