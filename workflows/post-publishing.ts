import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  TimeoutFailure,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { PublishingActivities } from '../activities/publishing';
import type { ApprovalActivities } from '../activities/approval';
import type { PostStatus } from '../contracts/domain';
import { ApprovalChain } from './approval-chain';
import { approvalQuery, decideUpdate, type ApprovalChainStatus } from '../contracts/approval';
import { campaignCancelledSignal, cancelSignal, cancelUpdate, channelReconnectedSignal, editUpdate, excerptOf, holdSignal, joinCampaignSignal, NON_RETRYABLE_PUBLISH_FAILURES, postStatusQuery, releaseSignal, rescheduleUpdate, type PostWorkflowInput, type PostWorkflowStatus, type PostWorkflowTargetStatus } from '../contracts/post';
import { campaignWorkflowId, postProgressSignal } from '../contracts/campaign';
import { FailureType, SearchAttributes } from '../contracts/shared';

// The API stores the post in the same transaction that starts this workflow; if that transaction
// rolls back, the post never appears and this check gives up after about a minute.
const { confirmPostStored } = proxyActivities<PublishingActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 10 },
});

// Database bookkeeping and notifications: retried until the database is back.
const { cancelRetries, markPostStatus, recordApprovalDecision, recordTargetFailure, savePostSchedule } = proxyActivities<PublishingActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});
const { currentEscalationTargets, notifyApprovers, savePostContent } = proxyActivities<ApprovalActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

// Network calls: exponential backoff for outages, the network's Retry-After for rate limits
// (the activity sets nextRetryDelay), and no retry for content or credential problems.
const publishing = {
  scheduleToCloseTimeout: '24h',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    nonRetryableErrorTypes: NON_RETRYABLE_PUBLISH_FAILURES,
  },
} as const;
const { publishTarget } = proxyActivities<PublishingActivities>({ ...publishing, startToCloseTimeout: '2m' });
// A staged publish: held by a worker from STAGE_LEAD_MS before the post's time until it has gone
// out, heartbeating so that calling it off (before its claim) reaches it. (It could not claim the
// post anyway: calling it off moved the post's publish stage on.)
const { publishTargetWhenDue } = proxyActivities<PublishingActivities>({ ...publishing, startToCloseTimeout: '4m', heartbeatTimeout: '20s' });

// Same bookkeeping as a local activity: runs inside the workflow task, no round trip to the server.
const { markPostStatus: markPostStatusLocally, announcePublishStage } = proxyLocalActivities<PublishingActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/** Workflows started before this change awaited the 'publishing' mark before publishing, as normal activities. */
const LEAN_PUBLISHING = 'lean-publishing-bookkeeping';

/** Workflows started before this change ended when approval expired; newer ones wait for a reschedule. */
const EXPIRED_WAITS_FOR_RESCHEDULE = 'expired-posts-wait-for-reschedule';

/** Workflows started before this change started their publishes at the post's time, not before. */
const STAGED_PUBLISHING = 'staged-publishing';

/** Workflows started before this change could not be cancelled once claimed, even while a send waited to retry. */
const CANCEL_RETRIES = 'cancel-during-retries';

/** Workflows started before this change failed a target at once when its channel's credentials were refused. */
const WAIT_FOR_RECONNECT = 'auth-failures-wait-for-reconnect';

/** How long a target refused for its channel's credentials waits for the channel to be reconnected: the retry budget of an outage. */
const RECONNECT_WAIT_MS = 24 * 60 * 60_000;

/** Workflows started before this change escalated to the step's targets even after they left the workspace. */
const ESCALATION_FALLS_BACK_TO_OWNERS = 'escalation-falls-back-to-owners';

/**
 * How long before its time a post's publishes are handed to a worker, which sends them at the time
 * itself: a burst of posts due at once then costs no workflow task at the due second.
 */
const STAGE_LEAD_MS = 60_000;

/** When staged publishes were all withdrawn but the post looks unchanged, how long before staging again. */
const RESTAGE_AFTER_MS = 60_000;

