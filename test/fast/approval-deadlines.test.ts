import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { createApprovalActivities } from '../../activities/approval';
import type { createPublishingActivities } from '../../activities/publishing';
import { findOrBuildTemporalCli } from '../../temporal/cli';
import { waitFor } from '../support/harness';
import type { ApprovalStep } from '../../contracts/approval';
import { postStatusQuery, type PostWorkflowInput } from '../../contracts/post';
import { ALL_SEARCH_ATTRIBUTES } from '../../contracts/shared';
import { publishPost } from '../../workflows/post-publishing';

/**
 * The fast tier: workflows against mocked activities, no database, no API. The time-skipping test
 * server cannot be had offline here (it is downloaded on first use), so this runs on a local dev
 * server (createLocal, the Temporal CLI already on the machine) with deadlines of a second or two.
 */
type Activities = ReturnType<typeof createPublishingActivities> & ReturnType<typeof createApprovalActivities>;

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `fast-${randomUUID()}`;
const calls: { name: string; args: unknown }[] = [];
/** An activity that records its call and answers `result`. */
const record =
  <T>(name: string, result: T) =>
  async (args: unknown) => {
    calls.push({ name, args });
    return result;
  };

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  // The CLI the e2e tier's dev server runs; without one, createLocal downloads it.
  const cli = await findOrBuildTemporalCli();
  env = await TestWorkflowEnvironment.createLocal({
    server: {
      ...(cli ? { executable: { type: 'existing-path', path: cli } } : {}),
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
    },
  });
  const activities: Partial<Activities> = {
    confirmPostStored: async () => undefined,
    markPostStatus: record('markPostStatus', true),
    notifyApprovers: record('notifyApprovers', undefined),
    currentEscalationTargets: async ({ userIds }) => ({ recipientIds: userIds }),
  };
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../workflows'),
    activities,
  });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
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
  const handle = await env.client.workflow.start(publishPost, {
    taskQueue,
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
