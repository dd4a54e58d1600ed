import { randomUUID } from 'node:crypto';
import { AtpAgent } from '@atproto/api';
import { Webhook } from 'standardwebhooks';
import { conversationWorkflowId, inboxCountersQuery, inboxWorkflowId } from '../contracts/inbox';
import type { SandboxAccount } from '../sandbox/local-bluesky';
import { connectBluesky, connectChannel } from './support/channels';
import { useChorus } from './support/chorus';
import { waitFor } from './support/harness';
import { startMastodonFake, type MastodonFake } from './support/mastodon-fake';
import { createdPost } from './support/posts';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process';

/**
 * The inbox's inbound half against real parts: Bluesky's PDS and appview (dev-env's TestNetwork),
 * the Mastodon fake, Temporal, PostgreSQL, and Chorus workers in processes of their own (one is
 * killed mid-read). Another account's reply, mention and quote of a published Chorus post become
 * conversations within seconds, once each, linked to the post; Mastodon mentions and direct
 * conversations too; other systems push items through a signed route; hostile text is kept as text.
 */
const workers: WorkerProcess[] = [];
let mastodon: MastodonFake;
const {
  harness: h,
  pds,
  workspace: ws,
  call,
} = useChorus({
  // The inbox reads every half second, so items show in seconds.
  harness: { worker: false, inboxPollSeconds: 0.5 },
  pds: { appview: true },
  workspace: 'Inbox inbound',
  beforeClose: async () => {
    // Killed: a standby never started would wait for its start.
    for (const w of workers) await w.kill();
    await mastodon?.close();
  },
});

let worker: WorkerProcess;
let replacement: WorkerProcess;
let brand: SandboxAccount;
let fan: AtpAgent;
let bluesky: { id: string };
let post: { id: string; uri: string; cid: string };

beforeAll(async () => {
  [worker, replacement, mastodon] = await Promise.all([
    startWorkerProcess(h()),
    startWorkerProcess(h(), { standby: true }),
    startMastodonFake(),
  ]);
  workers.push(worker, replacement);
  // SLA targets: each conversation's workflow has deadlines to keep, so it is started (without, none is).
  const targets = await call(ws().token, 'PUT', '/v1/inbox/sla-targets', {
    targets: [{ priority: 'normal', firstResponseMinutes: 600, resolutionMinutes: 6000 }],
  });
  expect(targets.statusCode).toBe(200);
  brand = await pds().createAccount('brand');
  const fanAccount = await pds().createAccount('fan');
  fan = new AtpAgent({ service: pds().pdsUrl });
  await fan.login({ identifier: fanAccount.handle, password: fanAccount.appPassword });
  bluesky = await connectBluesky(h(), ws().token, pds(), brand);
  const created = await createdPost(call, ws().token, {
    text: 'Our spring collection is here',
    channelIds: [bluesky.id],
  });
  const uri = await waitFor('the post published on Bluesky', async () => {
    const target = await h()
      .db.selectFrom('post_targets')
      .select('external_id')
      .where('post_id', '=', created.id)
      .where('status', '=', 'published')
      .executeTakeFirst();
    return target?.external_id;
  });
  const record = await fan.com.atproto.repo.getRecord({
    repo: brand.did,
    collection: 'app.bsky.feed.post',
    rkey: uri.split('/').pop()!,
  });
  post = { id: created.id, uri, cid: record.data.cid! };
  // The appview indexes each repository on its own: a reply indexed before its parent (written a few
  // milliseconds earlier, in another repository) makes no notification. A customer answers a post
  // the appview has long indexed; so do the tests.
  await pds().processAll();
}, 120_000);

const conversationsOf = (channelId: string | null) =>
  h()
    .db.selectFrom('inbox_conversations')
    .selectAll()
    .where('workspace_id', '=', ws().workspaceId)
    .where((eb) => (channelId === null ? eb('channel_id', 'is', null) : eb('channel_id', '=', channelId)))
    .orderBy('id')
    .execute();
