import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BlueskyAdapter } from '../channels/bluesky';
import { announcePublishStage, claimPosts } from '../db/post-claims';
import type { SandboxAccount } from '../sandbox/local-bluesky';
import { connectBluesky, connectChannel, connectWebhook } from './support/channels';
import { useChorus } from './support/chorus';
import { createdPost } from './support/posts';
import { recordHistory } from './support/histories';
import { addMember, createWorkspace, waitFor } from './support/harness';
import { startTcpProxy } from './support/tcp-proxy';
import { stagingLead } from '../workflows/post/state';

/**
 * A post's publishes are staged: handed to a worker minutes before the post's time, claimed two
 * seconds before it (CLAIM_AHEAD_MS) and sent at the time itself. Until the claim the post can be
 * cancelled, moved and edited; from the claim on it goes out, and such requests get a 409.
 */
const {
  harness: h,
  pds,
  hook,
  workspace: ws,
  call,
} = useChorus({ pds: true, hook: true, workspace: 'Test workspace' });
let carol: SandboxAccount;
let channelId: string;
let hookChannelId: string;

beforeAll(async () => {
  carol = await pds().createAccount('carol');
  channelId = (await connectBluesky(h(), ws().token, pds(), carol)).id;
  hookChannelId = (await connectWebhook(h(), ws().token, hook(), 'CRM hook')).id;
});

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const getPost = async (id: string, token = ws().token) => (await call(token, 'GET', `/v1/posts/${id}`)).json();
const postsWith = async (marker: string) => (await pds().listPosts(carol.did)).filter((p) => p.text.includes(marker));

const schedule = (body: Record<string, unknown>, token = ws().token) => createdPost(call, token, body);

/** The post's publish activity is running on the worker, waiting for the post's time. */
async function waitUntilStaged(workflowId: string) {
  await waitFor('the publish to be staged on the worker', async () => {
    const { raw } = await h().client.workflow.getHandle(workflowId).describe();
    return (raw.pendingActivities ?? []).some(
      (a) => a.activityType?.name === 'publishTargetWhenDue' && a.lastStartedTime != null,
    );
  });
}

test('once claimed, a post goes out: cancel, reschedule and edit get a 409 and change nothing', async () => {
  const marker = `claimed-${Date.now()}`;
  const publishAt = inSeconds(5);
  const post = await schedule({ text: `Going out ${marker}`, channelIds: [channelId], publishAt });
  // The claim happens two seconds before the time; the publish at the time.
  await waitFor('the claim', async () => (await getPost(post.id)).status === 'publishing', 10_000, 20);
  expect(Date.now()).toBeLessThan(Date.parse(publishAt));

  const cancel = await call(ws().token, 'POST', `/v1/posts/${post.id}/cancel`);
  expect(cancel.statusCode).toBe(409);
  expect(cancel.json().detail).toMatch(/publishing/);
  expect(
    (await call(ws().token, 'POST', `/v1/posts/${post.id}/reschedule`, { publishAt: inSeconds(3600) })).statusCode,
  ).toBe(409);
  expect((await call(ws().token, 'POST', `/v1/posts/${post.id}/edit`, { text: `Changed ${marker}` })).statusCode).toBe(
    409,
  );

  const done = await waitFor('the post to publish', async () => {
    const p = await getPost(post.id);
    return p.status === 'published' && p;
  });
  expect(Date.parse(done.targets[0].publishedAt)).toBeGreaterThanOrEqual(Date.parse(publishAt));
  expect(done.publishAt).toBe(publishAt);
  expect((await postsWith(marker)).map((p) => p.text)).toEqual([`Going out ${marker}`]);
  // Marked published with the delivery; the workflow's own mark after it finds it done: one entry each.
  await h().client.workflow.getHandle(post.workflowId).result();
  const audit = (await call(ws().token, 'GET', `/v1/audit?subject=${post.id}`)).json();
  expect(
    audit.entries
      .filter((e: { action: string }) => e.action === 'post.status_changed')
      .map((e: { after: { status: string } }) => e.after.status)
      .sort(),
  ).toEqual(['published', 'publishing']);
  expect((await call(ws().token, 'GET', '/v1/audit/verify')).json().ok).toBe(true);
  await recordHistory(h().client, post.workflowId, 'post-staged-claimed');
});

