import { MockActivityEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { createConversationActivities } from '../activities/conversation';
import { createInboxConnectors } from '../channels/inbox-connectors';
import { inboxWorkflowId, likeMessageUpdate } from '../contracts/inbox';
import type { OAuthCredentials } from '../contracts/oauth';
import type { Provider } from '../contracts/domain';
import { insertChannel } from '../db/channels';
import { startInboxReader } from '../services/inbox-store';
import type { conversationWorkflow } from '../workflows/conversation';
import { useChorus } from './support/chorus';
import { seedReply, signalConversation } from './support/conversations';
import { waitFor } from './support/harness';
import { startMetaFake, type MetaFake } from './support/meta-fake';
import { channelConversations, channelMessages, inboxCounters, moreReads } from './support/inbox';

/**
 * The engagement inbox on Facebook Pages, Instagram and Threads, against the Meta fake
 * (test/support/meta-fake.ts), with Temporal, PostgreSQL and Chorus's worker for real: comments
 * and replies on the accounts' posts become conversations once each, however often they are read;
 * a reply goes out once, in the right thread, even when its send runs twice; Facebook likes,
 * Instagram and Threads refuse to; Meta's throttling pauses the read.
 */
let fake: MetaFake;
const VERIFY_TOKEN = 'chorus-instagram-webhook-verify-token';
beforeAll(async () => {
  fake = await startMetaFake();
});
afterAll(async () => {
  await fake?.close();
});

const started: WorkflowHandle[] = [];
const {
  harness: h,
  workspace: ws,
  call,
} = useChorus({
  workspace: 'Meta inbox',
  // The inbox reads every half second, so items show in seconds.
  harness: () => ({
    meta: { graphUrl: fake.graphUrl, threadsUrl: fake.threadsUrl },
    inboxPollSeconds: 0.5,
    // Meta's app (its secret signs the Instagram webhook) and the webhook's Verify Token.
    env: {
      FACEBOOK_CLIENT_ID: fake.app.clientId,
      FACEBOOK_CLIENT_SECRET: fake.app.clientSecret,
      INSTAGRAM_WEBHOOK_VERIFY_TOKEN: VERIFY_TOKEN,
    },
  }),
  beforeClose: async () => {
    await Promise.all(started.map((w) => w.terminate('test over').catch(() => undefined)));
  },
});

const channels: Record<'facebook' | 'instagram' | 'threads', string> = { facebook: '', instagram: '', threads: '' };

beforeAll(async () => {
  const tokens = {
    accessToken: 'EAALong-user-token-not-used-by-the-inbox',
    accessTokenExpiresAt: new Date(Date.now() + 60 * 86_400_000).toISOString(),
    refreshToken: null,
    refreshTokenExpiresAt: null,
    scopes: [],
  };
  const connect = async (provider: Provider, credentials: OAuthCredentials) => {
    const channel = await insertChannel(h().db, {
      workspaceId: ws().workspaceId,
      actorId: ws().userId,
      provider,
      name: `Chorus on ${provider}`,
      accountRef: credentials.account.name,
      credentialsSealed: h().sealer.seal(credentials),
    });
    await startInboxReader(
      { temporal: h().client, taskQueue: h().taskQueue },
      { ...channel, workspaceId: ws().workspaceId },
    );
    started.push(h().client.workflow.getHandle(inboxWorkflowId(channel.id)));
    return channel.id;
  };
  channels.facebook = await connect('facebook', {
    tokens,
    account: { id: fake.page.id, name: fake.page.name, kind: 'page', accountToken: fake.page.token },
  });
  channels.instagram = await connect('instagram', {
    tokens,
    account: {
      id: fake.instagram.id,
      name: fake.instagram.username,
      kind: 'instagram_business',
      accountToken: fake.page.token,
    },
  });
  channels.threads = await connect('threads', {
    tokens: { ...tokens, accessToken: fake.threadsUser.token },
    account: { id: fake.threadsUser.id, name: fake.threadsUser.username, kind: 'user', accountToken: null },
  });
});

const conversationsOf = (channelId: string) => channelConversations(h(), ws().workspaceId, channelId);
const messagesOf = (channelId: string) => channelMessages(h(), ws().workspaceId, channelId);
const messageOf = async (channelId: string, externalId: string) =>
  (await messagesOf(channelId)).find((m) => m.external_id === externalId)!;
const reply = (replyId: string) =>
  h().db.selectFrom('inbox_replies').selectAll().where('id', '=', replyId).executeTakeFirstOrThrow();
const settled = (replyId: string) =>
  waitFor(`reply ${replyId} settled`, async () => {
    const r = await reply(replyId);
    return ['sent', 'failed', 'rejected'].includes(r.status) && r;
  });
const counters = (channelId: string) => inboxCounters(h(), channelId);
/** Waits for `n` more complete reads of the channel (a read that stored nothing new among them). */
const readsMore = (channelId: string, n: number) => moreReads(h(), channelId, n);
const activities = () =>
  createConversationActivities({
    db: h().db,
    adapters: h().adapters,
    sealer: h().sealer,
    inboxConnectors: createInboxConnectors(h().adapters, { db: h().db }),
  });
const startConversation = async (conversationId: string, replyId: string) => {
  const handle = await signalConversation(
    h().client,
    h().taskQueue,
    { conversationId, workspaceId: ws().workspaceId },
    { replyId },
  );
  started.push(handle);
  return handle as WorkflowHandle<typeof conversationWorkflow>;
};
/** The timers a workflow started, in seconds. */
async function timersOf(workflowId: string): Promise<number[]> {
  const events = (await h().client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  return events
    .map((e) => e.timerStartedEventAttributes?.startToFireTimeout?.seconds)
    .filter((s) => s !== undefined && s !== null)
    .map(Number);
}

describe('Facebook Pages', () => {
  let post: ReturnType<MetaFake['addFeedPost']>;
  let question: ReturnType<MetaFake['comment']>;
  let conversationId: string;

  test("comments and replies on the Page's posts become one conversation per post, each once, also when read again", async () => {
    post = fake.addFeedPost('Our winter blend is back', 3_600_000);
    const quiet = fake.addFeedPost('A post nobody answered lately', 2 * 86_400_000);
    question = fake.comment(post.id, { message: 'Is it decaf?' });
    const other = fake.comment(post.id, {
      message: 'Do you ship to Canada?',
      from: { id: '6100000000000077', name: 'Robin Reader' },
    });
    const followUp = fake.comment(post.id, { message: 'And what does it cost?', parentId: question.id });

    const [conversation] = await waitFor('the post as a conversation with three comments', async () => {
      const found = await conversationsOf(channels.facebook);
      return found.length === 1 && found[0]!.message_count === 3 && found;
    });
    conversationId = conversation!.id;
    expect(conversation).toMatchObject({ network: 'facebook', kind: 'thread', thread_key: post.id, status: 'open' });
    const messages = await messagesOf(channels.facebook);
    // Written in the same second: their order among themselves is storage's.
    expect(
      messages.map((m) => [m.external_id, m.kind, m.direction, m.parent_external_id, m.root_external_id]).sort(),
    ).toEqual(
      [
        [question.id, 'reply', 'in', post.id, post.id],
        [other.id, 'reply', 'in', post.id, post.id],
        [followUp.id, 'reply', 'in', question.id, post.id],
      ].sort(),
    );
    expect(messages.find((m) => m.external_id === question.id)).toMatchObject({
      text: 'Is it decaf?',
      url: question.permalink_url,
    });
    const contact = await h()
      .db.selectFrom('inbox_contacts')
      .selectAll()
      .where('id', '=', messages.find((m) => m.external_id === other.id)!.contact_id!)
      .executeTakeFirstOrThrow();
    expect(contact).toMatchObject({ network: 'facebook', external_id: '6100000000000077', handle: 'Robin Reader' });

    // Read again and again: nothing stored twice (the last minutes are read again on purpose);
    // a post untouched since before the read's window (its updated_time) is not even asked for its comments.
    await readsMore(channels.facebook, 3);
    expect(await messagesOf(channels.facebook)).toHaveLength(3);
    expect((await counters(channels.facebook)).skipped).toBeGreaterThan(0);
    expect(fake.requests.some((r) => r.path === `/${quiet.id}/comments`)).toBe(false);
    const reads = fake.requests.filter((r) => r.path === `/${post.id}/comments`);
    expect(reads.at(-1)!.query.get('filter')).toBe('stream');
    expect(reads.at(-1)!.query.get('order')).toBe('chronological');
    expect(Number(reads.at(-1)!.query.get('since'))).toBeGreaterThan(0);

    // A later comment joins the same conversation.
    fake.comment(post.id, { message: 'Found it in the shop, thanks', parentId: other.id });
    await waitFor('the fourth comment', async () => (await conversationsOf(channels.facebook))[0]!.message_count === 4);
    expect(await conversationsOf(channels.facebook)).toHaveLength(1);
  });

  test('a reply goes out once under the comment, as the Page, even when its send runs twice; a like likes it', async () => {
    const message = await messageOf(channels.facebook, question.id);
    const replyId = await seedReply(h().db, {
      workspaceId: ws().workspaceId,
      conversationId,
      messageId: message.id,
      authorId: ws().userId,
      text: 'Not decaf, but we have a decaf blend too!',
    });
    // The first attempt's comment is made, its answer lost: the retry finds it instead of commenting again.
    fake.loseNextAnswer(new RegExp(`^/${question.id}/comments$`), 'POST');
    const handle = await startConversation(conversationId, replyId);
    const sent = await settled(replyId);
    expect(sent.status).toBe('sent');
    const byPage = () => fake.comments.filter((c) => c.parentId === question.id && c.from.id === fake.page.id);
    expect(byPage()).toHaveLength(1);
    expect(sent.external_id).toBe(byPage()[0]!.id);
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path === `/${question.id}/comments`)).toHaveLength(1);
    // The second attempt looked among the comment's replies (newest first) instead of commenting again.
    expect(
      fake.requests.some(
        (r) => r.path === `/${question.id}/comments` && r.query.get('order') === 'reverse_chronological',
      ),
    ).toBe(true);

    // Run again after its record was lost: found, not sent again.
    await h().db.updateTable('inbox_replies').set({ status: 'sending' }).where('id', '=', replyId).execute();
    const again = (await new MockActivityEnvironment({ attempt: 2 }).run(activities().sendReply, { replyId })) as {
      externalId: string;
    };
    expect(again.externalId).toBe(sent.external_id);
    expect(byPage()).toHaveLength(1);

    // The Page's own reply is not read back as a customer's message.
    await readsMore(channels.facebook, 2);
    const messages = await messagesOf(channels.facebook);
    expect(messages.filter((m) => m.direction === 'in')).toHaveLength(4);
    expect(messages.filter((m) => m.direction === 'out').map((m) => m.external_id)).toEqual([sent.external_id]);

    // Liked twice: liked once, by the Page.
    for (let i = 0; i < 2; i++)
      await handle.executeUpdate(likeMessageUpdate, { args: [{ messageId: message.id, actorId: ws().userId }] });
    expect([...question.likedBy]).toEqual([fake.page.id]);
  });

  test('a reply to a deleted comment fails, saying so, and sends nothing', async () => {
    const doomed = fake.comment(post.id, { message: 'Hmm' });
    const message = await waitFor('the comment stored', async () => messageOf(channels.facebook, doomed.id));
    doomed.deleted = true;
    const replyId = await seedReply(h().db, {
      workspaceId: ws().workspaceId,
      conversationId,
      messageId: message.id,
      authorId: ws().userId,
      text: 'Into the void',
    });
    await startConversation(conversationId, replyId);
    expect(await settled(replyId)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/deleted on Facebook/),
    });
    expect(fake.comments.filter((c) => c.parentId === doomed.id)).toHaveLength(0);
  });
});