const messagesOf = (channelId: string | null) =>
  h()
    .db.selectFrom('inbox_messages')
    .selectAll()
    .where('workspace_id', '=', ws().workspaceId)
    .where((eb) => (channelId === null ? eb('channel_id', 'is', null) : eb('channel_id', '=', channelId)))
    .orderBy('id')
    .execute();

const mentionFacet = (text: string, handle: string, did: string) => {
  const start = Buffer.byteLength(text.slice(0, text.indexOf(`@${handle}`)));
  return [
    {
      index: { byteStart: start, byteEnd: start + Buffer.byteLength(`@${handle}`) },
      features: [{ $type: 'app.bsky.richtext.facet#mention', did }],
    },
  ];
};
const mention = (text: string) => fan.post({ text, facets: mentionFacet(text, brand.handle, brand.did) });

test('a reply, a mention and a quote of a published post appear as conversations within seconds, once each, linked to the post', async () => {
  const reply = await fan.post({
    text: 'Love it! Where can I buy one?',
    reply: { root: { uri: post.uri, cid: post.cid }, parent: { uri: post.uri, cid: post.cid } },
  });
  const mentioned = await mention(`Hey @${brand.handle} my order never arrived, this is terrible`);
  const quote = await fan.post({
    text: 'Look at this',
    embed: { $type: 'app.bsky.embed.record', record: { uri: post.uri, cid: post.cid } },
  });
  await pds().processAll();
  const indexedAt = Date.now();
  const conversations = await waitFor(
    'three conversations',
    async () => {
      const found = await conversationsOf(bluesky.id);
      return found.length >= 3 && found;
    },
    15_000,
    50,
  );
  const within = Date.now() - indexedAt;
  console.log(`Bluesky reply, mention and quote stored as conversations ${within} ms after the appview indexed them`);
  expect(within).toBeLessThan(5_000);

  const byKey = new Map(conversations.map((c) => [c.thread_key, c]));
  // The reply is in the post's thread, linked to it; the quote starts its own thread, linked to the post it quotes.
  expect(byKey.get(post.uri)).toMatchObject({ post_id: post.id, kind: 'thread', status: 'open', message_count: 1 });
  expect(byKey.get(quote.uri)).toMatchObject({ post_id: post.id, message_count: 1 });
  // A mention that is not a reply starts its own thread, linked to no post.
  expect(byKey.get(mentioned.uri)).toMatchObject({ post_id: null, sentiment_label: 'negative', message_count: 1 });

  const messages = await messagesOf(bluesky.id);
  expect(messages.map((m) => [m.kind, m.external_id]).sort()).toEqual(
    [
      ['mention', mentioned.uri],
      ['quote', quote.uri],
      ['reply', reply.uri],
    ].sort(),
  );
  // A later reply needs strong refs to the thread's root and the parent.
  expect(messages.find((m) => m.kind === 'reply')).toMatchObject({
    external_cid: reply.cid,
    root_external_id: post.uri,
    root_cid: post.cid,
    parent_external_id: post.uri,
    parent_cid: post.cid,
    direction: 'in',
  });
  const contact = await h()
    .db.selectFrom('inbox_contacts')
    .selectAll()
    .where('id', '=', messages[0]!.contact_id!)
    .executeTakeFirstOrThrow();
  expect(contact).toMatchObject({ network: 'bluesky', external_id: fan.session!.did, handle: 'fan.test' });

  // Each conversation's workflow was started and told (by the relay of the signals the read queued).
  for (const c of conversations)
    await waitFor(`conversation ${c.id}'s workflow running`, async () => {
      const described = await h()
        .client.workflow.getHandle(conversationWorkflowId(c.id))
        .describe()
        .catch(() => undefined);
      return described?.status.name === 'RUNNING';
    });
  // The workflow's counters move when a read activity returns (it reads every poll for a minute);
  // the three items may have come in two reads' passes (the appview indexes them one by one).
  const counters = await waitFor(
    'the reads counted',
    async () => {
      const c = await h().client.workflow.getHandle(inboxWorkflowId(bluesky.id)).query(inboxCountersQuery);
      return c.stored >= 3 && c;
    },
    90_000,
    250,
  );
  expect(counters.stored).toBe(3);

  // Read again and again: nothing new, nothing stored twice; another reply joins the thread.
  await fan.post({
    text: 'Also, do you ship to Canada?',
    reply: { root: { uri: post.uri, cid: post.cid }, parent: { uri: reply.uri, cid: reply.cid } },
  });
  await pds().processAll();
  await waitFor('the second reply in the thread', async () => {
    const thread = (await conversationsOf(bluesky.id)).find((c) => c.thread_key === post.uri);
    return thread?.message_count === 2;
  });
  expect(await messagesOf(bluesky.id)).toHaveLength(4);
  expect(await conversationsOf(bluesky.id)).toHaveLength(3);
}, 60_000);