test('before its claim a staged post can be moved and edited: it goes out once, with the new text, at the new time', async () => {
  const marker = `moved-${Date.now()}`;
  const post = await schedule({ text: `First draft ${marker}`, channelIds: [channelId], publishAt: inSeconds(30) });
  await waitUntilStaged(post.workflowId);

  const newTime = inSeconds(6);
  const moved = await call(ws().token, 'POST', `/v1/posts/${post.id}/reschedule`, { publishAt: newTime });
  expect(moved.statusCode).toBe(200);
  expect(moved.json().publishAt).toBe(newTime);
  expect(
    (await call(ws().token, 'POST', `/v1/posts/${post.id}/edit`, { text: `Final copy ${marker}` })).statusCode,
  ).toBe(200);

  const done = await waitFor('the moved post to publish', async () => {
    const p = await getPost(post.id);
    return p.status === 'published' && p;
  });
  expect(Date.parse(done.targets[0].publishedAt)).toBeGreaterThanOrEqual(Date.parse(newTime));
  expect(Date.parse(done.targets[0].publishedAt)).toBeLessThan(Date.parse(newTime) + 20_000);
  expect((await postsWith(marker)).map((p) => p.text)).toEqual([`Final copy ${marker}`]);
  await recordHistory(h().client, post.workflowId, 'post-staged-moved-edited');
});

test('an edit of a staged post that changes only its variant goes out with the variant', async () => {
  const marker = `variant-${Date.now()}`;
  const text = `Same main text ${marker}`;
  const post = await schedule({ text, channelIds: [channelId], publishAt: inSeconds(8) });
  await waitUntilStaged(post.workflowId);
  const edited = await call(ws().token, 'POST', `/v1/posts/${post.id}/edit`, {
    text,
    variants: { [channelId]: `Carol's own words ${marker}` },
  });
  expect(edited.statusCode).toBe(200);
  await waitFor('the post to publish', async () => (await getPost(post.id)).status === 'published');
  expect((await postsWith(marker)).map((p) => p.text)).toEqual([`Carol's own words ${marker}`]);
});

test('moved away and back to the same time, a staged post goes out once: the publishes staged first can no longer claim it', async () => {
  // The first staging's activities may hear of being called off only at a heartbeat; by then the
  // post is scheduled for their time again, and only the latest staging may claim it (the claim
  // itself is tested below).
  const marker = `back-${Date.now()}`;
  const publishAt = inSeconds(8);
  const post = await schedule({ text: `Back again ${marker}`, channelIds: [hookChannelId], publishAt });
  await waitUntilStaged(post.workflowId);
  expect(
    (await call(ws().token, 'POST', `/v1/posts/${post.id}/reschedule`, { publishAt: inSeconds(40) })).statusCode,
  ).toBe(200);
  expect((await call(ws().token, 'POST', `/v1/posts/${post.id}/reschedule`, { publishAt })).statusCode).toBe(200);

  await waitFor('the post to publish', async () => (await getPost(post.id)).status === 'published');
  await waitFor('a moment after its time', async () => Date.now() > Date.parse(publishAt) + 2_000);
  expect(hook().deliveries.filter((d) => String(d.payload.data.text).includes(marker))).toHaveLength(1);
});

