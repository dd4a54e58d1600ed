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
  approvalQuery,
  approvalsNeeded,
  cancelUpdate,
  decideUpdate,
  FailureType,
  NON_RETRYABLE_PUBLISH_FAILURES,
  postStatusQuery,
  rescheduleUpdate,
  SearchAttributes,
  type ApprovalChainStatus,
  type ApprovalDecision,
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
const { markPostStatus, recordApprovalDecision, recordTargetFailure, savePostSchedule } = proxyActivities<PublishingActivities>({
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
  const chain = input.approval;
  let status: PostStatus = chain ? 'awaiting_approval' : 'scheduled';
  let publishAt = input.publishAt;
  let woken = false;
  let approvalState: ApprovalChainStatus['state'] = chain ? 'pending' : 'none';
  let currentStep: number | null = chain ? 0 : null;
  const decisions: ApprovalDecision[] = [];
  const approvalSnapshot = (): ApprovalChainStatus => ({ state: approvalState, currentStep, steps: chain?.steps ?? [], decisions: [...decisions] });
  const waiting = () => status === 'scheduled' || status === 'awaiting_approval';
  const targets: PostWorkflowTargetStatus[] = input.targets.map((t) => ({ ...t, status: 'pending' }));

  const snapshot = (): PostWorkflowStatus => ({ postId: input.postId, status, publishAt, targets: targets.map((t) => ({ ...t })) });
  const setStatus = (next: PostStatus) => {
    status = next;
    upsertSearchAttributes([{ key: SearchAttributes.postStatus, value: next }]);
  };
  const describe = () => setCurrentDetails(`**${status}** · publish at ${publishAt} · ${targets.length} channel(s)`);

  setHandler(postStatusQuery, snapshot);
  setHandler(approvalQuery, approvalSnapshot);

  // Decisions are Updates: the validator refuses, synchronously and without a trace in history,
  // anyone who may not decide now; the handler applies one decision at a time, so two approvers
  // racing for the last slot of a step make exactly one transition.
  setHandler(
    decideUpdate,
    async ({ userId, decision, comment }) => {
      const stepIndex = currentStep!;
      const step = chain!.steps[stepIndex]!;
      decisions.push({ step: stepIndex, userId, decision, comment, at: new Date().toISOString() });
      if (decision === 'reject') {
        approvalState = 'rejected';
        currentStep = null;
      } else if (decisions.filter((d) => d.step === stepIndex && d.decision === 'approve').length >= approvalsNeeded(step)) {
        currentStep = stepIndex + 1 < chain!.steps.length ? stepIndex + 1 : null;
        if (currentStep === null) approvalState = 'approved';
      }
      woken = true;
      const next = currentStep === null ? [] : chain!.steps[currentStep]!.eligibleUserIds.filter((id) => !decisions.some((d) => d.step === currentStep && d.userId === id));
      await recordApprovalDecision({ postId: input.postId, step: stepIndex, stepName: step.name, userId, decision, comment, awaitingUserIds: next });
      return approvalSnapshot();
    },
    {
      validator: ({ userId }) => {
        if (!chain || status !== 'awaiting_approval' || currentStep === null) throw new Error(`The post is ${status}; no approval is pending`);
        const step = chain.steps[currentStep]!;
        if (userId === chain.authorId) throw ApplicationFailure.nonRetryable('Authors cannot approve their own posts', FailureType.NotEligible);
        if (!step.eligibleUserIds.includes(userId)) throw ApplicationFailure.nonRetryable(`You are not an approver of step ${currentStep + 1} ("${step.name}")`, FailureType.NotEligible);
        if (decisions.some((d) => d.step === currentStep && d.userId === userId)) throw ApplicationFailure.nonRetryable(`You have already decided on step ${currentStep + 1} ("${step.name}")`, FailureType.NotEligible);
      },
    },
  );

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
        if (!waiting()) throw new Error(`The post is ${status}; only a scheduled post can be rescheduled`);
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
        if (!waiting()) throw new Error(`The post is ${status}; only a scheduled post can be cancelled`);
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

  if (chain) {
    // The publish timer cannot start before the whole chain has approved.
    while (status === 'awaiting_approval' && approvalState === 'pending') {
      const wait = Date.parse(publishAt) - Date.now();
      if (wait <= 0 && !input.publishOnApproval) {
        approvalState = 'expired';
        break;
      }
      woken = false;
      if (input.publishOnApproval) await condition(() => woken);
      else await condition(() => woken, wait);
    }
    if (status === 'awaiting_approval') {
      const decided = approvalState as ApprovalChainStatus['state']; // set by the decide handler
      const outcome: PostStatus = decided === 'approved' ? 'scheduled' : decided === 'rejected' ? 'rejected' : 'expired';
      if (outcome === 'scheduled' && input.publishOnApproval) publishAt = new Date(Date.now()).toISOString();
      setStatus(outcome);
      describe();
      await markPostStatus({ postId: input.postId, status: outcome });
    }
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