/**
 * One post, start to finish. With an approval chain, it waits in the chain first: the publish
 * timer cannot start until every step has approved. Then it waits durably until a minute before its
 * publish time (which `reschedule` can move and `cancel` can stop), stages every target's publish
 * on a worker, which claims the post two seconds ahead and publishes at the time itself, and
 * records the outcome.
 *
 * States: awaiting_approval → (changes_requested → awaiting_approval)* → scheduled → publishing →
 * published | partially_published | failed; or rejected, expired (reschedulable), cancelled.
 */
export async function publishPost(input: PostWorkflowInput): Promise<PostWorkflowStatus> {
  const chain = input.approval ? new ApprovalChain(input.approval.authorId, input.approval.steps, { distinctApprovers: input.approval.distinctApprovers }) : undefined;
  let status = (chain ? 'awaiting_approval' : 'scheduled') as PostStatus;
  let publishAt = input.publishAt;
  let woken = false;
  let campaignId = input.campaignId ?? null;
  // Held by its campaign (not yet approved, or paused): it may not publish until released.
  let held = input.held ?? false;
  // Its publishes are handed to a worker and wait there for the time: a change is saved only if the
  // post is not claimed yet (`unlessClaimed`), and then the staged publishes are called off.
  let staged = false;
  // While staged, changes are saved one at a time, each seeing the last one's outcome, so the
  // workflow's state and the database's cannot drift apart however handlers interleave.
  let lastChange: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(change: () => Promise<T>): Promise<T> => {
    const run = lastChange.then(change);
    lastChange = run.catch(() => undefined);
    return run;
  };
  const targets: PostWorkflowTargetStatus[] = input.targets.map((t) => ({ ...t, status: 'pending' }));
  // Each staged target's publish runs in a scope of its own: a cancel during retries stops those
  // waiting to retry and leaves a send on the network to finish.
  const targetScopes = new Map<string, CancellationScope>();
  let retriesCancelled = false;
  // Reconnects seen per channel: a target refused for its credentials waits for the next one.
  const reconnects: Record<string, number> = {};

  const snapshot = (): PostWorkflowStatus => ({ postId: input.postId, status, publishAt, targets: targets.map((t) => ({ ...t })) });
  const approvalSnapshot = (): ApprovalChainStatus => chain?.snapshot() ?? { state: 'none', round: 0, currentStep: null, steps: [], decisions: [] };
  const setStatus = (next: PostStatus) => {
    status = next;
    upsertSearchAttributes([{ key: SearchAttributes.postStatus, value: next }]);
  };
  // What ops see in the Temporal UI: the state, the text's first words and who the chain waits for.
  let excerpt = input.excerpt;
  const describe = (state: string = status) => {
    const parts = [`**${state}**`];
    if (excerpt !== undefined) parts.push(`"${excerpt}"`);
    if (chain && status === 'awaiting_approval' && chain.currentStep !== null) {
      const step = chain.steps[chain.currentStep]!;
      const waiting = chain.pendingApprovers().map((id) => input.people?.[id] ?? id);
      parts.push(`step ${chain.currentStep + 1} of ${chain.steps.length} ("${step.name}") waits for ${waiting.join(', ') || 'nobody'}`);
    }
    parts.push(`publish${state === 'staged' ? 'es' : ''} at ${publishAt}`, `${targets.length} channel(s)`);
    setCurrentDetails(parts.join(' · '));
  };
  const wake = () => {
    woken = true;
    describe();
  };
  const editable = () => ['awaiting_approval', 'changes_requested', 'scheduled', 'held', 'expired'].includes(status);
  /** Tells the post's campaign (if any) how it went, so the campaign can go live and complete. */
  const reportToCampaign = async () => {
    if (!campaignId) return;
    await getExternalWorkflowHandle(campaignWorkflowId(campaignId))
      .signal(postProgressSignal, { postId: input.postId, status })
      .catch(() => undefined); // a finished campaign no longer listens
  };
  const cancelNow = async (actorId?: string): Promise<boolean> => {
    setStatus('cancelled');
    wake();
    for (const t of targets) t.status = 'cancelled';
    await markPostStatus({ postId: input.postId, status: 'cancelled', actorId });
    await reportToCampaign();
    return true;
  };
  /** False when the post was claimed for publishing first (it is going out; nothing changed). */
  const cancel = async (actorId?: string): Promise<boolean> => {
    if (!staged) return cancelNow(actorId);
    return oneAtATime(async () => {
      if (!editable()) return status === 'cancelled';
      if (!staged) return cancelNow(actorId);
      if (!(await markPostStatus({ postId: input.postId, status: 'cancelled', actorId, unlessClaimed: true }))) return patched(CANCEL_RETRIES) && stopRetries(actorId);
      setStatus('cancelled');
      wake();
      for (const t of targets) t.status = 'cancelled';
      await reportToCampaign();
      return true;
    });
  };

  /**
   * Claimed, but a send failed and waits to retry: the post is cancelled, the targets not on the
   * network now are called off, and a send on the network finishes (publishWhenDue records how).
   * False while the claim's first sends are out (nothing waits to retry yet).
   */
  const stopRetries = async (actorId?: string): Promise<boolean> => {
    const outcome = await cancelRetries({ postId: input.postId, actorId });
    if (!outcome.cancelled) return false;
    retriesCancelled = true;
    setStatus('cancelled');
    wake();
    for (const t of targets) {
      if (!outcome.stopped.includes(t.targetId)) continue;
      t.status = 'cancelled';
      targetScopes.get(t.targetId)?.cancel();
    }
    return true;
  };

  /** A target refused for its channel's credentials waits for a reconnect newer than `seen`; false after RECONNECT_WAIT_MS. */
  const reconnected = (channelId: string, seen: number) => condition(() => (reconnects[channelId] ?? 0) > seen, RECONNECT_WAIT_MS);

  /**
   * Hands every target to a worker that publishes it at `publishAt`. Until the worker claims the
   * post (shortly before its time), cancel, reschedule, edit and hold still work: each saves its
   * change only if the post is unclaimed, and then the staged publishes are called off. True when
   * the post went out (each target published or failed), false when it was withdrawn.
   */
  const publishWhenDue = async (): Promise<boolean> => {
    const stagedAt = publishAt;
    const changed = () => status !== 'scheduled' || publishAt !== stagedAt;
    let holdTried = false;
    // Only publishes of this staging may claim the post; any change that calls them off moves it on.
    const stage = await announcePublishStage({ postId: input.postId });
    staged = true;
    describe('staged');
    const scope = new CancellationScope();
    const outcomes = scope.run(() =>
      Promise.all(
        targets.map((target) => {
          const own = new CancellationScope();
          targetScopes.set(target.targetId, own);
          return own.run(() => publishOneWhenDue(input.postId, target, stagedAt, stage, reconnects, reconnected));
        }),
      ),
    );
    try {
      for (;;) {
        const settled = await Promise.race([outcomes.then(() => true), condition(() => changed() || (held && !holdTried)).then(() => false)]);
        if (settled) break;
        if (changed()) {
          if (retriesCancelled) break; // the sends still on the network finish
          scope.cancel();
          break;
        }
        // A campaign pause: the post stays unpublished if it is not claimed yet (nor changed since).
        holdTried = true;
        await oneAtATime(async () => {
          if (changed()) return;
          if (await markPostStatus({ postId: input.postId, status: 'held', onlyFrom: 'scheduled' })) {
            setStatus('held');
            describe();
          }
        });
      }
      const claimed = (await outcomes).some((outcome) => outcome === 'claimed');
      if (retriesCancelled) {
        // Cancelled during retries: what a send on the network at that moment did is what happened.
        for (const t of targets) if (t.status !== 'published' && t.status !== 'failed') t.status = 'cancelled';
        const published = targets.filter((t) => t.status === 'published').length;
        if (published > 0) {
          setStatus(published === targets.length ? 'published' : 'partially_published');
          describe();
          await markPostStatusLocally({ postId: input.postId, status });
        }
        await reportToCampaign();
        return false;
      }
      if (claimed) {
        setStatus('publishing'); // at once: a change waiting its turn must find the post publishing
      } else if (!changed()) {
        // Withdrawn by a change this workflow has not applied yet: give its handler time.
        await condition(changed, RESTAGE_AFTER_MS);
      }
      return claimed;
    } finally {
      staged = false;
    }
  };

  setHandler(postStatusQuery, snapshot);
  setHandler(approvalQuery, approvalSnapshot);

  // Decisions are Updates: the validator refuses, synchronously and without a trace in history,
  // anyone who may not decide now; the handler applies one decision at a time, so two approvers
  // racing for the last slot of a step make exactly one transition.
  setHandler(
    decideUpdate,
    async (request) => {
      const { stepIndex, step } = chain!.apply(request);
      wake();
      await recordApprovalDecision({
        postId: input.postId,
        round: chain!.round,
        step: stepIndex,
        stepName: step.name,
        userId: request.userId,
        decision: request.decision,
        comment: request.comment,
        awaitingUserIds: chain!.pendingApprovers(),
      });
      return approvalSnapshot();
    },
    {
      validator: (request) => {
        if (!chain || (status !== 'awaiting_approval' && chain.state === 'pending')) throw new Error(`The post is ${status}; no approval is pending`);
        chain.validate(request, `post is ${status}`);
      },
    },
  );

  setHandler(
    rescheduleUpdate,
    async ({ publishAt: next, actorId }) => {
      const rescheduleNow = async () => {
        publishAt = new Date(next).toISOString();
        if (status === 'expired' && chain) {
          // Back into the chain where it stopped; the decisions made so far stand.
          chain.resume();
          setStatus(chain.state === 'changes_requested' ? 'changes_requested' : 'awaiting_approval');
          await markPostStatus({ postId: input.postId, status, actorId, awaitingUserIds: chain.pendingApprovers() });
        }
        wake();
        await savePostSchedule({ postId: input.postId, publishAt, actorId });
        return snapshot();
      };
      if (!staged) return rescheduleNow();
      return oneAtATime(async () => {
        if (!editable()) throw tooLate(status, 'rescheduled');
        if (!staged) return rescheduleNow();
        const moved = new Date(next).toISOString();
        if (!(await savePostSchedule({ postId: input.postId, publishAt: moved, actorId, unlessClaimed: true }))) throw tooLate(status, 'rescheduled');
        publishAt = moved;
        wake();
        return snapshot();
      });
    },
    {
      validator: ({ publishAt: next }) => {
        if (!editable()) throw new Error(`The post is ${status}; only a post that has not started publishing can be rescheduled`);
        const at = Date.parse(next);
        if (Number.isNaN(at)) throw new Error('publishAt must be an ISO-8601 date-time');
        if (at <= Date.now()) throw new Error('publishAt must be in the future');
      },
    },
  );

  setHandler(
    editUpdate,
    async ({ actorId, text, targets: texts }) => {
      const editNow = async () => {
        if (chain) {
          // New content needs new approval, from step one, whatever had been approved before; not from its editor.
          chain.restart(actorId);
          setStatus('awaiting_approval');
        }
        excerpt = excerptOf(text);
        wake();
        await savePostContent({ postId: input.postId, actorId, text, targets: texts, status, round: chain?.round ?? 0, awaitingUserIds: chain?.pendingApprovers() ?? [] });
        return snapshot();
      };
      if (!staged) return editNow();
      return oneAtATime(async () => {
        if (!editable()) throw tooLate(status, 'edited');
        if (!staged) return editNow();
        // Saved only while unclaimed; the staged publishes read the text after their claim.
        const undo = chain?.checkpoint();
        chain?.restart(actorId);
        const next = chain ? 'awaiting_approval' : undefined; // without a chain the status stays as it is
        const saved = await savePostContent({ postId: input.postId, actorId, text, targets: texts, status: next, round: chain?.round ?? 0, awaitingUserIds: chain?.pendingApprovers() ?? [], unlessClaimed: true });
        if (!saved) {
          undo?.();
          throw tooLate(status, 'edited');
        }
        if (next) setStatus(next);
        excerpt = excerptOf(text);
        wake();
        return snapshot();
      });
    },
    {
      validator: (_request) => {
        if (!editable()) throw new Error(`The post is ${status}; its content can no longer change`);
      },
    },
  );

  setHandler(
    cancelUpdate,
    async ({ actorId }) => {
      if (!(await cancel(actorId))) throw tooLate(status, 'cancelled');
      return snapshot();
    },
    {
      validator: (_request) => {
        if (!editable()) throw new Error(`The post is ${status}; only a post that has not started publishing can be cancelled`);
      },
    },
  );

  setHandler(holdSignal, () => {
    if (editable()) {
      held = true;
      wake();
    }
  });
  setHandler(releaseSignal, async ({ publishAt: next }) => {
    if (!held) return;
    held = false;
    wake();
    if (next && editable()) {
      const moved = new Date(next).toISOString();
      if (staged) {
        await oneAtATime(async () => {
          if (!editable()) return;
          if (await savePostSchedule({ postId: input.postId, publishAt: moved, unlessClaimed: staged })) publishAt = moved;
        });
        return;
      }
      publishAt = moved;
      await savePostSchedule({ postId: input.postId, publishAt });
    }
  });
  setHandler(campaignCancelledSignal, async () => {
    if (editable()) await cancel();
  });
  setHandler(cancelSignal, async () => {
    if (editable()) await cancel();
  });
  setHandler(channelReconnectedSignal, ({ channelId }) => {
    reconnects[channelId] = (reconnects[channelId] ?? 0) + 1;
  });
  setHandler(joinCampaignSignal, ({ campaignId: joined, held: holdNow }) => {
    campaignId = joined;
    if (holdNow && editable()) held = true;
    wake();
  });

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

  for (;;) {
    if (chain && (status === 'awaiting_approval' || status === 'changes_requested')) {
      const state = chain.state as ApprovalChainStatus['state']; // handlers change it while we wait
      if (state === 'approved' || state === 'rejected') {
        const outcome: PostStatus = state === 'approved' ? 'scheduled' : 'rejected';
        const publishNow = outcome === 'scheduled' && input.publishOnApproval;
        if (publishNow) publishAt = new Date(Date.now()).toISOString();
        setStatus(outcome);
        describe();
        // The time it publishes at is saved with it: a staged publish is claimed for that time.
        await markPostStatus({ postId: input.postId, status: outcome, ...(publishNow ? { publishAt } : {}) });
        if (outcome === 'rejected') await reportToCampaign();
        continue;
      }
      if (state === 'changes_requested' && status === 'awaiting_approval') {
        setStatus('changes_requested');
        describe();
        await markPostStatus({ postId: input.postId, status: 'changes_requested' });
        continue;
      }
      for (const due of chain.dueNotifications()) {
        if (due.kind === 'approval.escalated') {
          // Targets resolved when the post was made may have left since: then the owners decide.
          if (chain.steps[due.step]!.escalateToUserIds && patched(ESCALATION_FALLS_BACK_TO_OWNERS)) Object.assign(due, await currentEscalationTargets({ workspaceId: input.workspaceId, userIds: due.recipientIds, excludeUserIds: [input.approval!.authorId] }));
          chain.escalate(due);
        }
        await notifyApprovers({ postId: input.postId, ...due });
      }
      const untilPublish = Date.parse(publishAt) - Date.now();
      if (untilPublish <= 0 && !input.publishOnApproval) {
        // Its time passed before the chain approved: never publish unapproved, never late by surprise.
        chain.state = 'expired';
        setStatus('expired');
        describe();
        await markPostStatus({ postId: input.postId, status: 'expired' });
        await reportToCampaign();
        continue;
      }
      const deadline = chain.nextDeadline();
      const limits = [...(input.publishOnApproval ? [] : [untilPublish]), ...(deadline !== undefined ? [Math.max(0, deadline - Date.now())] : [])];
      woken = false;
      if (limits.length === 0) await condition(() => woken);
      else await condition(() => woken, Math.min(...limits));
      continue;
    }

    if (status === 'expired') {
      if (!patched(EXPIRED_WAITS_FOR_RESCHEDULE)) break;
      // Listed as expired until someone reschedules (back into the chain), edits or cancels it.
      await condition(() => status !== 'expired');
      continue;
    }

    if (status === 'held' || (status === 'scheduled' && held)) {
      if (held) {
        if (status !== 'held') {
          setStatus('held');
          describe();
          await markPostStatus({ postId: input.postId, status: 'held' });
        }
        woken = false;
        await condition(() => woken);
        continue;
      }
      setStatus('scheduled');
      describe();
      await markPostStatus({ postId: input.postId, status: 'scheduled' });
      continue;
    }

    if (status === 'scheduled') {
      if (patched(STAGED_PUBLISHING)) {
        const untilStaging = Date.parse(publishAt) - STAGE_LEAD_MS - Date.now();
        if (untilStaging > 0) {
          woken = false;
          await condition(() => woken, untilStaging);
          continue;
        }
        // Withdrawn: cancelled, moved, edited back into approval or held before its claim.
        if (!(await publishWhenDue())) continue;
      } else {
        const wait = Date.parse(publishAt) - Date.now();
        if (wait > 0) {
          woken = false;
          await condition(() => woken, wait);
          continue;
        }
        setStatus('publishing');
        describe();
        if (patched(LEAN_PUBLISHING)) {
          // Bookkeeping as local activities, beside the publishes rather than before them: a burst of
          // posts due at once costs the server two workflow tasks each instead of five.
          await Promise.all([
            markPostStatusLocally({ postId: input.postId, status: 'publishing' }).then(reportToCampaign),
            ...targets.map((target) => publishOne(input.postId, target)),
          ]);
        } else {
          await markPostStatus({ postId: input.postId, status: 'publishing' });
          await reportToCampaign();
          await Promise.all(targets.map((target) => publishOne(input.postId, target)));
        }
      }
      const published = targets.filter((t) => t.status === 'published').length;
      setStatus(published === targets.length ? 'published' : published === 0 ? 'failed' : 'partially_published');
      describe();
      if (patched(LEAN_PUBLISHING)) await markPostStatusLocally({ postId: input.postId, status });
      else await markPostStatus({ postId: input.postId, status });
      await reportToCampaign();
    }
    break;
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

/**
 * Publishes one target at its time through a staged activity; 'withdrawn' when it did not claim the
 * post. (Its failures come after the claim: before it, the activity only waits and retries.) Refused
 * credentials hold the target until its channel is reconnected (`reconnected`), then it tries again.
 */
async function publishOneWhenDue(
  postId: string,
  target: PostWorkflowTargetStatus,
  publishAt: string,
  stage: number,
  reconnects: Record<string, number>,
  reconnected: (channelId: string, seen: number) => Promise<boolean>,
): Promise<'claimed' | 'withdrawn'> {
  for (;;) {
    const seen = reconnects[target.channelId] ?? 0;
    try {
      const result = await publishTargetWhenDue({ postId, targetId: target.targetId, publishAt, stage });
      if (result.withdrawn) return 'withdrawn';
      target.status = 'published';
      target.externalId = result.externalId;
      target.url = result.url;
      target.error = undefined;
    } catch (err) {
      if (isCancellation(err)) return 'withdrawn';
      target.error = failureReason(err);
      if (isAuthFailure(err) && patched(WAIT_FOR_RECONNECT)) {
        target.status = 'publishing';
        try {
          if (await reconnected(target.channelId, seen)) continue;
        } catch (waitErr) {
          if (isCancellation(waitErr)) return 'withdrawn';
          throw waitErr;
        }
        target.error = `${target.error} (the channel was not reconnected within 24 hours)`;
      }
      target.status = 'failed';
      const reason = target.error;
      await CancellationScope.nonCancellable(() => recordTargetFailure({ targetId: target.targetId, reason }));
    }
    return 'claimed';
  }
}

function isAuthFailure(err: unknown): boolean {
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === FailureType.ChannelAuthFailed;
}

/**
 * An Update that came too late for a staged post: it was claimed for publishing first (its status
 * here may still say scheduled), or another change made while this one waited its turn ended it.
 */
function tooLate(status: PostStatus, what: string): ApplicationFailure {
  const publishing = status === 'scheduled' || status === 'publishing';
  return ApplicationFailure.create({
    type: FailureType.PublishingStarted,
    message: publishing ? `The post is publishing (claimed a moment before its time); it can no longer be ${what}` : `The post is ${status}; it can no longer be ${what}`,
    nonRetryable: true,
  });
}

function failureReason(err: unknown): string {
  if (err instanceof ActivityFailure) {
    if (err.cause instanceof ApplicationFailure) return err.cause.message;
    if (err.cause instanceof TimeoutFailure) return 'Gave up after retrying for 24 hours; the network stayed unavailable';
    return err.cause?.message ?? err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
