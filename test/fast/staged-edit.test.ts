import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { createApprovalActivities } from '../../activities/approval';
import type { createPublishingActivities, StagedPublishResult } from '../../activities/publishing';
import { waitFor } from '../support/harness';
import { decideUpdate } from '../../contracts/approval';
import { editUpdate, postStatusQuery, postWorkflowId, type PostWorkflowInput } from '../../contracts/post';
import { publishPost } from '../../workflows/post-publishing';
import { recorder, startFastEnv, type Calls, type FastEnv } from './fast-env';

/**
 * The fast tier (see fast-env.ts): a post staged for publishing (its time within the staging lead,
 * so its publishes already wait on a worker) edited before the worker claims it.
 */
type Activities = ReturnType<typeof createPublishingActivities> & ReturnType<typeof createApprovalActivities>;

let fast: FastEnv;
const calls: Calls = [];
const record = recorder(calls);
/** Posts whose (mocked) claim came first: saving an edit unless claimed changes nothing. */
const claimed = new Set<string>();

beforeAll(async () => {
  const activities: Partial<Activities> = {
    confirmPostStored: async () => undefined,
    markPostStatus: record('markPostStatus', true),
    recordApprovalDecision: record('recordApprovalDecision', undefined),
    announcePublishStage: async () => 1,
    savePostContent: async (args) => {
      calls.push({ name: 'savePostContent', args });
      return !claimed.has(args.postId);
    },
    // Waits on the worker for the post's time, heartbeating so that a call-off reaches it.
    publishTargetWhenDue: async (args): Promise<StagedPublishResult> => {
      calls.push({ name: 'publishTargetWhenDue', args });
      const context = Context.current();
      const beat = setInterval(() => context.heartbeat(), 100);
      try {
        await Promise.race([
          context.cancelled,
          new Promise((resolve) => setTimeout(resolve, Date.parse(args.publishAt) - Date.now())),
        ]);
        calls.push({ name: 'sent', args });
        return { withdrawn: false, externalId: 'x', url: 'https://example.test/x' };
      } catch (err) {
        calls.push({ name: 'called off', args });
        throw err;
      } finally {
        clearInterval(beat);
      }
    },
  };
  fast = await startFastEnv(activities);
}, 120_000);

afterAll(async () => {
  await fast?.stop();
});

const callsFor = (postId: string, name: string) =>
  calls.filter((c) => c.name === name && (c.args as { postId?: string }).postId === postId);

/** An approved post due in a few seconds: well within the staging lead, so staged at once. */
async function stagedPost() {
  const post: PostWorkflowInput = {
    postId: randomUUID(),
    workspaceId: randomUUID(),
    publishAt: new Date(Date.now() + 4000).toISOString(),
    targets: [{ targetId: randomUUID(), channelId: randomUUID(), provider: 'webhook' }],
    approval: { authorId: 'author', steps: [{ name: 'Brand', mode: 'any', eligibleUserIds: ['ann'] }] },
  };
  const handle = await fast.env.client.workflow.start(publishPost, {
    taskQueue: fast.taskQueue,
    workflowId: postWorkflowId(post.postId),
    args: [post],
  });
  await handle.executeUpdate(decideUpdate, { args: [{ userId: 'ann', decision: 'approve' }] });
  await waitFor(
    'the publish to be staged',
    async () => callsFor(post.postId, 'publishTargetWhenDue').length > 0,
    10_000,
    20,
  );
  return { post, handle };
}

const edit = { actorId: 'ed', text: 'New words', targets: [] };

test('an edit before the claim wins: the staged publish is called off and the post goes back to approval', async () => {
  const { post, handle } = await stagedPost();
  const status = await handle.executeUpdate(editUpdate, { args: [edit] });
  expect(status.status).toBe('awaiting_approval');
  expect(callsFor(post.postId, 'savePostContent').map((c) => c.args)).toEqual([
    expect.objectContaining({ text: 'New words', status: 'awaiting_approval', unlessClaimed: true }),
  ]);
  await waitFor(
    'the staged publish to be called off',
    async () => callsFor(post.postId, 'called off').length > 0,
    5_000,
    20,
  );
  expect(callsFor(post.postId, 'sent')).toEqual([]);
  expect((await handle.query(postStatusQuery)).status).toBe('awaiting_approval');
  await handle.terminate('test over');
});

test('an edit after the claim is refused, and the post publishes once', async () => {
  const { post, handle } = await stagedPost();
  claimed.add(post.postId);
  const refused = await handle.executeUpdate(editUpdate, { args: [edit] }).catch((err: unknown) => err);
  expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
  await waitFor(
    'the post to publish',
    async () => (await handle.query(postStatusQuery)).status === 'published',
    10_000,
    20,
  );
  expect(callsFor(post.postId, 'publishTargetWhenDue')).toHaveLength(1);
  expect(callsFor(post.postId, 'sent')).toHaveLength(1);
  expect(callsFor(post.postId, 'called off')).toEqual([]);
  expect(
    callsFor(post.postId, 'markPostStatus').filter((c) => (c.args as { status: string }).status === 'published'),
  ).toHaveLength(1);
  expect(await handle.result()).toMatchObject({ status: 'published', targets: [{ status: 'published' }] });
});
