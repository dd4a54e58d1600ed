import { ApplicationFailure, CompleteAsyncError, Context } from '@temporalio/activity';
import { ApplicationFailureCategory } from '@temporalio/common';
import type { PublishMedia, PublishResult } from '../channels/adapter';
import type { ChannelAdapters } from '../channels/registry';
import { ChannelError } from '../channels/errors';
import type { Db } from '../db/database';
import type { PostStatus } from '../db/posts.types';
import {
  findPostMedia,
  findTargetToPublish,
  markTargetFailed,
  markTargetPublishing,
  postExists,
  recordPostApprovalDecision,
  savePostSchedule,
  savePostStatus,
  setTargetLastError,
} from '../db/posts';
import { findChannelSendState, recordChannelFailure } from '../db/channels';
import { findTargetNetworkState, saveTargetNetworkState } from '../db/publish-network-state';
import { isOAuthProvider } from '../contracts/domain';
import { DeliveryRecorder } from '../db/post-deliveries';
import {
  announcePublishStage,
  cancelRetries,
  ClaimBatcher,
  endFailedSend,
  type RetriesCancelled,
} from '../db/post-claims';
import type { Sealer } from '../db/sealing';
import { shortLinkCampaignOf, targetShortLinks } from '../db/short-links';
import { linksIn, newShortLinkCode, shortUrl, withShortLinks } from '../content/short-links';
import type { MediaStorage } from '../content/media';
import { Unavailable } from '../contracts/errors';
import { DEFAULT_APP_URL, FailureType } from '../contracts/shared';
import type { DecisionKind } from '../contracts/approval';
import type { PublishHold } from '../services/publish-leases';
import type { PublishWaits } from '../services/publish-waits';

export interface PublishingDeps {
  db: Db;
  adapters: ChannelAdapters;
  sealer: Sealer;
  /** Where uploaded media are (the API stores them; publishing reads them). */
  media: MediaStorage;
  /** Told of each target once its delivery is recorded (the analytics collector); must not throw or block. */
  onPublished?: (published: { workspaceId: string; targetId: string }) => void;
  /** Where Chorus's short links (`/l/<code>`) are served: CHORUS_APP_URL; default DEFAULT_APP_URL. */
  appUrl?: string;
  /**
   * Where staged publishes wait, noted under the worker process's lease, without an activity in
   * flight (workers/worker.ts always gives one); unset (tests calling activities directly): they
   * wait in their activity, and a lost worker's are retried only after their start-to-close timeout.
   */
  publishWaits?: PublishWaits;
}

/**
 * A staged post is claimed this long before its time: from the claim on it can no longer be
 * cancelled, moved or edited, and its publishes go out at the time itself.
 */
export const CLAIM_AHEAD_MS = 2_000;
/** Pauses between attempts to record a delivery while the database is unreachable (the activity's own timeout bounds them). */
const RECORD_RETRY_FIRST_MS = 250;
const RECORD_RETRY_MAX_MS = 5_000;

/**
 * A publish heartbeats this often while it sends, well inside its heartbeat timeout
 * (workflows/post/activities.ts), so that a lost worker's publishes move to another within seconds.
 * (Staged publishes scheduled before publish leases heartbeat while they wait too.)
 */
const HEARTBEAT_EVERY_MS = 1_000;

/** What a staged publish came to: published, or given up because the post changed before its claim. */
export type StagedPublishResult = ({ withdrawn: false } & PublishResult) | { withdrawn: true };

/** A target as publishing needs it, loaded and checked ahead of the network call. */
interface LoadedTarget {
  workspaceId: string;
  postId: string;
  targetId: string;
  channelId: string;
  channelName: string;
  /** An OAuth channel: its tokens are renewed under it, so they are read again right before the send. */
  oauth: boolean;
  adapter: ChannelAdapters[keyof ChannelAdapters];
  credentialsSealed: string;
  /** Why the channel cannot be sent to until it is reconnected (needs_reconnect); null when it can. */
  needsReconnect: string | null;
  text: string;
  publishAt: Date;
  idempotencyKey: string;
  media: PublishMedia[];
  /** The short links in `text` (a campaign with short links on), each with the URL it stands for. */
  shortLinks?: Map<string, string>;
}

