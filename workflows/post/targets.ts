import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  patched,
  TimeoutFailure,
} from '@temporalio/workflow';
import { type PostWorkflowTargetStatus } from '../../contracts/post';
import { FailureType } from '../../contracts/shared';
import { publishTarget, publishTargetWhenDue, recordTargetFailure, remindHeldPost } from './activities';

/** Workflows started before this change failed a target at once when its channel's credentials were refused. */
const WAIT_FOR_RECONNECT = 'auth-failures-wait-for-reconnect';

/** Workflows started before this change failed a target held for its channel after 24 hours; newer ones hold it until a reconnect. */
const HELD_UNTIL_RECONNECT = 'held-until-reconnect';

/** Publishes one target now (workflows started before staged publishing). */
export async function publishOne(postId: string, target: PostWorkflowTargetStatus): Promise<void> {
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
 * credentials hold the target until its channel is reconnected (`reconnected`), however long that
 * takes, reminding owners and admins meanwhile; then it tries again (at once, if its time has
 * passed). A cancel ends the wait (the target's scope is cancelled); removing the channel tells the
 * post as a reconnect does, and the next try fails the target as `ChannelRemoved`.
 */
export async function publishOneWhenDue(
  postId: string,
  target: PostWorkflowTargetStatus,
  publishAt: string,
  stage: number,
  reconnects: Record<string, number>,
  reconnected: (channelId: string, seen: number, ms?: number) => Promise<boolean>,
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
          if (patched(HELD_UNTIL_RECONNECT)) {
            await heldUntilReconnect(postId, target, seen, reconnected);
            continue;
          }
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

/**
 * Waits for the target's channel to be reconnected (a reconnect newer than `seen`), with no end:
 * owners and admins are told at the start (unless the channel's refusal told them) and reminded
 * each `remindAgainInMs` (a day) while it waits. A reminder that cannot be sent does not end the wait.
 */
async function heldUntilReconnect(
  postId: string,
  target: PostWorkflowTargetStatus,
  seen: number,
  reconnected: (channelId: string, seen: number, ms?: number) => Promise<boolean>,
): Promise<void> {
  const { channelId, targetId } = target;
  for (let reminder = 0; ; reminder++) {
    let remindAgainInMs: number | undefined;
    try {
      ({ remindAgainInMs } = await remindHeldPost({ postId, targetId, channelId, reminder }));
    } catch (err) {
      if (isCancellation(err)) throw err;
    }
    if (await reconnected(channelId, seen, remindAgainInMs ?? HELD_REMINDER_FALLBACK_MS)) return;
  }
}

/** When a reminder could not be sent, the next one is tried after this. */
const HELD_REMINDER_FALLBACK_MS = 24 * 60 * 60_000;

function isAuthFailure(err: unknown): boolean {
  return (
    err instanceof ActivityFailure &&
    err.cause instanceof ApplicationFailure &&
    err.cause.type === FailureType.ChannelAuthFailed
  );
}

function failureReason(err: unknown): string {
  if (err instanceof ActivityFailure) {
    if (err.cause instanceof ApplicationFailure) return err.cause.message;
    if (err.cause instanceof TimeoutFailure)
      return 'Gave up after retrying for 24 hours; the network stayed unavailable';
    return err.cause?.message ?? err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
