import { allHandlersFinished, ApplicationFailure, condition, patched, setHandler } from '@temporalio/workflow';
import { approvalQuery, decideUpdate } from '../contracts/approval';
import {
  campaignCancelledSignal,
  cancelSignal,
  cancelUpdate,
  channelReconnectedSignal,
  editUpdate,
  holdSignal,
  joinCampaignSignal,
  postStatusQuery,
  releaseSignal,
  rescheduleUpdate,
  type PostWorkflowInput,
  type PostWorkflowStatus,
} from '../contracts/post';
import { FailureType } from '../contracts/shared';
import {
  confirmPostStored,
  confirmPostStoredLocally,
  currentEscalationTargets,
  markPostStatus,
  markPostStatusLocally,
  notifyApprovers,
} from './post/activities';
import { publishWhenDue } from './post/staged';
import { PostState } from './post/state';
import { publishOne } from './post/targets';

/** Workflows started before this change awaited the 'publishing' mark before publishing, as normal activities. */
const LEAN_PUBLISHING = 'lean-publishing-bookkeeping';

/** Workflows started before this change ended when approval expired; newer ones wait for a reschedule. */
const EXPIRED_WAITS_FOR_RESCHEDULE = 'expired-posts-wait-for-reschedule';

/** Workflows started before this change started their publishes at the post's time, not before. */
const STAGED_PUBLISHING = 'staged-publishing';

/** Workflows started before this change escalated to the step's targets even after they left the workspace. */
const ESCALATION_FALLS_BACK_TO_OWNERS = 'escalation-falls-back-to-owners';

/** Workflows started before this change checked the post was stored with an activity of its own (a workflow task more). */
const CONFIRM_LOCALLY = 'confirm-post-stored-locally';

/** Workflows started before this change waited for their handlers without end, even one retrying forever. */
const HANDLERS_BOUNDED = 'post-outlives-no-handler';

/** How long a finished post's workflow waits for an Update still saving a change (one the post no longer needs). */
const HANDLERS_GRACE_MS = 60_000;

/**
 * One post, start to finish. With an approval chain, it waits in the chain first: the publish
 * timer cannot start until every step has approved. Then it waits durably until two to six
 * minutes before its publish time (which `reschedule` can move and `cancel` can stop), stages every
 * target's publish on a worker, which claims the post two seconds ahead and publishes at the time
 * itself, and records the outcome.
 *
 * States: awaiting_approval → (changes_requested → awaiting_approval)* → scheduled → publishing →
 * published | partially_published | failed; or rejected, expired (reschedulable), cancelled.
 *
 * The state and what each message does to it live in PostState; this function wires the messages
 * to it and runs the main loop.
 */