describe('Instagram', () => {
  test("comments and their replies on the account's media become a conversation; a reply goes out once; liking is refused", async () => {
    const media = fake.addInstagramMedia('New mugs in the shop', 7_200_000);
    const first = fake.igComment(media.id, { text: 'Love the blue one', username: 'mia.makes' });
    const second = fake.igComment(media.id, { text: 'Dishwasher safe?', username: 'leo.cooks', parentId: first.id });
    const [conversation] = await waitFor('the medium as a conversation with two comments', async () => {
      const found = await conversationsOf(channels.instagram);
      return found.length === 1 && found[0]!.message_count === 2 && found;
    });
    expect(conversation).toMatchObject({ network: 'instagram', thread_key: media.id });
    const messages = await messagesOf(channels.instagram);
    expect(messages.map((m) => [m.external_id, m.parent_external_id, m.url]).sort()).toEqual(
      [
        [first.id, media.id, media.permalink],
        [second.id, first.id, media.permalink],
      ].sort(),
    );
    await readsMore(channels.instagram, 3);
    expect(await messagesOf(channels.instagram)).toHaveLength(2);

    // Answering the reply: Instagram puts it under the top-level comment. Its first answer lost, the send runs twice.
    const replyId = await seedReply(h().db, {
      workspaceId: ws().workspaceId,
      conversationId: conversation!.id,
      messageId: (await messageOf(channels.instagram, second.id)).id,
      authorId: ws().userId,
      text: '@leo.cooks Yes, top rack!',
    });
    fake.loseNextAnswer(new RegExp(`^/${second.id}/replies$`), 'POST');
    await startConversation(conversation!.id, replyId);
    const sent = await settled(replyId);
    expect(sent.status).toBe('sent');
    const ours = fake.igComments.filter((c) => c.from.id === fake.instagram.id);
    expect(ours.map((c) => [c.id, c.parentId, c.text])).toEqual([
      [sent.external_id, first.id, '@leo.cooks Yes, top rack!'],
    ]);
    // …and the read does not take it for a customer's.
    await readsMore(channels.instagram, 2);
    expect((await messagesOf(channels.instagram)).filter((m) => m.direction === 'in')).toHaveLength(2);

    // Instagram's API cannot like a comment: the API says so at once, the activity refuses for good.
    const liked = await messageOf(channels.instagram, first.id);
    const refused = await call(ws().token, 'POST', `/v1/inbox/messages/${liked.id}/like`);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ errors: [expect.objectContaining({ field: 'id', rule: 'likeable' })] });
    await expect(
      new MockActivityEnvironment().run(activities().likeMessage, {
        conversationId: conversation!.id,
        messageId: liked.id,
      }),
    ).rejects.toMatchObject({ nonRetryable: true, message: expect.stringMatching(/does not let an app like/) });
  });
});

