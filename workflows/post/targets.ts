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
import { publishTarget, publishTargetWhenDue, recordTargetFailure } from './activities';

/** Workflows started before this change failed a target at once when its channel's credentials were refused. */
const WAIT_FOR_RECONNECT = 'auth-failures-wait-for-reconnect';

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
 * credentials hold the target until its channel is reconnected (`reconnected`), then it tries again.
 */
export async function publishOneWhenDue(
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