test('a new post costs one workflow task: the check that it was stored runs inside it, as a local activity', async () => {
  const post = await schedule({
    text: `Tomorrow ${Date.now()}`,
    channelIds: [hookChannelId],
    publishAt: inSeconds(86_400),
  });
  const handle = h().client.workflow.getHandle(post.workflowId);
  const untilTimer = async () => {
    const events = (await handle.fetchHistory()).events ?? [];
    const timer = events.findIndex((e) => e.timerStartedEventAttributes);
    return timer < 0 ? undefined : events.slice(0, timer);
  };
  await waitFor('the post to sleep until its staging', async () => (await untilTimer()) !== undefined);
  const before = (await untilTimer())!;
  expect(before.filter((e) => e.workflowTaskCompletedEventAttributes)).toHaveLength(1);
  expect(before.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(0);
  expect(before.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')).toBe(true);
  expect((await call(ws().token, 'POST', `/v1/posts/${post.id}/cancel`)).statusCode).toBe(200);
  await handle.result();
  await recordHistory(h().client, post.workflowId, 'post-confirmed-locally-cancelled');
});

test('posts due at the same moment are staged over four minutes, each two to six minutes ahead by its id', async () => {
  const dueIn = 240;
  const publishAt = inSeconds(dueIn);
  const posts = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      schedule({ text: `Spread ${i} ${Date.now()}`, channelIds: [hookChannelId], publishAt }),
    ),
  );
  const leads = posts.map((p) => stagingLead(p.id));
  for (const lead of leads) {
    expect(lead).toBeGreaterThanOrEqual(120_000);
    expect(lead).toBeLessThan(360_000);
  }
  // Those whose lead is longer than the wait are staged at once; those due to stage well after
  // the next few seconds are not yet.
  const early = posts.filter((_, i) => leads[i]! > (dueIn + 5) * 1000);
  const late = posts.filter((_, i) => leads[i]! < (dueIn - 20) * 1000);
  expect(early.length).toBeGreaterThan(0);
  expect(late.length).toBeGreaterThan(0);
  for (const post of early) await waitUntilStaged(post.workflowId);
  for (const post of late) {
    const { raw } = await h().client.workflow.getHandle(post.workflowId).describe();
    expect((raw.pendingActivities ?? []).map((a) => a.activityType?.name)).not.toContain('publishTargetWhenDue');
  }
  for (const post of posts)
    expect((await call(ws().token, 'POST', `/v1/posts/${post.id}/cancel`)).statusCode).toBe(200);
});

test('staged publishes wait without an activity in flight; a worker stopped meanwhile hands them on at once, and they go out on time, once', async () => {
  const POSTS = 10;
  const marker = `waiting-${Date.now()}`;
  const publishAt = inSeconds(14);
  const posts = await Promise.all(
    Array.from({ length: POSTS }, (_, i) =>
      schedule({ text: `Waiting ${i} ${marker}`, channelIds: [hookChannelId], publishAt }),
    ),
  );
  for (const post of posts) await waitUntilStaged(post.workflowId);
  // Each one's activity runs for Temporal, but waits in the worker's publish waits, not a slot.
  const load = h().worker.load();
  expect(load.publishesWaiting).toBeGreaterThanOrEqual(POSTS);
  expect(load.activitiesInFlight).toBeLessThan(POSTS);

  // Stopped gracefully: the waiting publishes are failed as retryable at once (not left to the
  // lease watch), and staged again on the worker that replaces it, well before their time.
  const stoppedAt = Date.now();
  await h().restartWorker();
  await waitFor('the publishes staged on the new worker', async () => h().worker.load().publishesWaiting >= POSTS);
  expect(Date.now() - stoppedAt).toBeLessThan(8_000);

  const ours = () => hook().deliveries.filter((d) => String(d.payload.data.text).includes(marker));
  await waitFor('every post delivered', async () => ours().length >= POSTS, 30_000);
  const targetIds = posts.map((p) => p.targets[0]!.id).sort();
  expect(
    ours()
      .map((d) => String(d.payload.data.targetId))
      .sort(),
  ).toEqual(targetIds); // each once
  for (const d of ours()) expect(d.receivedAt - Date.parse(publishAt)).toBeLessThan(2_000);
  // The post's status follows the activity's completion, reported with its token.
  await waitFor('every post marked published', async () =>
    (await Promise.all(posts.map((p) => getPost(p.id)))).every((p) => p.status === 'published'),
  );
});

test('a staged post cancelled before its claim never goes out', async () => {
  const marker = `called-off-${Date.now()}`;
  const publishAt = inSeconds(6);
  const post = await schedule({ text: `Called off ${marker}`, channelIds: [channelId], publishAt });
  await waitUntilStaged(post.workflowId);
  const res = await call(ws().token, 'POST', `/v1/posts/${post.id}/cancel`);
  expect(res.statusCode).toBe(200);
  expect((await h().client.workflow.getHandle(post.workflowId).result()).status).toBe('cancelled');

  // The staged activity may learn of its cancellation late; its claim must fail all the same.
  await waitFor('the post time to pass', async () => Date.now() > Date.parse(publishAt) + 1_000, 15_000);
  expect(await postsWith(marker)).toHaveLength(0);
  expect((await getPost(post.id)).status).toBe('cancelled');
});

