import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  TimeoutFailure,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { PublishingActivities } from '../activities/publishing';
import type { PostStatus } from '../db/database';
import {
  cancelUpdate,
  FailureType,
  NON_RETRYABLE_PUBLISH_FAILURES,
  postStatusQuery,
  rescheduleUpdate,
  SearchAttributes,
  type PostWorkflowInput,
  type PostWorkflowStatus,
  type PostWorkflowTargetStatus,
} from './messages';

// The API stores the post in the same transaction that starts this workflow; if that transaction
// rolls back, the post never appears and this check gives up after about a minute.
const { confirmPostStored } = proxyActivities<PublishingActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 10 },
});

// Database bookkeeping: retried until the database is back.
const { markPostStatus, recordTargetFailure, savePostSchedule } = proxyActivities<PublishingActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

// Network calls: exponential backoff for outages, the network's Retry-After for rate limits
// (the activity sets nextRetryDelay), and no retry for content or credential problems.
const { publishTarget } = proxyActivities<PublishingActivities>({
  startToCloseTimeout: '2m',
  scheduleToCloseTimeout: '24h',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    nonRetryableErrorTypes: NON_RETRYABLE_PUBLISH_FAILURES,
  },
});

/**
 * One post, start to finish: waits durably until its publish time (which `reschedule` can move and
 * `cancel` can stop), then publishes every target in parallel and records the outcome.
 */
export async function publishPost(input: PostWorkflowInput): Promise<PostWorkflowStatus> {
  let status: PostStatus = 'scheduled';
  let publishAt = input.publishAt;
  let woken = false;
  const targets: PostWorkflowTargetStatus[] = input.targets.map((t) => ({ ...t, status: 'pending' }));

  const snapshot = (): PostWorkflowStatus => ({ postId: input.postId, status, publishAt, targets: targets.map((t) => ({ ...t })) });
  const setStatus = (next: PostStatus) => {
    status = next;
    upsertSearchAttributes([{ key: SearchAttributes.postStatus, value: next }]);
  };
  const describe = () => setCurrentDetails(`**${status}** · publish at ${publishAt} · ${targets.length} channel(s)`);

  setHandler(postStatusQuery, snapshot);

  setHandler(
    rescheduleUpdate,
    async ({ publishAt: next, actorId }) => {
      publishAt = new Date(next).toISOString();
      woken = true;
      describe();
      await savePostSchedule({ postId: input.postId, publishAt, actorId });
      return snapshot();
    },
    {
      validator: ({ publishAt: next }) => {
        if (status !== 'scheduled') throw new Error(`The post is ${status}; only a scheduled post can be rescheduled`);
        const at = Date.parse(next);
        if (Number.isNaN(at)) throw new Error('publishAt must be an ISO-8601 date-time');
        if (at <= Date.now()) throw new Error('publishAt must be in the future');
      },
    },
  );

  setHandler(
    cancelUpdate,
    async ({ actorId }) => {
      setStatus('cancelled');
      woken = true;
      describe();
      for (const t of targets) t.status = 'cancelled';
      await markPostStatus({ postId: input.postId, status: 'cancelled', actorId });
      return snapshot();
    },
    {
      validator: (_request) => {
        if (status !== 'scheduled') throw new Error(`The post is ${status}; only a scheduled post can be cancelled`);
      },
    },
  );

  describe();
  try {
    await confirmPostStored({ postId: input.postId });
  } catch (err) {
    throw ApplicationFailure.create({
      type: FailureType.PostNotFound,
      message: `Post ${input.postId} was never stored (its request rolled back); nothing to publish`,
      nonRetryable: true,
      cause: err instanceof Error ? err : undefined,
    });
  }

  while (status === 'scheduled') {
    const wait = Date.parse(publishAt) - Date.now();
    if (wait <= 0) break;
    woken = false;
    await condition(() => woken, wait);
  }

  if (status === 'scheduled') {
    setStatus('publishing');
    describe();
    await markPostStatus({ postId: input.postId, status: 'publishing' });
    await Promise.all(targets.map((target) => publishOne(input.postId, target)));
    const published = targets.filter((t) => t.status === 'published').length;
    setStatus(published === targets.length ? 'published' : published === 0 ? 'failed' : 'partially_published');
    describe();
    await markPostStatus({ postId: input.postId, status });
  }

  await condition(allHandlersFinished);
  return snapshot();
}

async function publishOne(postId: string, target: PostWorkflowTargetStatus): Promise<void> {
  target.status = 'publishing';
  try {
    const result = await publishTarget({ postId, targetId: target.targetId });
    target.status = 'published';
    target.externalId = result.externalId;
    target.url = result.url;
  } catch (err) {
    target.status = 'failed';
    target.error = failureReason(err);
    await recordTargetFailure({ targetId: target.targetId, reason: target.error });
  }
}

function failureReason(err: unknown): string {
  if (err instanceof ActivityFailure) {
    if (err.cause instanceof ApplicationFailure) return err.cause.message;
    if (err.cause instanceof TimeoutFailure) return 'Gave up after retrying for 24 hours; the network stayed unavailable';
    return err.cause?.message ?? err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
