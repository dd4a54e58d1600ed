import { recordHistory } from './support/histories';
import type { SandboxAccount } from '../sandbox/local-bluesky';
import { connectBluesky, connectWebhook } from './support/channels';
import { useChorus } from './support/chorus';
import { createdPost } from './support/posts';
import { waitFor } from './support/harness';

const {
  harness: h,
  pds,
  hook,
  workspace: ws,
  call,
} = useChorus({ pds: true, hook: true, workspace: 'Test workspace' });
let alice: SandboxAccount;
let bob: SandboxAccount;
let channels: { alice: string; bob: string; hook: string };

beforeAll(async () => {
  [alice, bob] = await Promise.all([pds().createAccount('alice'), pds().createAccount('bob')]);
  channels = {
    alice: (await connectBluesky(h(), ws().token, pds(), alice)).id,
    bob: (await connectBluesky(h(), ws().token, pds(), bob)).id,
    hook: (await connectWebhook(h(), ws().token, hook(), 'CRM hook')).id,
  };
});

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

const schedule = (body: Record<string, unknown>) => createdPost(call, ws().token, body);

async function getPost(id: string) {
  return (await call(ws().token, 'GET', `/v1/posts/${id}`)).json();
}

const postsOn = async (account: SandboxAccount, marker: string) =>
  (await pds().listPosts(account.did)).filter((p) => p.text.includes(marker));

test('a post scheduled ahead lands once on each Bluesky account and once at the webhook, at or after its time', async () => {
  const marker = `launch-${Date.now()}`;
  const publishAt = inSeconds(3);
  const post = await schedule({
    text: `We launch today ${marker} #chorus https://example.com/launch`,
    channelIds: [channels.alice, channels.bob, channels.hook],
    variants: { [channels.bob]: `Bob's take: ${marker}` },
    publishAt,
  });
  expect(post.status).toBe('scheduled');
  expect(post.workflowId).toBe(`post/${post.id}`);
  expect(post.targets).toHaveLength(3);

  const done = await waitFor('the post to be published', async () => {
    const p = await getPost(post.id);
    return p.status === 'published' && p;
  });

  const [onAlice, onBob] = await Promise.all([postsOn(alice, marker), postsOn(bob, marker)]);
  expect(onAlice).toHaveLength(1);
  expect(onBob).toHaveLength(1);
  expect(onBob[0]!.text).toBe(`Bob's take: ${marker}`);
  const hooks = hook().deliveries.filter((d) => String(d.payload.data.text).includes(marker));
  expect(hooks).toHaveLength(1);
  expect(hook().rejected).toBe(0);

  const byChannel = Object.fromEntries(done.targets.map((t: { channelId: string }) => [t.channelId, t]));
  expect(byChannel[channels.alice].externalId).toBe(onAlice[0]!.uri);
  expect(byChannel[channels.bob].externalId).toBe(onBob[0]!.uri);
  expect(byChannel[channels.hook].externalId).toBe(hooks[0]!.id);
  for (const t of done.targets) {
    expect(t.status).toBe('published');
    expect(new Date(t.publishedAt).getTime()).toBeGreaterThanOrEqual(new Date(publishAt).getTime());
  }
  expect(hooks[0]!.receivedAt).toBeGreaterThanOrEqual(new Date(publishAt).getTime());

  // Link and hashtag became rich-text facets on the PDS record.
  const agent = pds().network.pds.getClient();
  const rkey = onAlice[0]!.uri.split('/').pop()!;
  const record = await agent.com.atproto.repo.getRecord({ repo: alice.did, collection: 'app.bsky.feed.post', rkey });
  const features = ((record.data.value as { facets?: { features: { $type: string }[] }[] }).facets ?? []).flatMap((f) =>
    f.features.map((x) => x.$type),
  );
  expect(features).toEqual(expect.arrayContaining(['app.bsky.richtext.facet#link', 'app.bsky.richtext.facet#tag']));

  // Ops can find the workflow by its search attributes.
  const handle = h().client.workflow.getHandle(post.workflowId);
  const description = await handle.describe();
  expect(description.typedSearchAttributes.get({ name: 'ChorusWorkspace', type: 'KEYWORD' } as never)).toBe(
    ws().workspaceId,
  );
  await recordHistory(h().client, post.workflowId, 'post-publishing');
});