test('an edit of a staged post that needs approval sends it back into its chain; its time passes and it expires unpublished', async () => {
  const team = await createWorkspace(h());
  const approver = await addMember(h(), team.workspaceId, 'approver');
  expect(
    (
      await call(team.token, 'PUT', '/v1/approval-policies', {
        steps: [{ name: 'Brand', mode: 'any', approvers: { roles: ['approver'] } }],
      })
    ).statusCode,
  ).toBe(200);
  const channel = (await connectBluesky(h(), team.token, pds(), carol, 'carol (approved team)')).id;

  const marker = `re-approve-${Date.now()}`;
  const publishAt = inSeconds(12);
  const post = await schedule({ text: `Approved copy ${marker}`, channelIds: [channel], publishAt }, team.token);
  expect(
    (await call(approver.token, 'POST', `/v1/posts/${post.id}/approval`, { decision: 'approve', step: 1, round: 0 }))
      .statusCode,
  ).toBe(200);
  await waitUntilStaged(post.workflowId);

  const edited = await call(team.token, 'POST', `/v1/posts/${post.id}/edit`, { text: `Unapproved copy ${marker}` });
  expect(edited.statusCode).toBe(200);
  expect(edited.json().status).toBe('awaiting_approval');
  await waitFor('the post to expire', async () => (await getPost(post.id, team.token)).status === 'expired', 30_000);
  expect(await postsWith(marker)).toHaveLength(0);
});

test('only the latest staging may claim a post, and only for the time it is scheduled for', async () => {
  // Far ahead, so its workflow is not staging it: the claims below stand in for staged publishes.
  const post = await schedule({
    text: `Claimed by hand ${Date.now()}`,
    channelIds: [channelId],
    publishAt: inSeconds(3600),
  });
  const targetId = post.targets[0].id;
  const claim = (publishAt: string, stage: number, attempt = 1) =>
    claimPosts(h().db, [{ postId: post.id, publishAt, stage, targetId, attempt }]);

  const first = await announcePublishStage(h().db, post.id);
  const latest = await announcePublishStage(h().db, post.id);
  expect(latest).toBeGreaterThan(first);
  expect(await claim(post.publishAt, first)).toEqual([{ claimed: false }]); // called off: an older staging
  expect(await claim(inSeconds(3000), latest)).toEqual([{ claimed: false }]); // moved since
  expect(await claim(post.publishAt, latest)).toEqual([{ claimed: true, text: post.text, channelRemoved: false }]);
  // A retry, or a sibling target of the same staging, finds it claimed; others still do not.
  expect(await claim(post.publishAt, latest, 2)).toEqual([{ claimed: true, text: post.text, channelRemoved: false }]);
  expect(await claim(post.publishAt, first)).toEqual([{ claimed: false }]);
  expect((await getPost(post.id)).status).toBe('publishing');
  const claims = (await call(ws().token, 'GET', `/v1/audit?subject=${post.id}`))
    .json()
    .entries.filter(
      (e: { action: string; after: { status?: string } }) =>
        e.action === 'post.status_changed' && e.after?.status === 'publishing',
    );
  expect(claims).toHaveLength(1);
});

test('posts to one account at the same moment share commits, and a record already there counts as published', async () => {
  const adapter = new BlueskyAdapter({ linkCards: false });
  const credentials = { service: pds().pdsUrl, identifier: carol.handle, password: carol.appPassword };
  const marker = `batch-${Date.now()}`;
  const keys = Array.from({ length: 12 }, () => adapter.newIdempotencyKey());
  const request = (i: number) => ({
    postId: `p${i}`,
    targetId: `t${i}`,
    text: `Batch ${marker} ${i}`,
    publishAt: new Date().toISOString(),
    idempotencyKey: keys[i]!,
    isRetry: false,
    media: [],
  });

  // One of them went out before (an earlier attempt whose answer was lost).
  const earlier = await adapter.publish(credentials, request(0));
  const commitsBefore = await commitsOf(carol.did);
  const results = await Promise.all(keys.map((_, i) => adapter.publish(credentials, request(i))));

  expect(results[0]).toEqual(earlier);
  expect(results.map((r) => r.externalId)).toEqual(keys.map((k) => `at://${carol.did}/app.bsky.feed.post/${k}`));
  const landed = await postsWith(marker);
  expect(landed).toHaveLength(12);
  // The commit holding the duplicate fails as a whole; each record then goes on its own. Without
  // the duplicate, the twelve go in a commit or two.
  const cleanKeys = Array.from({ length: 12 }, () => adapter.newIdempotencyKey());
  const commitsMid = await commitsOf(carol.did);
  expect(commitsMid - commitsBefore).toBeLessThanOrEqual(12);
  await Promise.all(
    cleanKeys.map((key, i) =>
      adapter.publish(credentials, { ...request(i), idempotencyKey: key, text: `Clean ${marker} ${i}` }),
    ),
  );
  expect((await commitsOf(carol.did)) - commitsMid).toBeLessThanOrEqual(2);
  expect(await postsWith(`Clean ${marker}`)).toHaveLength(12);
});