export async function publishPost(input: PostWorkflowInput): Promise<PostWorkflowStatus> {
  const post = new PostState(input);

  setHandler(postStatusQuery, () => post.snapshot());
  setHandler(approvalQuery, () => post.approvalSnapshot());
  setHandler(decideUpdate, (request) => post.decide(request), {
    validator: (request) => post.validateDecision(request),
  });
  setHandler(rescheduleUpdate, (request) => post.reschedule(request), {
    validator: (request) => post.validateReschedule(request),
  });
  setHandler(editUpdate, (request) => post.edit(request), { validator: (_request) => post.validateEdit() });
  setHandler(cancelUpdate, (request) => post.cancelByUpdate(request), {
    validator: (_request) => post.validateCancel(),
  });
  setHandler(holdSignal, () => post.hold());
  setHandler(releaseSignal, (request) => post.release(request));
  setHandler(campaignCancelledSignal, () => post.cancelIfEditable());
  setHandler(cancelSignal, () => post.cancelIfEditable());
  setHandler(channelReconnectedSignal, ({ channelId }) => post.channelReconnected(channelId));
  setHandler(joinCampaignSignal, (request) => post.joinCampaign(request));

  post.describe();
  try {
    await (patched(CONFIRM_LOCALLY) ? confirmPostStoredLocally : confirmPostStored)({ postId: input.postId });
  } catch (err) {
    throw ApplicationFailure.create({
      type: FailureType.PostNotFound,
      message: `Post ${input.postId} was never stored (its request rolled back); nothing to publish`,
      nonRetryable: true,
      cause: err instanceof Error ? err : undefined,
    });
  }

  for (;;) {
    const chain = post.pendingChain();
    if (chain) {
      const state = chain.state; // handlers change it while we wait
      if (state === 'approved' || state === 'rejected') {
        await post.settleChain(state === 'approved' ? 'scheduled' : 'rejected');
        if (state === 'rejected') await post.reportToCampaign();
        continue;
      }
      if (state === 'changes_requested' && post.status === 'awaiting_approval') {
        await post.mark('changes_requested');
        continue;
      }
      for (const due of chain.dueNotifications()) {
        if (due.kind === 'approval.escalated') {
          // Targets resolved when the post was made may have left since: then the owners decide.
          if (chain.steps[due.step]!.escalateToUserIds && patched(ESCALATION_FALLS_BACK_TO_OWNERS))
            Object.assign(
              due,
              await currentEscalationTargets({
                workspaceId: input.workspaceId,
                userIds: due.recipientIds,
                excludeUserIds: [input.approval!.authorId],
              }),
            );
          chain.escalate(due);
        }
        await notifyApprovers({ postId: input.postId, ...due });
      }
      if (post.approvalTooLate()) {
        await post.expire();
        await post.reportToCampaign();
        continue;
      }
      await post.sleep(post.approvalWait());
      continue;
    }

    if (post.status === 'expired') {
      if (!patched(EXPIRED_WAITS_FOR_RESCHEDULE)) break;
      // Listed as expired until someone reschedules (back into the chain), edits or cancels it.
      await condition(() => post.status !== 'expired');
      continue;
    }

    if (post.status === 'held' || (post.status === 'scheduled' && post.held)) {
      if (post.held) {
        if (post.status !== 'held') await post.mark('held');
        await post.sleep();
        continue;
      }
      await post.mark('scheduled');
      continue;
    }

    if (post.status === 'scheduled') {
      if (patched(STAGED_PUBLISHING)) {
        const untilStaging = post.untilStaging();
        if (untilStaging > 0) {
          await post.sleep(untilStaging);
          continue;
        }
        // Withdrawn: cancelled, moved, edited back into approval or held before its claim.
        if (!(await publishWhenDue(post))) continue;
      } else {
        const wait = Date.parse(post.publishAt) - Date.now();
        if (wait > 0) {
          await post.sleep(wait);
          continue;
        }
        post.setStatus('publishing');
        post.describe();
        if (patched(LEAN_PUBLISHING)) {
          // Bookkeeping as local activities, beside the publishes rather than before them: a burst of
          // posts due at once costs the server two workflow tasks each instead of five.
          await Promise.all([
            markPostStatusLocally({ postId: input.postId, status: 'publishing' }).then(() => post.reportToCampaign()),
            ...post.targets.map((target) => publishOne(input.postId, target)),
          ]);
        } else {
          await markPostStatus({ postId: input.postId, status: 'publishing' });
          await post.reportToCampaign();
          await Promise.all(post.targets.map((target) => publishOne(input.postId, target)));
        }
      }
      post.settlePublishing();
      if (patched(LEAN_PUBLISHING)) await markPostStatusLocally({ postId: input.postId, status: post.status });
      else await markPostStatus({ postId: input.postId, status: post.status });
      await post.reportToCampaign();
    }
    break;
  }

  if (patched(HANDLERS_BOUNDED)) {
    // The post is done: a change still being saved gets a while, then the workflow ends regardless.
    if (!allHandlersFinished()) await condition(allHandlersFinished, HANDLERS_GRACE_MS);
  } else await condition(allHandlersFinished);
  return post.snapshot();
}