test('reschedule moves a post; the new time is the one that counts', async () => {
  const marker = `moved-${Date.now()}`;
  const post = await schedule({ text: `Moved ${marker}`, channelIds: [channels.alice], publishAt: inSeconds(3600) });
  const newTime = inSeconds(2);
  const res = await call(ws().token, 'POST', `/v1/posts/${post.id}/reschedule`, { publishAt: newTime });
  expect(res.statusCode).toBe(200);
  expect(res.json().publishAt).toBe(newTime);

  const done = await waitFor('the rescheduled post to publish', async () => {
    const p = await getPost(post.id);
    return p.status === 'published' && p;
  });
  expect(new Date(done.targets[0].publishedAt).getTime()).toBeGreaterThanOrEqual(new Date(newTime).getTime());
  expect(await postsOn(alice, marker)).toHaveLength(1);
  await recordHistory(h().client, post.workflowId, 'post-rescheduled');

  // After publishing, neither reschedule nor cancel is possible.
  const late = await call(ws().token, 'POST', `/v1/posts/${post.id}/reschedule`, { publishAt: inSeconds(60) });
  expect(late.statusCode).toBe(409);
  expect(late.headers['content-type']).toContain('application/problem+json');
  const cancel = await call(ws().token, 'POST', `/v1/posts/${post.id}/cancel`);
  expect(cancel.statusCode).toBe(409);
});

test('reschedule to a later time keeps the post waiting and records the new time everywhere', async () => {
  const post = await schedule({ text: `Later ${Date.now()}`, channelIds: [channels.alice], publishAt: inSeconds(600) });
  const later = inSeconds(7200);
  const res = await call(ws().token, 'POST', `/v1/posts/${post.id}/reschedule`, { publishAt: later });
  expect(res.statusCode).toBe(200);
  const live = (await call(ws().token, 'GET', `/v1/posts/${post.id}/live`)).json();
  expect(live).toMatchObject({ status: 'scheduled', publishAt: later });
  expect((await getPost(post.id)).publishAt).toBe(later);
  const past = await call(ws().token, 'POST', `/v1/posts/${post.id}/reschedule`, { publishAt: '2020-01-01T00:00:00Z' });
  expect(past.statusCode).toBe(422);
  expect(past.json().errors[0]).toMatchObject({ field: 'publishAt', rule: 'future' });
  await call(ws().token, 'POST', `/v1/posts/${post.id}/cancel`);
});

test('cancel stops a scheduled post: its workflow ends and nothing reaches the PDS', async () => {
  const marker = `cancelled-${Date.now()}`;
  const post = await schedule({
    text: `Never ${marker}`,
    channelIds: [channels.alice, channels.hook],
    publishAt: inSeconds(5),
  });
  const res = await call(ws().token, 'POST', `/v1/posts/${post.id}/cancel`);
  expect(res.statusCode).toBe(200);
  expect(res.json().status).toBe('cancelled');
  expect(res.json().targets.map((t: { status: string }) => t.status)).toEqual(['cancelled', 'cancelled']);

  const result = await h().client.workflow.getHandle(post.workflowId).result();
  expect(result.status).toBe('cancelled');
  await recordHistory(h().client, post.workflowId, 'post-cancelled');
  expect(await postsOn(alice, marker)).toHaveLength(0);
  expect(hook().deliveries.filter((d) => String(d.payload.data.text).includes(marker))).toHaveLength(0);

  const again = await call(ws().token, 'POST', `/v1/posts/${post.id}/cancel`);
  expect(again.statusCode).toBe(409);
});

test('a post without publishAt goes out now, and the list filters by status and channel', async () => {
  const marker = `now-${Date.now()}`;
  const post = await schedule({ text: `Right now ${marker}`, channelIds: [channels.bob] });
  await waitFor('the post to publish', async () => (await getPost(post.id)).status === 'published');
  expect(await postsOn(bob, marker)).toHaveLength(1);

  const list = (await call(ws().token, 'GET', `/v1/posts?status=published&channelId=${channels.bob}`)).json();
  expect(list.posts.map((p: { id: string }) => p.id)).toContain(post.id);
  expect(list.posts.every((p: { status: string }) => p.status === 'published')).toBe(true);
  const none = (
    await call(ws().token, 'GET', `/v1/posts?channelId=${channels.hook}&status=published&from=${inSeconds(86400)}`)
  ).json();
  expect(none.posts).toEqual([]);
});