test('the worker killed mid-read: its replacement neither skips nor repeats an item', async () => {
  const before = (await messagesOf(bluesky.id)).length;
  const REPLIES = 40;
  const MENTIONS = 20;
  const written: string[] = [];
  for (let i = 0; i < REPLIES; i += 10)
    written.push(
      ...(
        await Promise.all(
          Array.from({ length: 10 }, (_, j) =>
            fan.post({
              text: `Question ${i + j} about sizes`,
              reply: { root: { uri: post.uri, cid: post.cid }, parent: { uri: post.uri, cid: post.cid } },
            }),
          ),
        )
      ).map((r) => r.uri),
    );
  for (let i = 0; i < MENTIONS; i += 10)
    written.push(
      ...(
        await Promise.all(Array.from({ length: 10 }, (_, j) => mention(`@${brand.handle} hello number ${i + j}`)))
      ).map((r) => r.uri),
    );
  await pds().processAll();
  // Killed as soon as the read has stored something of this burst, not all of it.
  const storedAtKill = await waitFor(
    'the read to start storing the burst',
    async () => {
      const n = (await messagesOf(bluesky.id)).length - before;
      return n > 0 && n;
    },
    15_000,
    10,
  );
  await worker.kill();
  const storedAfterKill = (await messagesOf(bluesky.id)).length - before;
  console.log(
    `Worker killed with ${storedAtKill} of ${written.length} items stored (${storedAfterKill} once it was gone)`,
  );
  await replacement.start();
  await waitFor(
    'every item of the burst',
    async () => (await messagesOf(bluesky.id)).length - before >= written.length,
    30_000,
    100,
  );
  const messages = await messagesOf(bluesky.id);
  const ids = messages.map((m) => m.external_id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const uri of written) expect(ids).toContain(uri);
  expect(messages).toHaveLength(before + written.length);
  // Counts follow the messages: a repeated page would have counted twice.
  for (const c of await conversationsOf(bluesky.id))
    expect(c.message_count).toBe(messages.filter((m) => m.conversation_id === c.id).length);
}, 90_000);