describe('Instagram mentions', () => {
  test('media the account is tagged in become mentions, once each, also across a reader restart; a reply to one is refused up front, saying why', async () => {
    const earlier = fake.igTag({ caption: 'Morning cup with @chorus.coffee', username: 'mia.makes', ageMs: 60_000 });
    const later = fake.igTag({ caption: 'Best flat white in town', username: 'leo.cooks' });
    // Posted before the channel's first read reached back: never read.
    const ancient = fake.igTag({ caption: 'Throwback', username: 'old.friend', ageMs: 3 * 86_400_000 });
    const tagConversations = async () =>
      (await conversationsOf(channels.instagram)).filter((c) => fake.igTagged.some((t) => t.id === c.thread_key));
    const mentions = async () => (await messagesOf(channels.instagram)).filter((m) => m.kind === 'mention');
    await waitFor('both tagged media as conversations', async () => (await tagConversations()).length === 2);
    expect((await tagConversations()).map((c) => [c.thread_key, c.kind, c.message_count]).sort()).toEqual(
      [
        [earlier.id, 'thread', 1],
        [later.id, 'thread', 1],
      ].sort(),
    );
    expect(
      (await mentions()).map((m) => [m.external_id, m.direction, m.text, m.url, m.parent_external_id]).sort(),
    ).toEqual(
      [
        [earlier.id, 'in', 'Morning cup with @chorus.coffee', earlier.permalink, null],
        [later.id, 'in', 'Best flat white in town', later.permalink, null],
      ].sort(),
    );
    const contact = await h()
      .db.selectFrom('inbox_contacts')
      .selectAll()
      .where('id', '=', (await messageOf(channels.instagram, earlier.id)).contact_id!)
      .executeTakeFirstOrThrow();
    expect(contact).toMatchObject({
      network: 'instagram',
      handle: 'mia.makes',
      profile_url: 'https://www.instagram.com/mia.makes/',
    });
    const tagReads = fake.requests.filter((r) => r.path === `/${fake.instagram.id}/tags`);
    expect(tagReads.at(-1)!.query.get('fields')).toBe('id,caption,media_type,permalink,timestamp,username');

    // Read again and again: each stored once; the stream's position is saved with what it covers.
    await readsMore(channels.instagram, 3);
    expect(await mentions()).toHaveLength(2);
    const position = await h()
      .db.selectFrom('inbox_cursors')
      .select('cursor')
      .where('channel_id', '=', channels.instagram)
      .where('stream', '=', 'tags')
      .executeTakeFirstOrThrow();
    expect(Number(position.cursor)).toBeGreaterThan(Date.now() - 3600_000);

    // The reader stopped, a tag made meanwhile, the reader started again from the saved positions:
    // the new tag is read, the others not stored again, the ancient one still not read.
    const reader = h().client.workflow.getHandle(inboxWorkflowId(channels.instagram));
    await reader.terminate('reader restart');
    const meanwhile = fake.igTag({ caption: 'Tagged while you were away', username: 'ana.writes' });
    // Posted two hours ago (behind the saved position, inside a first read's day): a reader that
    // started over from nothing would read it; one that resumed at its position does not.
    const behind = fake.igTag({ caption: 'An older post, tagged late', username: 'late.tagger', ageMs: 2 * 3600_000 });
    await startInboxReader(
      { temporal: h().client, taskQueue: h().taskQueue },
      { id: channels.instagram, workspaceId: ws().workspaceId, provider: 'instagram' },
    );
    await waitFor('the tag made while the reader was stopped', async () =>
      (await mentions()).some((m) => m.external_id === meanwhile.id),
    );
    await readsMore(channels.instagram, 2);
    expect((await mentions()).map((m) => m.external_id).sort()).toEqual([earlier.id, later.id, meanwhile.id].sort());
    expect((await messagesOf(channels.instagram)).some((m) => [ancient.id, behind.id].includes(m.external_id))).toBe(
      false,
    );
    expect((await counters(channels.instagram)).skipped).toBeGreaterThan(0);

    // Instagram does not let an app comment on a post the account is tagged in: the API refuses the reply at once.
    const conversation = (await tagConversations()).find((c) => c.thread_key === later.id)!;
    const refused = await call(ws().token, 'POST', `/v1/inbox/conversations/${conversation.id}/replies`, {
      text: 'Thanks for the tag!',
      version: conversation.version,
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({
      errors: [
        expect.objectContaining({
          field: 'inReplyToMessageId',
          rule: 'replyable',
          message: expect.stringMatching(/does not let an app comment on a post the account was tagged in/),
        }),
      ],
    });
    expect(
      await h().db.selectFrom('inbox_replies').selectAll().where('conversation_id', '=', conversation.id).execute(),
    ).toEqual([]);
    // A reply stored all the same (written before the rule) is refused by the send for good, nothing sent.
    const replyId = await seedReply(h().db, {
      workspaceId: ws().workspaceId,
      conversationId: conversation.id,
      messageId: (await messageOf(channels.instagram, later.id)).id,
      authorId: ws().userId,
      text: 'Thanks for the tag!',
    });
    const requestsBefore = fake.requests.length;
    await expect(new MockActivityEnvironment().run(activities().sendReply, { replyId })).rejects.toMatchObject({
      nonRetryable: true,
      message: expect.stringMatching(/tagged in/),
    });
    expect(fake.requests.slice(requestsBefore).filter((r) => r.method === 'POST')).toEqual([]);
  });
});

describe("Instagram @mentions through Meta's webhook", () => {
  const webhook = '/v1/inbox/webhooks/instagram';
  const deliver = (delivery: { body: string; signature?: string }) =>
    h().app.inject({
      method: 'POST',
      url: webhook,
      headers: {
        'content-type': 'application/json',
        ...(delivery.signature ? { 'x-hub-signature-256': delivery.signature } : {}),
      },
      payload: delivery.body,
    });
  const events = (mediaId: string) =>
    h()
      .db.selectFrom('instagram_mention_events')
      .selectAll()
      .where('ig_user_id', '=', fake.instagram.id)
      .where('media_id', '=', mediaId)
      .execute();
  let captioned: ReturnType<MetaFake['igMentionIn']>;
  let commented: ReturnType<MetaFake['igMentionIn']>;
  let mentioning: ReturnType<MetaFake['igComment']>;

  test("the subscription check is answered with Meta's challenge only for the configured Verify Token", async () => {
    const check = (query: string) => h().app.inject({ method: 'GET', url: `${webhook}?${query}` });
    const ok = await check(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain/);
    expect(ok.body).toBe('1158201444');
    for (const query of [
      'hub.mode=subscribe&hub.verify_token=not-the-token&hub.challenge=1158201444',
      `hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`,
      'hub.challenge=1158201444',
    ]) {
      const refused = await check(query);
      expect(refused.statusCode).toBe(403);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.json()).toMatchObject({ status: 403, detail: expect.stringMatching(/hub\.verify_token/) });
    }
  });

  test('a signed delivery is recorded once however often Meta sends it, a forged one not at all; the channel stores each caption and comment mention once', async () => {
    captioned = fake.igMentionIn({ caption: 'Coffee time with @chorus.coffee', username: 'cleo.posts' });
    commented = fake.igMentionIn({ caption: 'A latte on the terrace', username: 'dan.drinks' });
    mentioning = fake.igComment(commented.id, { text: '@chorus.coffee do you deliver?', username: 'eve.asks' });
    const forged = fake.igMentionIn({ caption: 'Not from Meta @chorus.coffee', username: 'mallory' });

    // Signed with another secret, or not signed: refused, nothing recorded.
    for (const delivery of [
      fake.mentionWebhook({ media_id: forged.id }, 'not-the-app-secret'),
      { body: fake.mentionWebhook({ media_id: forged.id }).body },
      { ...fake.mentionWebhook({ media_id: forged.id }), body: fake.mentionWebhook({ media_id: captioned.id }).body },
    ]) {
      const refused = await deliver(delivery);
      expect([refused.statusCode, refused.body]).toEqual([401, expect.stringMatching(/x-hub-signature-256/)]);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect(await events(forged.id)).toEqual([]);
    expect(await events(captioned.id)).toEqual([]);

    // Delivered twice (Meta retries what it thinks failed): recorded once.
    const caption = fake.mentionWebhook({ media_id: captioned.id });
    expect((await deliver(caption)).json()).toEqual({ received: 1, recorded: 1 });
    expect((await deliver(caption)).json()).toEqual({ received: 1, recorded: 0 });
    const comment = fake.mentionWebhook({ media_id: commented.id, comment_id: mentioning.id });
    expect((await deliver(comment)).json()).toEqual({ received: 1, recorded: 1 });
    expect((await deliver(comment)).json()).toEqual({ received: 1, recorded: 0 });
    expect(await events(captioned.id)).toHaveLength(1);
    expect(await events(commented.id)).toHaveLength(1);

    await waitFor('both mentions stored', async () => {
      const ids = (await messagesOf(channels.instagram)).map((m) => m.external_id);
      return ids.includes(captioned.id) && ids.includes(mentioning.id);
    });
    await readsMore(channels.instagram, 3);
    const stored = (await messagesOf(channels.instagram)).filter((m) =>
      [captioned.id, mentioning.id, forged.id].includes(m.external_id),
    );
    expect(stored.map((m) => [m.external_id, m.kind, m.parent_external_id, m.root_external_id, m.text]).sort()).toEqual(
      [
        [captioned.id, 'mention', captioned.id, captioned.id, 'Coffee time with @chorus.coffee'],
        [mentioning.id, 'mention', commented.id, commented.id, '@chorus.coffee do you deliver?'],
      ].sort(),
    );
    const conversations = await conversationsOf(channels.instagram);
    expect(conversations.filter((c) => c.thread_key === captioned.id)).toHaveLength(1);
    expect(conversations.filter((c) => c.thread_key === commented.id)).toHaveLength(1);
    // Each fetched as Instagram documents it, once: the webhook's ids in the field expansion.
    const fetches = fake.requests.filter((r) => r.path === `/${fake.instagram.id}` && r.method === 'GET');
    expect(
      fetches.filter((r) => r.query.get('fields')?.startsWith(`mentioned_media.media_id(${captioned.id}){`)),
    ).toHaveLength(1);
    expect(
      fetches.filter((r) => r.query.get('fields')?.startsWith(`mentioned_comment.comment_id(${mentioning.id}){`)),
    ).toHaveLength(1);
  });

  test('a reply to a comment mention goes out once through /mentions, even when its send runs twice; a reply to a caption mention comments on the medium', async () => {
    const [conversation] = (await conversationsOf(channels.instagram)).filter((c) => c.thread_key === commented.id);
    const replyId = await seedReply(h().db, {
      workspaceId: ws().workspaceId,
      conversationId: conversation!.id,
      messageId: (await messageOf(channels.instagram, mentioning.id)).id,
      authorId: ws().userId,
      text: '@eve.asks We do, within 5 km!',
    });
    const mentionsPath = new RegExp(`^/${fake.instagram.id}/mentions$`);
    fake.loseNextAnswer(mentionsPath, 'POST');
    await startConversation(conversation!.id, replyId);
    const sent = await settled(replyId);
    expect(sent.status).toBe('sent');
    const ours = () => fake.igComments.filter((c) => c.from.id === fake.instagram.id && c.mediaId === commented.id);
    expect(ours().map((c) => [c.id, c.parentId, c.text])).toEqual([
      [sent.external_id, mentioning.id, '@eve.asks We do, within 5 km!'],
    ]);
    const posts = fake.requests.filter((r) => r.method === 'POST' && mentionsPath.test(r.path));
    expect(posts).toHaveLength(1);
    expect([posts[0]!.query.get('media_id'), posts[0]!.query.get('comment_id')]).toEqual([commented.id, mentioning.id]);
    // Run again after its record was lost: found among the medium's comments, not sent again.
    await h().db.updateTable('inbox_replies').set({ status: 'sending' }).where('id', '=', replyId).execute();
    const again = (await new MockActivityEnvironment({ attempt: 2 }).run(activities().sendReply, { replyId })) as {
      externalId: string;
    };
    expect(again.externalId).toBe(sent.external_id);
    expect(ours()).toHaveLength(1);

    // A caption mention takes a reply through the API (it is no tag): a comment on the medium.
    const [captionConversation] = (await conversationsOf(channels.instagram)).filter(
      (c) => c.thread_key === captioned.id,
    );
    const written = await call(ws().token, 'POST', `/v1/inbox/conversations/${captionConversation!.id}/replies`, {
      text: 'Thanks @cleo.posts!',
      version: captionConversation!.version,
    });
    expect(written.statusCode).toBe(201);
    const captionReply = await settled((written.json() as { reply: { id: string } }).reply.id);
    expect(captionReply.status).toBe('sent');
    expect(
      fake.igComments
        .filter((c) => c.from.id === fake.instagram.id && c.mediaId === captioned.id)
        .map((c) => [c.id, c.parentId, c.text]),
    ).toEqual([[captionReply.external_id, null, 'Thanks @cleo.posts!']]);
  });
});

describe('Threads', () => {
  test('replies at every depth and mentions become conversations; a reply is published once from its kept container; liking is refused', async () => {
    const post = fake.addThreadsPost('Hello from Chorus', 3_600_000);
    const first = fake.threadsPost({ text: 'Welcome!', username: 'ana.writes', repliedTo: post.id });
    const nested = fake.threadsPost({
      text: 'What is Chorus?',
      username: 'ben.asks',
      repliedTo: first.id,
      rootPost: post.id,
    });
    const mention = fake.threadsPost({ text: 'Big fan of @chorus.threads lately', username: 'cleo.posts' });
    const conversations = await waitFor('the thread and the mention as conversations', async () => {
      const found = await conversationsOf(channels.threads);
      const thread = found.find((c) => c.thread_key === post.id);
      return found.length === 2 && thread?.message_count === 2 && found;
    });
    const thread = conversations.find((c) => c.thread_key === post.id)!;
    expect(conversations.find((c) => c.thread_key === mention.id)).toMatchObject({
      network: 'threads',
      message_count: 1,
    });
    const messages = await messagesOf(channels.threads);
    expect(messages.map((m) => [m.external_id, m.kind, m.parent_external_id, m.root_external_id]).sort()).toEqual(
      [
        [first.id, 'reply', post.id, post.id],
        [nested.id, 'reply', first.id, post.id],
        [mention.id, 'mention', null, mention.id],
      ].sort(),
    );
    await readsMore(channels.threads, 3);
    expect(await messagesOf(channels.threads)).toHaveLength(3);
    const conversationReads = fake.requests.filter((r) => r.path === `/v1.0/${post.id}/conversation`);
    expect(conversationReads.at(-1)!.query.get('reverse')).toBe('false');

    // Published, its answer lost: the retry finds the container it kept PUBLISHED and the reply it became.
    const replyId = await seedReply(h().db, {
      workspaceId: ws().workspaceId,
      conversationId: thread.id,
      messageId: (await messageOf(channels.threads, nested.id)).id,
      authorId: ws().userId,
      text: 'A social media inbox that answers here, once.',
    });
    fake.loseNextAnswer(/threads_publish$/, 'POST');
    await startConversation(thread.id, replyId);
    const sent = await settled(replyId);
    expect(sent.status).toBe('sent');
    const ours = fake.threadsPosts.filter((t) => t.username === fake.threadsUser.username);
    expect(ours.map((t) => [t.id, t.repliedTo, t.rootPost])).toEqual([[sent.external_id, nested.id, post.id]]);
    expect(sent.network_state).toEqual({ containerId: ours[0]!.containerId });
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/threads_publish'))).toHaveLength(1);
    // The second attempt asked the kept container's status, and found the reply among the account's.
    expect(fake.requests.some((r) => r.path === `/v1.0/${ours[0]!.containerId}`)).toBe(true);
    expect(fake.requests.some((r) => r.path === `/v1.0/${fake.threadsUser.id}/replies`)).toBe(true);
    expect([...fake.containers.values()].filter((c) => c.replyTo === nested.id)).toHaveLength(1);

    // The send run again after its record was lost: the same reply.
    await h().db.updateTable('inbox_replies').set({ status: 'sending' }).where('id', '=', replyId).execute();
    const again = (await new MockActivityEnvironment({ attempt: 2 }).run(activities().sendReply, { replyId })) as {
      externalId: string;
    };
    expect(again.externalId).toBe(sent.external_id);
    expect(fake.threadsPosts.filter((t) => t.username === fake.threadsUser.username)).toHaveLength(1);
    await readsMore(channels.threads, 2);
    expect((await messagesOf(channels.threads)).filter((m) => m.direction === 'in')).toHaveLength(3);

    await expect(
      new MockActivityEnvironment().run(activities().likeMessage, {
        conversationId: thread.id,
        messageId: messages[0]!.id,
      }),
    ).rejects.toMatchObject({ nonRetryable: true, message: expect.stringMatching(/Threads API has no way/) });
  });
});

describe("Meta's rate limits", () => {
  test('a throttled read waits the time Meta names; a budget nearly spent pauses the read before Meta refuses', async () => {
    // Code 32 (Page request limit) with X-Business-Use-Case-Usage saying 2 minutes.
    fake.throttleNext(/\/feed$/, 32, 2);
    await waitFor('the read throttled', async () =>
      /throttling/.test((await counters(channels.facebook)).lastError ?? ''),
    );
    await waitFor('a two-minute wait', async () =>
      (await timersOf(inboxWorkflowId(channels.facebook))).some((s) => s >= 120),
    );

    // 95 % of the hour's budget spent, access back in 3 minutes: the next read stops, no error.
    fake.usage = { percent: 95, regainMinutes: 3 };
    const comment = fake.igComment(fake.addInstagramMedia('Paused', 0).id, { text: 'Still there?', username: 'zoe' });
    try {
      await waitFor('a three-minute pause', async () =>
        (await timersOf(inboxWorkflowId(channels.instagram))).some((s) => s >= 180),
      );
      const paused = await counters(channels.instagram);
      expect(paused.lastError).toBeNull();
      expect((await messagesOf(channels.instagram)).some((m) => m.external_id === comment.id)).toBe(false);
    } finally {
      fake.usage = { percent: 1, regainMinutes: 0 };
    }
  });
});
