import { randomUUID } from 'node:crypto';
import type { createApprovalActivities } from '../../activities/approval';
import type { createPublishingActivities } from '../../activities/publishing';
import { waitFor } from '../support/harness';
import type { ApprovalStep } from '../../contracts/approval';
import { postStatusQuery, type PostWorkflowInput } from '../../contracts/post';
import { publishPost } from '../../workflows/post-publishing';
import { recorder, startFastEnv, type Calls, type FastEnv } from './fast-env';

/** The fast tier (see fast-env.ts): the real publishPost workflow against mocked activities. */
type Activities = ReturnType<typeof createPublishingActivities> & ReturnType<typeof createApprovalActivities>;

let fast: FastEnv;
const calls: Calls = [];
const record = recorder(calls);

beforeAll(async () => {
  const activities: Partial<Activities> = {
    confirmPostStored: async () => undefined,
    markPostStatus: record('markPostStatus', true),
    notifyApprovers: record('notifyApprovers', undefined),
    currentEscalationTargets: async ({ userIds }) => ({ recipientIds: userIds }),
  };
  fast = await startFastEnv(activities);
}, 120_000);

afterAll(async () => {
  await fast?.stop();
});

const step = (over: Partial<ApprovalStep> = {}): ApprovalStep => ({
  name: 'Brand',
  mode: 'any',
  eligibleUserIds: ['ann'],
  ...over,
});

function input(steps: ApprovalStep[], publishInMs: number): PostWorkflowInput {
  return {
    postId: randomUUID(),
    workspaceId: randomUUID(),
    publishAt: new Date(Date.now() + publishInMs).toISOString(),
    targets: [{ targetId: randomUUID(), channelId: randomUUID(), provider: 'webhook' }],
    approval: { authorId: 'author', steps },
  };
}

const callsFor = (postId: string) => calls.filter((c) => (c.args as { postId?: string }).postId === postId);

test('an unanswered step is reminded, then escalated to its targets at its deadline, and the post expires at its time', async () => {
  const post = input([step({ deadlineSeconds: 2, remindBeforeSeconds: 1, escalateToUserIds: ['owner'] })], 3000);
  const handle = await fast.env.client.workflow.start(publishPost, {
    taskQueue: fast.taskQueue,
    workflowId: `post/${post.postId}`,
    args: [post],
  });
  await waitFor(
    'the post to expire',
    async () =>
      callsFor(post.postId).some(
        (c) => c.name === 'markPostStatus' && (c.args as { status: string }).status === 'expired',
      ),
    10_000,
    20,
  );
  expect(
    callsFor(post.postId).map((c) => [
      c.name,
      (c.args as { kind?: string; status?: string }).kind ?? (c.args as { status: string }).status,
    ]),
  ).toEqual([
    ['notifyApprovers', 'approval.reminder'],
    ['notifyApprovers', 'approval.escalated'],
    ['markPostStatus', 'expired'],
  ]);
  expect(callsFor(post.postId)[0]!.args).toMatchObject({ recipientIds: ['ann'], step: 0, round: 0 });
  expect(callsFor(post.postId)[1]!.args).toMatchObject({ recipientIds: ['owner'] });
  expect((await handle.query(postStatusQuery)).status).toBe('expired');
  // An expired post waits for a reschedule, an edit or a cancel.
  await handle.terminate('test over');
});