test('Mastodon: mentions (in their thread, linked to the post) and direct conversations, read forwards with min_id', async () => {
  const channel = await connectChannel(h(), ws().token, {
    provider: 'mastodon',
    name: 'Mastodon',
    credentials: { instance: mastodon.url, accessToken: mastodon.token },
  });
  const created = await createdPost(call, ws().token, { text: 'New store opening', channelIds: [channel.id] });
  const statusId = await waitFor('the post published on Mastodon', async () => {
    const target = await h()
      .db.selectFrom('post_targets')
      .select('external_id')
      .where('post_id', '=', created.id)
      .where('status', '=', 'published')
      .executeTakeFirst();
    return target?.external_id;
  });
  const ours = mastodon.published().find((s) => s.id === statusId)!;
  const reply = mastodon.post({ text: '@chorus congratulations!', acct: 'ann', inReplyTo: ours });
  const deeper = mastodon.post({ text: '@chorus @ann when does it open?', acct: 'carl', inReplyTo: reply });
  const direct = mastodon.post({ text: '@chorus can I return a gift?', acct: 'dana', visibility: 'direct' });
  const conversations = await waitFor(
    'the Mastodon conversations',
    async () => {
      const found = await conversationsOf(channel.id);
      return found.length >= 2 && found.reduce((n, c) => n + c.message_count, 0) >= 3 && found;
    },
    15_000,
    50,
  );
  const thread = conversations.find((c) => c.thread_key === statusId)!;
  expect(thread).toMatchObject({ kind: 'thread', post_id: created.id, message_count: 2 });
  const dm = conversations.find((c) => c.kind === 'direct')!;
  expect(dm).toMatchObject({ post_id: null, message_count: 1 });
  const messages = await messagesOf(channel.id);
  expect(messages.map((m) => m.external_id).sort()).toEqual([reply.id, deeper.id, direct.id].sort());
  expect(messages.find((m) => m.external_id === deeper.id)).toMatchObject({
    kind: 'reply',
    parent_external_id: reply.id,
    root_external_id: statusId,
    text: '@chorus @ann when does it open?',
  });
  // The direct message is read with its conversation, not again as a mention.
  expect(messages.find((m) => m.external_id === direct.id)).toMatchObject({ kind: 'direct' });

  // Later reads ask for what is newer than the saved position, and a reply in the direct thread joins it.
  mastodon.post({ text: '@chorus it was a sweater', acct: 'dana', visibility: 'direct', inReplyTo: direct });
  await waitFor('the second direct message', async () => {
    const found = (await conversationsOf(channel.id)).find((c) => c.kind === 'direct');
    return found?.message_count === 2;
  });
  expect(mastodon.requests.some((r) => r.path.startsWith('/api/v1/notifications') && r.path.includes('min_id='))).toBe(
    true,
  );
  expect(await conversationsOf(channel.id)).toHaveLength(2);

  // A status whose content holds NUL and other control characters (PostgreSQL refuses NUL in text) and markup.
  const hostile = mastodon.post({
    text: '@chorus hostile',
    html: '<p>@chorus nul\u0000 bell\u0007 &lt;b&gt;not bold&lt;/b&gt;<script>alert(1)</script></p>',
    acct: 'eve',
  });
  const stored = await waitFor('the hostile status', async () =>
    (await messagesOf(channel.id)).find((m) => m.external_id === hostile.id),
  );
  expect(stored.text).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F]/);
  expect(stored.text).toContain('nul bell <b>not bold</b>');
}, 60_000);

