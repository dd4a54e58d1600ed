import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../activities';
import { dataFailure } from '../activities/failures';
import { editUpdate, rescheduleUpdate, type EditRequest } from '../contracts/post';
import { FailureType } from '../contracts/shared';
import { connectWebhook } from './support/channels';
import { useChorus } from './support/chorus';
import { waitFor } from './support/harness';
import { recordHistory } from './support/histories';
import { createdPost } from './support/posts';

/**
 * Data the database refuses (a NUL in a text, an id that is no uuid) fails an activity for good
 * instead of being retried forever: an edit carrying it fails its Update clearly, the post goes on
 * as it was, and its workflow ends once the post is published.
 */
const { harness: h, hook, workspace: ws, call } = useChorus({ hook: true, workspace: 'Bad data' });
let channelId: string;

beforeAll(async () => {
  channelId = (await connectWebhook(h(), ws().token, hook(), 'Bad data hook')).id;
});

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const getPost = async (id: string) => (await call(ws().token, 'GET', `/v1/posts/${id}`)).json();
const deliveredTexts = (postId: string) =>
  hook()
    .deliveries.filter((d) => d.payload.type === 'post.published' && d.payload.data.postId === postId)
    .map((d) => d.payload.data.text);

/** Sends an edit straight to the workflow, past the API's checks; resolves to the Update's failure. */
async function failedEdit(workflowId: string, edit: EditRequest): Promise<ApplicationFailure> {
  const err = await h()
    .client.workflow.getHandle(workflowId)
    .executeUpdate(editUpdate, { args: [edit] })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

async function expectCompletedAfterPublishing(postId: string, workflowId: string, text: string) {
  await waitFor('the post to publish', async () => (await getPost(postId)).status === 'published');
  await waitFor(
    'its workflow to complete',
    async () => (await h().client.workflow.getHandle(workflowId).describe()).status.name === 'COMPLETED',
    15_000,
  );
  expect(deliveredTexts(postId)).toEqual([text]);
}

test('an edit with a NUL to a staged post fails its Update at once; the post publishes unchanged and its workflow completes', async () => {
  const text = `Staged original ${Date.now()}`;
  const post = await createdPost(call, ws().token, { text, channelIds: [channelId], publishAt: inSeconds(6) });
  const targetId = post.targets[0].id;
  const started = Date.now();
  const failure = await failedEdit(post.workflowId, {
    actorId: ws().userId,
    text: 'Broken \u0000 text',
    targets: [{ targetId, text: 'Broken \u0000 text' }],
  });
  expect(Date.now() - started).toBeLessThan(5_000); // not retried
  expect(failure.type).toBe(FailureType.BadData);
  expect(failure.message).toMatch(/The edit was not saved: .*22021/);
  expect((await getPost(post.id)).text).toBe(text);
  await expectCompletedAfterPublishing(post.id, post.workflowId, text);
});

test('an edit the database refuses to a post not staged yet is undone; the post can still be moved, publishes, and its workflow completes', async () => {
  const text = `Later original ${Date.now()}`;
  const post = await createdPost(call, ws().token, { text, channelIds: [channelId], publishAt: inSeconds(3600) });
  const targetId = post.targets[0].id;
  const nul = await failedEdit(post.workflowId, {
    actorId: ws().userId,
    text: 'Broken \u0000 text',
    targets: [{ targetId, text: 'Broken \u0000 text' }],
  });
  expect(nul.type).toBe(FailureType.BadData);
  // An id that is no uuid: another data exception (22P02), the same clear failure.
  const badId = await failedEdit(post.workflowId, {
    actorId: ws().userId,
    text: 'Fine text',
    targets: [{ targetId: 'not-a-uuid', text: 'Fine text' }],
  });
  expect(badId.type).toBe(FailureType.BadData);
  expect(badId.message).toMatch(/22P02/);

  const handle = h().client.workflow.getHandle(post.workflowId);
  expect((await handle.describe()).status.name).toBe('RUNNING');
  expect((await getPost(post.id)).text).toBe(text);
  const publishAt = inSeconds(3);
  expect((await handle.executeUpdate(rescheduleUpdate, { args: [{ publishAt }] })).publishAt).toBe(publishAt);
  await expectCompletedAfterPublishing(post.id, post.workflowId, text);
  await recordHistory(h().client, post.workflowId, 'post-edit-refused-by-database');
});

test('every activity fails for good on data the database refuses (one wrapper), and retries racy integrity violations a few times', async () => {
  const { db, adapters, sealer, media, client: temporal, taskQueue } = h();
  const activities = createActivities({ db, adapters, sealer, media, temporal, taskQueue });
  const post = await createdPost(call, ws().token, {
    text: 'Direct',
    channelIds: [channelId],
    publishAt: inSeconds(3600),
  });
  const err = await new MockActivityEnvironment()
    .run(activities.savePostContent, {
      postId: post.id,
      actorId: ws().userId,
      text: 'Broken \u0000 text',
      targets: [],
      round: 0,
      awaitingUserIds: [],
    })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  expect(err).toMatchObject({ type: FailureType.BadData, nonRetryable: true, details: [{ sqlState: '22021' }] });
  await call(ws().token, 'POST', `/v1/posts/${post.id}/cancel`);

  const unique = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
  expect(dataFailure(unique, 1)).toBeUndefined();
  expect(dataFailure(unique, 5)).toMatchObject({ type: FailureType.IntegrityViolation, nonRetryable: true });
  const notNull = Object.assign(new Error('null value in column violates not-null constraint'), { code: '23502' });
  expect(dataFailure(notNull, 1)).toMatchObject({ type: FailureType.IntegrityViolation, nonRetryable: true });
  const outage = Object.assign(new Error('the database system is shutting down'), { code: '57P03' });
  expect(dataFailure(outage, 1)).toBeUndefined();
  expect(dataFailure(ApplicationFailure.nonRetryable('already a failure', 'Other'), 1)).toBeUndefined();
});