/** Commits the PDS has sequenced for one repository (what its firehose would carry). */
async function commitsOf(did: string): Promise<number> {
  const events = await pds().network.pds.ctx.sequencer.requestSeqRange({ earliestSeq: 0, limit: 100_000 });
  return events.filter((e) => e.type === 'commit' && e.evt.repo === did).length;
}

/** A webhook endpoint that answers pings at once and holds each delivery until the test answers it. */
async function startHoldingReceiver() {
  const held: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if ((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string }).type === 'chorus.ping')
        res.writeHead(204).end();
      else held.push(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    held,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The target's send failed and it waits to retry: no attempt of it is on the network. */
const waitingToRetry = (targetId: string, attempts = 2) =>
  waitFor(`target ${targetId} to wait for a retry`, async () => {
    const t = await h()
      .db.selectFrom('post_targets')
      .select(['attempts', 'sending', 'last_error'])
      .where('id', '=', targetId)
      .executeTakeFirstOrThrow();
    return t.attempts >= attempts && !t.sending && t.last_error !== null;
  });

test('a post retrying after a network failure can be cancelled: the retry is called off and the channel shows unhealthy', async () => {
  const down = await startTcpProxy(hook().url);
  try {
    // Saved while the receiver is reachable, through a proxy that then goes away.
    const channel = await connectChannel(h(), ws().token, {
      provider: 'webhook',
      name: 'Down hook',
      credentials: { url: `${down.url}/hooks/chorus`, secret: hook().secret },
    });
    await down.stop();
    const post = await schedule({ text: `Retrying ${Date.now()}`, channelIds: [channel.id] });
    const targetId = post.targets[0].id;
    await waitingToRetry(targetId, 3);

    const listed = (await call(ws().token, 'GET', '/v1/channels'))
      .json()
      .channels.find((c: { id: string }) => c.id === channel.id);
    expect(listed.health).toMatchObject({
      healthy: false,
      consecutiveFailures: expect.any(Number),
      lastError: expect.stringMatching(/unreachable/),
      failingSince: expect.any(String),
    });
    expect(listed.health.consecutiveFailures).toBeGreaterThanOrEqual(3);

    const cancel = await call(ws().token, 'POST', `/v1/posts/${post.id}/cancel`);
    expect(cancel.statusCode).toBe(200);
    expect(cancel.json()).toMatchObject({ status: 'cancelled', targets: [{ status: 'cancelled' }] });
    // The retry is called off: the workflow ends at once, no attempt pending, the target cancelled.
    const handle = h().client.workflow.getHandle(post.workflowId);
    expect(await handle.result()).toMatchObject({ status: 'cancelled', targets: [{ status: 'cancelled' }] });
    expect((await handle.describe()).raw.pendingActivities ?? []).toHaveLength(0);
    expect(await getPost(post.id)).toMatchObject({ status: 'cancelled', targets: [{ status: 'cancelled' }] });
    const audit = (await call(ws().token, 'GET', `/v1/audit?subject=${post.id}`)).json();
    const statuses = audit.entries
      .filter((e: { action: string }) => e.action === 'post.status_changed')
      .map((e: { after: { status: string } }) => e.after.status);
    expect(statuses).toEqual(expect.arrayContaining(['publishing', 'cancelled']));
    await recordHistory(h().client, post.workflowId, 'post-staged-retry-cancelled');
  } finally {
    await down.close();
  }
});

test('cancelled while one target retries and another already went out, a post ends partially published', async () => {
  const down = await startTcpProxy(hook().url);
  try {
    const channel = await connectChannel(h(), ws().token, {
      provider: 'webhook',
      name: 'Down hook 2',
      credentials: { url: `${down.url}/hooks/chorus`, secret: hook().secret },
    });
    await down.stop();
    const marker = `half-${Date.now()}`;
    const post = await schedule({ text: `Half ${marker}`, channelIds: [channelId, channel.id] });
    const retrying = post.targets.find((t: { channelId: string }) => t.channelId === channel.id).id;
    await waitFor('the Bluesky target to publish', async () =>
      (await getPost(post.id)).targets.some(
        (t: { channelId: string; status: string }) => t.channelId === channelId && t.status === 'published',
      ),
    );
    await waitingToRetry(retrying);

    expect((await call(ws().token, 'POST', `/v1/posts/${post.id}/cancel`)).statusCode).toBe(200);
    const done = await waitFor('the post to settle', async () => {
      const p = await getPost(post.id);
      return p.status === 'partially_published' && p;
    });
    expect(done.targets.map((t: { channelId: string; status: string }) => [t.channelId, t.status]).sort()).toEqual(
      [
        [channelId, 'published'],
        [channel.id, 'cancelled'],
      ].sort(),
    );
    expect(await postsWith(marker)).toHaveLength(1);
  } finally {
    await down.close();
  }
});

test('a send on the network when the post is cancelled still counts: delivered, it is published; failed, it is cancelled, not retried', async () => {
  const down = await startTcpProxy(hook().url);
  const slow = await startHoldingReceiver();
  try {
    const failing = await connectChannel(h(), ws().token, {
      provider: 'webhook',
      name: 'Down hook 3',
      credentials: { url: `${down.url}/hooks/chorus`, secret: hook().secret },
    });
    const slowDelivered = await connectChannel(h(), ws().token, {
      provider: 'webhook',
      name: 'Slow hook',
      credentials: { url: slow.url, secret: hook().secret },
    });
    await down.stop();
    const post = await schedule({ text: `In flight ${Date.now()}`, channelIds: [failing.id, slowDelivered.id] });
    const target = (id: string) => post.targets.find((t: { channelId: string }) => t.channelId === id).id;
    await waitingToRetry(target(failing.id));
    await waitFor('the slow send to be on the network', async () => slow.held.length === 1);

    // One target waits to retry, the other is being sent right now: the cancel is taken.
    expect((await call(ws().token, 'POST', `/v1/posts/${post.id}/cancel`)).statusCode).toBe(200);
    expect(
      (await getPost(post.id)).targets.find((t: { channelId: string }) => t.channelId === slowDelivered.id).status,
    ).toBe('publishing');
    slow.held[0]!.writeHead(204).end(); // it got through after all
    const done = await waitFor('the post to settle', async () => {
      const p = await getPost(post.id);
      return p.status === 'partially_published' && p;
    });
    expect(done.targets.find((t: { channelId: string }) => t.channelId === slowDelivered.id).status).toBe('published');
    expect(done.targets.find((t: { channelId: string }) => t.channelId === failing.id).status).toBe('cancelled');

    // The same with a send that fails: it is not retried, and the post ends cancelled.
    const second = await schedule({
      text: `In flight, failing ${Date.now()}`,
      channelIds: [failing.id, slowDelivered.id],
    });
    await waitingToRetry(second.targets.find((t: { channelId: string }) => t.channelId === failing.id).id);
    await waitFor('the slow send to be on the network', async () => slow.held.length === 2);
    expect((await call(ws().token, 'POST', `/v1/posts/${second.id}/cancel`)).statusCode).toBe(200);
    slow.held[1]!.writeHead(500).end();
    expect(await h().client.workflow.getHandle(second.workflowId).result()).toMatchObject({ status: 'cancelled' });
    expect(await getPost(second.id)).toMatchObject({
      status: 'cancelled',
      targets: [{ status: 'cancelled' }, { status: 'cancelled' }],
    });
    expect(slow.held).toHaveLength(2);
  } finally {
    await down.close();
    await slow.close();
  }
});
