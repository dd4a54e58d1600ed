import { AtpAgent } from '@atproto/api';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createPublishingActivities } from '../activities/publishing';
import { connectBluesky, connectWebhook } from './support/channels';
import { recordHistory } from './support/histories';
import { useChorus } from './support/chorus';
import { createdPost } from './support/posts';
import { waitFor } from './support/harness';
import { startTcpProxy } from './support/tcp-proxy';

const {
  harness: h,
  pds,
  hook,
  workspace: ws,
  call,
} = useChorus({ pds: true, hook: true, workspace: 'Test workspace' });

const schedule = (body: Record<string, unknown>) => createdPost(call, ws().token, body);

const getPost = async (id: string) => (await call(ws().token, 'GET', `/v1/posts/${id}`)).json();

const finished = (id: string) =>
  waitFor(`post ${id} to finish`, async () => {
    const p = await getPost(id);
    return ['published', 'failed', 'partially_published'].includes(p.status) && p;
  });

test('the publish activity run twice for one target creates one record on the PDS', async () => {
  const account = await pds().createAccount('twice');
  const channel = await connectBluesky(h(), ws().token, pds(), account);
  const post = await schedule({
    text: 'Exactly once',
    channelIds: [channel.id],
    publishAt: new Date(Date.now() + 3600_000).toISOString(),
  });
  const targetId = post.targets[0].id;
  const activities = createPublishingActivities({
    db: h().db,
    adapters: h().adapters,
    sealer: h().sealer,
    media: h().media,
  });
  const env = new MockActivityEnvironment();

  const first = (await env.run(activities.publishTarget, { postId: post.id, targetId })) as { externalId: string };
  // As if the first attempt's database write had been lost: the retry must find the record, not repost.
  await h()
    .db.updateTable('post_targets')
    .set({ status: 'publishing', external_id: null })
    .where('id', '=', targetId)
    .execute();
  const second = (await env.run(activities.publishTarget, { postId: post.id, targetId })) as { externalId: string };

  expect(second.externalId).toBe(first.externalId);
  const records = await pds().listPosts(account.did);
  expect(records).toHaveLength(1);
  expect(records[0]!.uri).toBe(first.externalId);
  await call(ws().token, 'POST', `/v1/posts/${post.id}/cancel`);
});

test('a PDS that goes away is retried until it is back, then the post lands once', async () => {
  const account = await pds().createAccount('flaky');
  const proxy = await startTcpProxy(pds().pdsUrl);
  try {
    const channel = await connectBluesky(h(), ws().token, { pdsUrl: proxy.url }, account);
    await proxy.stop();
    const post = await schedule({ text: 'Through the outage', channelIds: [channel.id] });

    const retrying = await waitFor('a second attempt while the PDS is down', async () => {
      const p = await getPost(post.id);
      return p.targets[0].attempts >= 2 && p;
    });
    expect(retrying.targets[0].status).toBe('publishing');
    expect(retrying.targets[0].lastError).toMatch(/unavailable|reach/i);
    await waitFor('the channel to show unhealthy', async () => {
      const channels = (await call(ws().token, 'GET', '/v1/channels')).json().channels;
      return channels.find(
        (c: { id: string; health: { healthy: boolean } }) => c.id === channel.id && !c.health.healthy,
      );
    });
    expect(await pds().listPosts(account.did)).toHaveLength(0);

    await proxy.start();
    const done = await waitFor(
      'the post to publish after the outage',
      async () => {
        const p = await getPost(post.id);
        return p.status === 'published' && p;
      },
      60_000,
    );
    expect(done.targets[0].lastError).toBeNull();
    expect(await pds().listPosts(account.did)).toHaveLength(1);
    // Unhealthy through the outage; the send that went through made it healthy again.
    const listed = (await call(ws().token, 'GET', '/v1/channels'))
      .json()
      .channels.find((c: { id: string }) => c.id === channel.id);
    expect(listed.health).toEqual({ healthy: true, consecutiveFailures: 0, lastError: null, failingSince: null });
  } finally {
    await proxy.close();
  }
});

