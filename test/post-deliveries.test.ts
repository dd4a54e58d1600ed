import { verifyAuditChain } from '../db/audit';
import { recordDeliveries } from '../db/post-deliveries';
import { savePostStatus } from '../db/posts';
import { connectWebhook } from './support/channels';
import { useChorus } from './support/chorus';
import { createdPost } from './support/posts';

// A post is `published` in the database in the transaction that records its last delivery, not two
// Temporal round trips later when its workflow settles it (the API and the calendar said
// `publishing` for seconds in a burst). Seeded: a claimed post of two targets, far from its time.
const { harness: h, hook, workspace: ws, call } = useChorus({ hook: true, workspace: 'Deliveries' });

async function claimedPost() {
  const channels = [
    (await connectWebhook(h(), ws().token, hook(), `CRM ${Date.now()}`)).id,
    (await connectWebhook(h(), ws().token, hook(), `ERP ${Date.now()}`)).id,
  ];
  const post = await createdPost(call, ws().token, {
    text: `Two targets ${Date.now()}`,
    channelIds: channels,
    publishAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
  });
  // As the claim leaves it (db/post-claims.ts); its workflow sleeps until next week meanwhile.
  await h().db.updateTable('posts').set({ status: 'publishing' }).where('id', '=', post.id).execute();
  await h().db.updateTable('post_targets').set({ status: 'publishing' }).where('post_id', '=', post.id).execute();
  await h().client.workflow.getHandle(post.workflowId).terminate('seeded by hand');
  return { id: post.id as string, targets: (post.targets as { id: string; channelId: string }[]).slice() };
}

const statusChanges = async (postId: string) =>
  (
    await h()
      .db.selectFrom('audit_log')
      .select(['before', 'after'])
      .where('subject_id', '=', postId)
      .where('action', '=', 'post.status_changed')
      .orderBy('id')
      .execute()
  ).map((r) => `${(r.before as { status: string }).status} → ${(r.after as { status: string }).status}`);
const postStatus = async (id: string) =>
  (await h().db.selectFrom('posts').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
const delivery = (t: { id: string; channelId: string }, n: number) => ({
  targetId: t.id,
  channelId: t.channelId,
  externalId: `ext-${n}`,
  url: null,
});

test('the last delivery marks the post published, with its audit entry, once; the workflow finds it done', async () => {
  const post = await claimedPost();
  await recordDeliveries(h().db, [delivery(post.targets[0]!, 1)]);
  expect(await postStatus(post.id)).toBe('publishing');
  expect(await statusChanges(post.id)).toEqual([]);

  await recordDeliveries(h().db, [delivery(post.targets[1]!, 2)]);
  expect(await postStatus(post.id)).toBe('published');
  expect(await statusChanges(post.id)).toEqual(['publishing → published']);

  // Recorded again (a retry whose answer was lost), then the workflow's own mark: nothing more.
  await recordDeliveries(h().db, [delivery(post.targets[1]!, 2)]);
  expect(await savePostStatus(h().db, { postId: post.id, status: 'published', unlessClaimed: false })).toBe(true);
  expect(await statusChanges(post.id)).toEqual(['publishing → published']);
  expect((await verifyAuditChain(h().db, ws().workspaceId)).ok).toBe(true);
});

test('several posts in one batch; a post with a failed target is left to its workflow', async () => {
  const [a, b] = [await claimedPost(), await claimedPost()];
  await h().db.updateTable('post_targets').set({ status: 'failed' }).where('id', '=', b.targets[1]!.id).execute();
  await recordDeliveries(h().db, [delivery(b.targets[0]!, 3), delivery(a.targets[1]!, 4), delivery(a.targets[0]!, 5)]);
  expect(await postStatus(a.id)).toBe('published');
  expect(await postStatus(b.id)).toBe('publishing');
  expect(await statusChanges(a.id)).toEqual(['publishing → published']);
  expect(await statusChanges(b.id)).toEqual([]);
  expect((await verifyAuditChain(h().db, ws().workspaceId)).ok).toBe(true);
});
