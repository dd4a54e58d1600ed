import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { ChannelTokenActivities } from '../../activities/channel-tokens';
import type { createPublishingActivities, StagedPublishResult } from '../../activities/publishing';
import { waitFor } from '../support/harness';
import {
  cancelUpdate,
  channelReconnectedSignal,
  postStatusQuery,
  postWorkflowId,
  type PostWorkflowInput,
} from '../../contracts/post';
import { FailureType } from '../../contracts/shared';
import { publishPost } from '../../workflows/post-publishing';
import { recorder, startFastEnv, type Calls, type FastEnv } from './fast-env';

/**
 * The fast tier (see fast-env.ts): a post whose channel refuses its credentials is held, not failed,
 * until the channel is reconnected or the post cancelled, with its owners reminded meanwhile. The
 * reminder's cadence is the activity's answer (a day in production): here 150 ms, so many "days"
 * of waiting pass in a second. (The time-skipping server cannot be had offline here; fast-env.ts.)
 */
type Activities = ReturnType<typeof createPublishingActivities> & ChannelTokenActivities;

let fast: FastEnv;
const calls: Calls = [];
const record = recorder(calls);
/** Channels whose credentials the (mocked) network refuses, and those since removed. */
const refusing = new Set<string>();
const removed = new Set<string>();
const REMIND_EVERY_MS = 150;

beforeAll(async () => {
  const activities: Partial<Activities> = {
    confirmPostStored: async () => undefined,
    markPostStatus: record('markPostStatus', true),
    announcePublishStage: async () => 1,
    recordTargetFailure: record('recordTargetFailure', undefined),
    cancelRetries: async (args) => {
      calls.push({ name: 'cancelRetries', args });
      return { cancelled: true, stopped: [...targetsOf.get(args.postId)!], sending: [] };
    },
    publishTargetWhenDue: async (args): Promise<StagedPublishResult> => {
      calls.push({ name: 'publishTargetWhenDue', args });
      const channelId = channelOf.get(args.targetId)!;
      if (removed.has(channelId))
        throw ApplicationFailure.nonRetryable(
          'Channel "Acme" was removed before the post went out',
          FailureType.ChannelRemoved,
        );
      if (refusing.has(channelId))
        throw ApplicationFailure.create({
          type: FailureType.ChannelAuthFailed,
          message: 'Acme: the channel needs reconnecting (X refused to renew access)',
          nonRetryable: true,
        });
      return { withdrawn: false, externalId: `ext-${args.targetId}`, url: 'https://example.test/1' };
    },
    remindHeldPost: async (args) => {
      calls.push({ name: 'remindHeldPost', args });
      return { remindAgainInMs: REMIND_EVERY_MS };
    },
  };
  fast = await startFastEnv(activities);
}, 120_000);

afterAll(async () => {
  await fast?.stop();
});

const channelOf = new Map<string, string>();
const targetsOf = new Map<string, string[]>();
const callsFor = (postId: string, name: string) =>
  calls.filter((c) => {
    const args = c.args as { postId?: string; targetId?: string };
    return c.name === name && (args.postId === postId || targetsOf.get(postId)!.includes(args.targetId ?? ''));
  });

/** A post due at once to a channel that refuses its credentials: claimed, then held. */
async function heldPost() {
  const channelId = randomUUID();
  const targetId = randomUUID();
  refusing.add(channelId);
  channelOf.set(targetId, channelId);
  const post: PostWorkflowInput = {
    postId: randomUUID(),
    workspaceId: randomUUID(),
    publishAt: new Date(Date.now() + 200).toISOString(),
    targets: [{ targetId, channelId, provider: 'x' }],
  };
  targetsOf.set(post.postId, [targetId]);
  const handle = await fast.env.client.workflow.start(publishPost, {
    taskQueue: fast.taskQueue,
    workflowId: postWorkflowId(post.postId),
    args: [post],
  });
  return { post, handle, channelId, targetId };
}

/** Waits until the post has been reminded of `n` times (reminder 0 is the notice at the start of the wait). */
const remindedTimes = (postId: string, n: number) =>
  waitFor(`${n} reminders`, async () => callsFor(postId, 'remindHeldPost').length >= n, 15_000);

test('held, not failed: reminded on every interval however long it waits, published once at reconnect though its time has passed', async () => {
  const { post, handle, channelId, targetId } = await heldPost();
  await remindedTimes(post.postId, 6);
  // Still waiting, many reminder intervals on: nothing failed, the target publishing (held).
  const live = await handle.query(postStatusQuery);
  expect(live.targets[0]).toMatchObject({ status: 'publishing', error: expect.stringMatching(/needs reconnecting/) });
  expect(callsFor(post.postId, 'recordTargetFailure')).toEqual([]);
  expect(callsFor(post.postId, 'publishTargetWhenDue')).toHaveLength(1);
  const reminders = callsFor(post.postId, 'remindHeldPost').map((c) => c.args);
  expect(reminders.slice(0, 6)).toEqual(
    [0, 1, 2, 3, 4, 5].map((reminder) => ({ postId: post.postId, targetId, channelId, reminder })),
  );

  // Reconnected: it goes out at once (its time long past), once, and the reminders stop.
  refusing.delete(channelId);
  await handle.signal(channelReconnectedSignal, { channelId });
  const result = await handle.result();
  expect(result.status).toBe('published');
  expect(result.targets[0]).toMatchObject({ status: 'published', externalId: `ext-${targetId}` });
  expect(callsFor(post.postId, 'publishTargetWhenDue')).toHaveLength(2);
  const remindedAtEnd = callsFor(post.postId, 'remindHeldPost').length;
  await new Promise((resolve) => setTimeout(resolve, REMIND_EVERY_MS * 3)); // the workflow has ended: nothing can remind
  expect(callsFor(post.postId, 'remindHeldPost')).toHaveLength(remindedAtEnd);
  expect(callsFor(post.postId, 'recordTargetFailure')).toEqual([]);
});

test('a held post cancelled: the wait ends, the target cancelled, nothing failed or sent', async () => {
  const { post, handle } = await heldPost();
  await remindedTimes(post.postId, 3);
  const cancelled = await handle.executeUpdate(cancelUpdate, { args: [{ actorId: 'owner' }] });
  expect(cancelled.status).toBe('cancelled');
  const result = await handle.result();
  expect(result.status).toBe('cancelled');
  expect(result.targets[0]!.status).toBe('cancelled');
  expect(callsFor(post.postId, 'publishTargetWhenDue')).toHaveLength(1);
  expect(callsFor(post.postId, 'recordTargetFailure')).toEqual([]);
});

test('its channel removed: the post is told as at a reconnect, and the target fails as ChannelRemoved', async () => {
  const { post, handle, channelId } = await heldPost();
  await remindedTimes(post.postId, 2);
  removed.add(channelId);
  await handle.signal(channelReconnectedSignal, { channelId });
  const result = await handle.result();
  expect(result.status).toBe('failed');
  expect(result.targets[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/was removed/) });
  expect(callsFor(post.postId, 'recordTargetFailure')).toHaveLength(1);
});