test('revoked credentials hold the post, with a readable reason and no retries, until the channel is reconnected', async () => {
  const account = await pds().createAccount('revoked');
  const other = await pds().createAccount('someone-else');
  const channel = await connectBluesky(h(), ws().token, pds(), account);
  const owner = new AtpAgent({ service: pds().pdsUrl });
  await owner.login({ identifier: account.handle, password: account.password });
  await owner.com.atproto.server.revokeAppPassword({ name: 'chorus' });

  const post = await schedule({ text: 'Goes out once reconnected', channelIds: [channel.id] });
  const dropped = await schedule({ text: 'Cancelled while held', channelIds: [channel.id] });
  const held = (id: string) =>
    waitFor(`post ${id} to wait for a reconnect`, async () => {
      const p = await getPost(id);
      return p.targets[0].lastError && p;
    });
  const waiting = await held(post.id);
  expect(waiting.status).toBe('publishing');
  expect(waiting.targets[0]).toMatchObject({ status: 'publishing', attempts: 1 });
  expect(waiting.targets[0].lastError).toMatch(/Bluesky refused the credentials.*reconnect the channel/);
  // Not retried: nothing runs for it until the channel is reconnected.
  await waitFor(
    'no attempt pending',
    async () =>
      ((await h().client.workflow.getHandle(post.workflowId).describe()).raw.pendingActivities ?? []).length === 0,
  );
  const listed = (await call(ws().token, 'GET', '/v1/channels'))
    .json()
    .channels.find((c: { id: string }) => c.id === channel.id);
  expect(listed.health).toMatchObject({ healthy: false, lastError: expect.stringMatching(/refused the credentials/) });

  // A held post can still be cancelled.
  await held(dropped.id);
  expect((await call(ws().token, 'POST', `/v1/posts/${dropped.id}/cancel`)).statusCode).toBe(200);

  const reconnect = (credentials: Record<string, unknown>) =>
    call(ws().token, 'PUT', `/v1/channels/${channel.id}/credentials`, { credentials });
  const refused = await reconnect({ service: pds().pdsUrl, identifier: account.handle, password: 'not-the-password' });
  expect(refused.statusCode).toBe(422);
  expect(refused.json().errors).toEqual([expect.objectContaining({ field: 'credentials', rule: 'verified' })]);
  const incomplete = await reconnect({ service: pds().pdsUrl, password: 'x' });
  expect(incomplete.statusCode).toBe(422);
  expect(incomplete.json().errors).toEqual([expect.objectContaining({ field: 'credentials.identifier' })]);
  const elsewhere = await reconnect({ service: pds().pdsUrl, identifier: other.handle, password: other.appPassword });
  expect(elsewhere.statusCode).toBe(422);
  expect(elsewhere.json().errors).toEqual([expect.objectContaining({ field: 'credentials', rule: 'same_account' })]);

  const fresh = await owner.com.atproto.server.createAppPassword({ name: 'chorus-reconnected' });
  const ok = await reconnect({ service: pds().pdsUrl, identifier: account.handle, password: fresh.data.password });
  expect(ok.statusCode).toBe(200);
  expect(ok.json()).toMatchObject({
    id: channel.id,
    health: { healthy: true, consecutiveFailures: 0, lastError: null, failingSince: null },
  });

  const done = await finished(post.id);
  expect(done.status).toBe('published');
  expect(done.targets[0].lastError).toBeNull();
  expect((await pds().listPosts(account.did)).map((r) => r.text)).toEqual(['Goes out once reconnected']);
  expect(await getPost(dropped.id)).toMatchObject({ status: 'cancelled', targets: [{ status: 'cancelled' }] });
  const audit = (await call(ws().token, 'GET', `/v1/audit?subject=${channel.id}`)).json();
  expect(audit.entries.map((e: { action: string }) => e.action)).toContain('channel.reconnected');
  await recordHistory(h().client, post.workflowId, 'post-held-for-reconnect');
});

test('a post held for a reconnect fails that target when its channel is removed instead', async () => {
  const account = await pds().createAccount('removed');
  const channel = await connectBluesky(h(), ws().token, pds(), account);
  const owner = new AtpAgent({ service: pds().pdsUrl });
  await owner.login({ identifier: account.handle, password: account.password });
  await owner.com.atproto.server.revokeAppPassword({ name: 'chorus' });
  const post = await schedule({ text: 'Never reconnected', channelIds: [channel.id] });
  await waitFor('the post to wait for a reconnect', async () => (await getPost(post.id)).targets[0].lastError);

  expect((await call(ws().token, 'DELETE', `/v1/channels/${channel.id}`)).statusCode).toBe(204);
  const done = await finished(post.id);
  expect(done).toMatchObject({
    status: 'failed',
    targets: [{ status: 'failed', lastError: expect.stringMatching(/was removed before the post went out/) }],
  });
});

test("a rate-limited webhook is retried after the receiver's Retry-After", async () => {
  const channel = await connectWebhook(h(), ws().token, hook(), 'Limited');
  hook().respondNext({ status: 429, headers: { 'retry-after': '2' } });
  const post = await schedule({ text: `Rate limited ${Date.now()}`, channelIds: [channel.id] });
  const done = await finished(post.id);
  expect(done.status).toBe('published');
  expect(done.targets[0].attempts).toBe(2);
  const delivered = hook().deliveries.find((d) => d.id === done.targets[0].externalId)!;
  // The first attempt was answered 429 right away; the second came no sooner than 2 s later.
  expect(delivered.receivedAt - new Date(done.createdAt).getTime()).toBeGreaterThanOrEqual(2000);
});

test('a webhook that refuses the delivery fails that target only; the post is partially published', async () => {
  const account = await pds().createAccount('partial');
  const bluesky = await connectBluesky(h(), ws().token, pds(), account);
  const refusing = await connectWebhook(h(), ws().token, hook(), 'Refusing');
  hook().respondNext({ status: 400 });
  const post = await schedule({ text: 'Half of it', channelIds: [bluesky.id, refusing.id] });
  const done = await finished(post.id);
  expect(done.status).toBe('partially_published');
  const failed = done.targets.find((t: { channelId: string }) => t.channelId === refusing.id);
  expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
  expect(failed.lastError).toContain('Refusing: Webhook refused the delivery (400)');
  expect(await pds().listPosts(account.did)).toHaveLength(1);
});