describe('push: POST /v1/inbox/ingest', () => {
  let key: { id: string; secret: string };
  beforeAll(async () => {
    const res = await call(ws().token, 'POST', '/v1/listening/ingest-keys', { name: 'Help desk' });
    expect(res.statusCode).toBe(201);
    key = res.json();
  });
  const push = (body: unknown, options: { secret?: string } = {}) => {
    const payload = JSON.stringify(body);
    const id = `msg_${randomUUID()}`;
    const at = new Date();
    return h().app.inject({
      method: 'POST',
      url: '/v1/inbox/ingest',
      headers: {
        'content-type': 'application/json',
        'chorus-ingest-key': key.id,
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new Webhook(options.secret ?? key.secret).sign(id, at, payload),
      },
      payload,
    });
  };
  const item = (id: string, text: string) => ({
    id,
    source: 'helpdesk',
    thread: 'ticket-42',
    text,
    author: { id: 'cust-7', name: 'Pat Customer' },
  });

  test('signed items become one conversation per thread; a repeat is stored once', async () => {
    const first = await push({ items: [item('1', 'My invoice is wrong'), item('2', 'Any news?')] });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ received: 2, stored: 2, skipped: 0, repeatedDelivery: false });
    const again = await push({ items: [item('2', 'Any news?')] });
    expect(again.json()).toMatchObject({ stored: 0, skipped: 1 });
    const [conversation] = await conversationsOf(null);
    expect(conversation).toMatchObject({ network: 'push', thread_key: 'helpdesk:ticket-42', message_count: 2 });
  });

  test('an author closed as spam is dropped as noise; a closed conversation that hears again reopens', async () => {
    await push({ items: [{ ...item('s1', 'buy followers now'), thread: 'ticket-spam', author: { id: 'spammer' } }] });
    await h()
      .db.updateTable('inbox_contacts')
      .set({ spam: true })
      .where('workspace_id', '=', ws().workspaceId)
      .where('external_id', '=', 'helpdesk:spammer')
      .execute();
    const dropped = await push({
      items: [{ ...item('s2', 'cheap followers'), thread: 'ticket-spam', author: { id: 'spammer' } }],
    });
    expect(dropped.json()).toMatchObject({ stored: 0, filtered: 1 });

    const [ticket] = (await conversationsOf(null)).filter((c) => c.thread_key === 'helpdesk:ticket-42');
    await h()
      .db.updateTable('inbox_conversations')
      .set({ status: 'closed', closed_at: new Date(), first_response_at: new Date() })
      .where('id', '=', ticket!.id)
      .execute();
    const reopened = await push({ items: [item('3', 'It is still wrong')] });
    expect(reopened.json()).toMatchObject({ stored: 1, conversationIds: [ticket!.id] });
    const after = (await conversationsOf(null)).find((c) => c.id === ticket!.id)!;
    expect(after).toMatchObject({ status: 'open', closed_at: null, first_response_at: null, message_count: 3 });
    expect(after.version).toBe(ticket!.version + 1);
  });

  test('a wrong signature is 401; a bad body is 400 naming the field; nothing is stored', async () => {
    const before = (await messagesOf(null)).length;
    const forged = await push(
      { items: [item('forged', 'hi')] },
      { secret: `whsec_${Buffer.from('another secret of 32 bytes ......').toString('base64')}` },
    );
    expect(forged.statusCode).toBe(401);
    const noAuthor = await push({ items: [{ id: '4', text: 'hi' }] });
    expect(noAuthor.statusCode).toBe(400);
    expect(noAuthor.json().errors[0]).toMatchObject({ field: 'body.items.0.author' });
    const unknownKey = await push({ items: [{ ...item('5', 'hi'), colour: 'red' }] });
    expect(unknownKey.statusCode).toBe(400);
    expect(JSON.stringify(unknownKey.json().errors)).toContain('colour');
    expect(await messagesOf(null)).toHaveLength(before);
  });

  test('hostile content is stored as text: no control characters, HTML as its characters, huge text cut', async () => {
    // NUL never reaches the database: the API refuses it in any input, naming the field.
    const nul = await push({ items: [item('nul', 'a\u0000b')] });
    expect(nul.statusCode).toBe(400);
    expect(nul.json().errors[0]).toMatchObject({ field: 'body.items.0.text', rule: 'no_nul' });
    const hostile = `<script>alert(1)</script>bell\u0007 <b>bold</b>\r\nnext line\ttab ${'x'.repeat(50_000)}`;
    const res = await push({
      items: [{ ...item('evil', hostile), thread: 'ticket-evil', author: { id: 'x\u0008y', name: '\u001b[31mred' } }],
    });
    expect(res.statusCode).toBe(200);
    const stored = (await messagesOf(null)).find((m) => m.external_id === 'helpdesk:evil')!;
    expect(stored.text.startsWith('<script>alert(1)</script>bell <b>bold</b>\nnext line\ttab xxx')).toBe(true);
    expect(stored.text).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F]/);
    expect(stored.text.length).toBeLessThanOrEqual(10_000);
    const contact = await h()
      .db.selectFrom('inbox_contacts')
      .selectAll()
      .where('id', '=', stored.contact_id!)
      .executeTakeFirstOrThrow();
    expect(contact).toMatchObject({ external_id: 'helpdesk:xy', display_name: '[31mred' });
  });
});