/** The I/O of scheduled publishing. Every activity here is safe to run twice. */
export function createPublishingActivities({
  db,
  adapters,
  sealer,
  media,
  onPublished,
  appUrl = DEFAULT_APP_URL,
  publishWaits,
}: PublishingDeps) {
  const claims = new ClaimBatcher(db);
  const deliveries = new DeliveryRecorder(db);

  /**
   * Loads a target; its stored result when it was published already. A removed channel fails it,
   * unless the caller checks that later (a staged publish, at its claim: until then the post may
   * still be called off, and its other targets must not be failed for it).
   */
  async function loadTarget(
    postId: string,
    targetId: string,
    { channelCheckedLater = false } = {},
  ): Promise<LoadedTarget | { published: PublishResult }> {
    const row = await findTargetToPublish(db, postId, targetId);
    if (!row)
      throw ApplicationFailure.nonRetryable(
        `Target ${targetId} of post ${postId} does not exist`,
        FailureType.PostNotFound,
      );
    if (row.status === 'published' && row.external_id)
      return { published: { externalId: row.external_id, url: row.external_url } };
    if (row.deleted_at && !channelCheckedLater) throw channelRemoved(row.channelName);
    const attached = (await findPostMedia(db, [postId])).map((m) => ({ ...m, read: () => media.get(m.storageKey) }));
    return {
      workspaceId: row.workspace_id,
      postId,
      targetId,
      channelId: row.channel_id,
      channelName: row.channelName,
      oauth: isOAuthProvider(row.provider),
      adapter: adapters[row.provider],
      credentialsSealed: row.credentials_sealed,
      needsReconnect: row.channelStatus === 'needs_reconnect' ? (row.channelError ?? 'its access was refused') : null,
      text: row.text,
      publishAt: row.publish_at,
      idempotencyKey: row.idempotency_key,
      media: attached,
    };
  }

  /** Refuses, for good, content the network would refuse. */
  function checkContent(target: LoadedTarget): void {
    const problems = [...target.adapter.validate(target.text), ...target.adapter.validateMedia(target.media)];
    if (problems.length > 0) throw ApplicationFailure.nonRetryable(problems.join('; '), FailureType.InvalidContent);
  }

  /**
   * A post of a campaign with short links on goes out with each link as a Chorus short link: one
   * per target and URL (the URL as stored, the campaign's UTM tags for this channel included), made
   * at the first attempt and found again by every retry, so the text sent is the same each time.
   */
  async function shortenLinks(target: LoadedTarget): Promise<void> {
    const urls = linksIn(target.text);
    if (urls.length === 0) return;
    const campaignId = await shortLinkCampaignOf(db, target.postId);
    if (!campaignId) return;
    const codes = await targetShortLinks(db, {
      workspaceId: target.workspaceId,
      targetId: target.targetId,
      postId: target.postId,
      channelId: target.channelId,
      campaignId,
      urls,
      newCode: newShortLinkCode,
    });
    const shortened = withShortLinks(
      target.text,
      (url) => {
        const code = codes.get(url);
        return code === undefined ? undefined : shortUrl(appUrl, code);
      },
      (text) => target.adapter.validate(text),
    );
    target.text = shortened.text;
    target.shortLinks = shortened.replaced;
  }

  /** The network call, and its outcome recorded on the target and on its channel's health. */
  async function sendTarget(target: LoadedTarget, attempt: number, pause: Pause): Promise<PublishResult> {
    if (target.oauth) {
      // A staged send was loaded up to a minute ago: the token workflow may have renewed the tokens
      // (some networks end the old access token then) or found the grant refused since.
      const now = await findChannelSendState(db, target.channelId);
      target.credentialsSealed = now.credentials_sealed;
      target.needsReconnect = now.status === 'needs_reconnect' ? (now.last_error ?? 'its access was refused') : null;
    }
    if (target.needsReconnect !== null) {
      // Not sent with credentials the network no longer takes: held (as after refused credentials)
      // until the channel is reconnected, which tells this post's workflow.
      const message = `${target.channelName}: the channel needs reconnecting (${target.needsReconnect}); the post waits until an owner or admin reconnects it`;
      await setTargetLastError(db, target.targetId, message);
      throw ApplicationFailure.create({
        type: FailureType.ChannelAuthFailed,
        message,
        nonRetryable: true,
        category: ApplicationFailureCategory.BENIGN,
      });
    }
    let result: PublishResult;
    try {
      result = await target.adapter.publish(sealer.open(target.credentialsSealed), {
        postId: target.postId,
        targetId: target.targetId,
        text: target.text,
        publishAt: target.publishAt.toISOString(),
        idempotencyKey: target.idempotencyKey,
        isRetry: attempt > 1,
        media: target.media,
        ...(target.shortLinks?.size ? { shortLinks: Object.fromEntries(target.shortLinks) } : {}),
        networkState: {
          saved: await findTargetNetworkState(db, target.targetId),
          save: (state) => saveTargetNetworkState(db, target.targetId, state),
        },
      });
    } catch (err) {
      const failure = toApplicationFailure(err, target.channelName);
      // Keep the latest reason visible while Temporal retries.
      await setTargetLastError(db, target.targetId, failure.message);
      // Failures of the channel, not of this post's content, count against its health.
      if (CHANNEL_FAILURES.has(failure.type ?? ''))
        await recordChannelFailure(db, target.channelId, {
          error: failure.message,
          authFailed: failure.type === FailureType.ChannelAuthFailed,
        });
      throw failure;
    }
    // Delivered: recorded at once, so that a retry after a lost worker does not send it again. While
    // the database is unreachable the record is tried again here, not the attempt: its retry would
    // find the target unpublished and send it again (bench/drills postgres-restart).
    const delivery = { targetId: target.targetId, channelId: target.channelId, ...result };
    for (let pauseMs = RECORD_RETRY_FIRST_MS; ; pauseMs = Math.min(pauseMs * 2, RECORD_RETRY_MAX_MS)) {
      try {
        await deliveries.record(delivery);
        onPublished?.({ workspaceId: target.workspaceId, targetId: target.targetId });
        return result;
      } catch (err) {
        if (!(err instanceof Unavailable)) throw err;
        await pause(pauseMs);
      }
    }
  }

  /**
   * Publishes one target of a staged post at its time, from a worker that has held it since two
   * to six minutes before: loads and checks it, waits (none left when it waited in the worker's
   * publish waits, which run it at its claim), claims the post (unless a cancel, reschedule, edit
   * or hold changed it first: then it is `withdrawn` and publishes nothing) and sends it at
   * `publishAt`, so a burst of posts due at once reaches the networks on time instead of queueing
   * behind the workflow tasks that would otherwise start each publish. With `hold`, it does not
   * claim once its worker's lease was lost (the publish was handed to another worker).
   */
  async function publishWhenDue(
    { postId, targetId, publishAt, stage }: { postId: string; targetId: string; publishAt: string; stage: number },
    { attempt, pause, hold }: { attempt: number; pause: Pause; hold?: PublishHold },
  ): Promise<StagedPublishResult> {
    const target = await loadTarget(postId, targetId, { channelCheckedLater: true });
    if ('published' in target) return { withdrawn: false, ...target.published };
    const due = Date.parse(publishAt);
    // Until the claim, a change to the post calls this publish off: the workflow cancels it (heard
    // here only by a publish that heartbeats) and the change moved the publish stage on, so the
    // claim below is refused.
    const untilClaim = due - CLAIM_AHEAD_MS - Date.now();
    if (untilClaim > 0) await pause(untilClaim);
    if (hold?.lost())
      throw ApplicationFailure.retryable(
        `This worker's lease lapsed while the publish of target ${targetId} waited: another worker has it`,
        FailureType.WorkerLost,
      );
    const claim = await claims.claim({ postId, publishAt, stage, targetId, attempt });
    if (!claim.claimed) return { withdrawn: true };
    // Claimed: this post goes out now, whatever is asked of it from here on.
    if (claim.channelRemoved) throw channelRemoved(target.channelName);
    target.text = claim.text; // as edited up to the claim
    checkContent(target);
    await shortenLinks(target);
    const untilDue = due - Date.now();
    if (untilDue > 0) await new Promise((resolve) => setTimeout(resolve, untilDue));
    try {
      return { withdrawn: false, ...(await sendTarget(target, attempt, pause)) };
    } catch (err) {
      // Cancelled while this send was on the network: it failed, so the target ends cancelled.
      if (await endFailedSend(db, { postId, targetId, stage })) return { withdrawn: true };
      throw err;
    }
  }

  return {
    async confirmPostStored({ postId }: { postId: string }): Promise<void> {
      if (!(await postExists(db, postId)))
        throw ApplicationFailure.retryable(`Post ${postId} is not in the database (yet)`, FailureType.PostNotFound);
    },

    /**
     * Moves a post. With `unlessClaimed` (a staged post), only if no publish has claimed it: returns
     * false, changing nothing, when one has.
     */
    async savePostSchedule(input: {
      postId: string;
      publishAt: string;
      actorId?: string;
      unlessClaimed?: boolean;
    }): Promise<boolean> {
      return savePostSchedule(db, input);
    },

    /**
     * Sets a post's status (and its publish time, when given). For a staged post, `unlessClaimed`
     * saves it only if no publish has claimed the post, `onlyFrom` only from that status: either
     * returns false, changing nothing, otherwise.
     */
    async markPostStatus(input: {
      postId: string;
      status: PostStatus;
      actorId?: string;
      awaitingUserIds?: string[];
      unlessClaimed?: boolean;
      onlyFrom?: PostStatus;
      publishAt?: string;
    }): Promise<boolean> {
      const { postId, status, actorId, awaitingUserIds, onlyFrom, publishAt } = input;
      const unlessClaimed = input.unlessClaimed || onlyFrom !== undefined;
      return savePostStatus(db, { postId, status, actorId, awaitingUserIds, unlessClaimed, onlyFrom, publishAt });
    },

    /** Stores one approval decision (once, whatever the retries) and who the chain waits on next. */
    async recordApprovalDecision(input: {
      postId: string;
      round?: number;
      step: number;
      stepName: string;
      userId: string;
      decision: DecisionKind;
      comment?: string;
      awaitingUserIds: string[];
    }): Promise<void> {
      await recordPostApprovalDecision(db, input);
    },

    async recordTargetFailure({ targetId, reason }: { targetId: string; reason: string }): Promise<void> {
      await markTargetFailed(db, targetId, reason);
    },

    /** Cancels a claimed post whose send waits to retry (see `cancelRetries`); refuses while its first sends are out. */
    async cancelRetries({ postId, actorId }: { postId: string; actorId?: string }): Promise<RetriesCancelled> {
      return cancelRetries(db, { postId, actorId });
    },

    /** Starts a new staging of the post's publishes; returns its number (see `announcePublishStage`). */
    async announcePublishStage({ postId }: { postId: string }): Promise<number> {
      return announcePublishStage(db, postId);
    },

    /**
     * Publishes one target. Safe to retry: a target already marked published returns its stored
     * result, and the adapter's idempotency key makes the network refuse a second copy.
     */
    async publishTarget({ postId, targetId }: { postId: string; targetId: string }): Promise<PublishResult> {
      return heartbeating(async () => {
        const target = await loadTarget(postId, targetId);
        if ('published' in target) return target.published;
        const attempt = Context.current().info.attempt;
        await markTargetPublishing(db, targetId, attempt);
        checkContent(target);
        await shortenLinks(target);
        return sendTarget(target, attempt, activityPause);
      });
    },

    /**
     * Publishes one target of a staged post at its time (see `publishWhenDue`). It waits in the
     * worker's publish waits, noted under its publish lease instead of heartbeating, and completes
     * asynchronously at its claim: the wait costs the Temporal server nothing and the worker a timer
     * (no activity in flight), and a lost worker's publishes are still handed on within seconds.
     */
    async publishTargetWhenDue(input: {
      postId: string;
      targetId: string;
      publishAt: string;
      stage: number;
    }): Promise<StagedPublishResult> {
      const { info } = Context.current();
      const { attempt } = info;
      // Scheduled with a heartbeat timeout (by a workflow before publish leases): heartbeats, as then.
      if (info.heartbeatTimeoutMs) return heartbeating(() => publishWhenDue(input, { attempt, pause: activityPause }));
      if (!publishWaits) return publishWhenDue(input, { attempt, pause: activityPause });
      const staged = {
        taskToken: info.taskToken,
        targetId: input.targetId,
        claimAt: Date.parse(input.publishAt) - CLAIM_AHEAD_MS,
        // Its names only: the activity's info itself is not kept for the wait.
        activity: { activityType: info.activityType, attempt, workflowExecution: info.workflowExecution },
      };
      await publishWaits.stage(staged, (hold, pause) => publishWhenDue(input, { attempt, pause, hold }));
      throw new CompleteAsyncError();
    },
  };
}

export type PublishingActivities = ReturnType<typeof createPublishingActivities>;

/** Waits within an activity: heartbeats go on, and a cancel ends the wait. */
type Pause = (ms: number) => Promise<void>;
const activityPause: Pause = (ms) => Context.current().sleep(ms);

/** Runs `work` heartbeating every HEARTBEAT_EVERY_MS: the server learns within seconds when its worker is lost. */
async function heartbeating<T>(work: () => Promise<T>): Promise<T> {
  const context = Context.current();
  context.heartbeat();
  const heartbeat = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
  }
}

/** Failure types that say the channel itself is in trouble (not the post). */
const CHANNEL_FAILURES = new Set<string>([
  FailureType.ChannelUnavailable,
  FailureType.RateLimited,
  FailureType.ChannelAuthFailed,
]);

function channelRemoved(channelName: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `Channel "${channelName}" was removed before the post went out`,
    FailureType.ChannelRemoved,
  );
}

/** A network's refusal or failure as the ApplicationFailure the workflows act on (Retry-After as nextRetryDelay). */
export function toApplicationFailure(err: unknown, channelName: string): ApplicationFailure {
  if (!(err instanceof ChannelError)) {
    // Unexpected: retried like an outage, but logged with its stack.
    return ApplicationFailure.retryable(
      `${channelName}: ${err instanceof Error ? err.message : String(err)}`,
      FailureType.ChannelUnavailable,
    );
  }
  // Expected outcomes of talking to a network: BENIGN, so the worker logs each in one line (workers/worker.ts).
  const failure = (type: FailureType, nonRetryable: boolean, nextRetryDelay?: number) =>
    ApplicationFailure.create({
      type,
      message: `${channelName}: ${err.message}`,
      nonRetryable,
      nextRetryDelay,
      category: ApplicationFailureCategory.BENIGN,
    });
  switch (err.kind) {
    case 'invalid_content':
      return failure(FailureType.InvalidContent, true);
    case 'auth_failed':
      return failure(FailureType.ChannelAuthFailed, true);
    case 'rejected':
      return failure(FailureType.DeliveryRejected, true);
    case 'rate_limited':
      return failure(FailureType.RateLimited, false, err.retryAfterMs);
    case 'transient':
      return failure(FailureType.ChannelUnavailable, false);
    case 'processing':
      return failure(FailureType.NetworkProcessing, false, err.retryAfterMs);
  }
}
