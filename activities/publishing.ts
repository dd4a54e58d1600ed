import { ApplicationFailure, Context } from '@temporalio/activity';
import type { ChannelAdapters } from '../channels/registry';
import { ChannelError } from '../channels/errors';
import { appendAudit } from '../db/audit';
import type { Db, PostStatus } from '../db/database';
import { findPostMedia } from '../db/posts';
import type { Sealer } from '../db/sealing';
import type { MediaStorage } from '../content/media';
import { FailureType, type DecisionKind } from '../workflows/messages';

export interface PublishingDeps {
  db: Db;
  adapters: ChannelAdapters;
  sealer: Sealer;
  /** Where uploaded media are (the API stores them; publishing reads them). */
  media: MediaStorage;
}

/** The I/O of scheduled publishing. Every activity here is safe to run twice. */
export function createPublishingActivities({ db, adapters, sealer, media }: PublishingDeps) {
  return {
    async confirmPostStored({ postId }: { postId: string }): Promise<void> {
      const post = await db.selectFrom('posts').select('id').where('id', '=', postId).executeTakeFirst();
      if (!post) throw ApplicationFailure.retryable(`Post ${postId} is not in the database (yet)`, FailureType.PostNotFound);
    },

    async savePostSchedule({ postId, publishAt, actorId }: { postId: string; publishAt: string; actorId?: string }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const before = await trx.selectFrom('posts').select(['workspace_id', 'publish_at']).where('id', '=', postId).executeTakeFirstOrThrow();
        await trx.updateTable('posts').set({ publish_at: publishAt, updated_at: new Date() }).where('id', '=', postId).execute();
        await appendAudit(trx, {
          workspaceId: before.workspace_id,
          actorId: actorId ?? null,
          action: 'post.rescheduled',
          subjectType: 'post',
          subjectId: postId,
          before: { publishAt: before.publish_at.toISOString() },
          after: { publishAt },
        });
      });
    },

    async markPostStatus({ postId, status, actorId, awaitingUserIds }: { postId: string; status: PostStatus; actorId?: string; awaitingUserIds?: string[] }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const before = await trx.selectFrom('posts').select(['workspace_id', 'status']).where('id', '=', postId).executeTakeFirstOrThrow();
        if (before.status === status) return;
        await trx
          .updateTable('posts')
          .set({ status, updated_at: new Date(), awaiting_user_ids: status === 'awaiting_approval' ? (awaitingUserIds ?? []) : [] })
          .where('id', '=', postId)
          .execute();
        if (status === 'cancelled') {
          await trx.updateTable('post_targets').set({ status: 'cancelled', updated_at: new Date() }).where('post_id', '=', postId).where('status', '=', 'pending').execute();
        }
        await appendAudit(trx, { workspaceId: before.workspace_id, actorId: actorId ?? null, action: `post.${status}`, subjectType: 'post', subjectId: postId, before: { status: before.status }, after: { status } });
      });
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
      await db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('approval_decisions')
          .values({ post_id: input.postId, round: input.round ?? 0, step: input.step, user_id: input.userId, decision: input.decision, comment: input.comment ?? null, at: new Date() })
          .onConflict((oc) => oc.columns(['post_id', 'round', 'step', 'user_id']).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!inserted) return;
        const post = await trx
          .updateTable('posts')
          .set({ awaiting_user_ids: input.awaitingUserIds, updated_at: new Date() })
          .where('id', '=', input.postId)
          .returning('workspace_id')
          .executeTakeFirstOrThrow();
        await appendAudit(trx, {
          workspaceId: post.workspace_id,
          actorId: input.userId,
          action: `approval.${input.decision === 'approve' ? 'approved' : input.decision === 'reject' ? 'rejected' : 'changes_requested'}`,
          subjectType: 'post',
          subjectId: input.postId,
          after: { round: input.round ?? 0, step: input.step + 1, stepName: input.stepName, comment: input.comment ?? null },
        });
      });
    },

    async recordTargetFailure({ targetId, reason }: { targetId: string; reason: string }): Promise<void> {
      await db
        .updateTable('post_targets')
        .set({ status: 'failed', last_error: reason, updated_at: new Date() })
        .where('id', '=', targetId)
        .where('status', '!=', 'published')
        .execute();
    },

    /**
     * Publishes one target. Safe to retry: a target already marked published returns its stored
     * result, and the adapter's idempotency key makes the network refuse a second copy.
     */
    async publishTarget({ postId, targetId }: { postId: string; targetId: string }): Promise<{ externalId: string; url: string | null }> {
      const row = await db
        .selectFrom('post_targets as t')
        .innerJoin('posts as p', 'p.id', 't.post_id')
        .innerJoin('channels as c', 'c.id', 't.channel_id')
        .select([
          't.id', 't.text', 't.status', 't.idempotency_key', 't.external_id', 't.external_url',
          'p.publish_at', 'c.provider', 'c.name as channelName', 'c.credentials_sealed', 'c.deleted_at',
        ])
        .where('t.id', '=', targetId)
        .where('t.post_id', '=', postId)
        .executeTakeFirst();
      if (!row) throw ApplicationFailure.nonRetryable(`Target ${targetId} of post ${postId} does not exist`, FailureType.PostNotFound);
      if (row.status === 'published' && row.external_id) return { externalId: row.external_id, url: row.external_url };
      if (row.deleted_at) throw ApplicationFailure.nonRetryable(`Channel "${row.channelName}" was removed before the post went out`, FailureType.ChannelRemoved);

      const attempt = Context.current().info.attempt;
      await db.updateTable('post_targets').set({ status: 'publishing', attempts: attempt, updated_at: new Date() }).where('id', '=', targetId).execute();

      const adapter = adapters[row.provider];
      const attached = (await findPostMedia(db, [postId])).map((m) => ({ ...m, read: () => media.get(m.storageKey) }));
      const problems = [...adapter.validate(row.text), ...adapter.validateMedia(attached)];
      if (problems.length > 0) throw ApplicationFailure.nonRetryable(problems.join('; '), FailureType.InvalidContent);

      try {
        const result = await adapter.publish(sealer.open(row.credentials_sealed), {
          postId,
          targetId,
          text: row.text,
          publishAt: row.publish_at.toISOString(),
          idempotencyKey: row.idempotency_key,
          isRetry: attempt > 1,
          media: attached,
        });
        await db
          .updateTable('post_targets')
          .set({ status: 'published', external_id: result.externalId, external_url: result.url, last_error: null, published_at: new Date(), updated_at: new Date() })
          .where('id', '=', targetId)
          .execute();
        return result;
      } catch (err) {
        const failure = toApplicationFailure(err, row.channelName);
        // Keep the latest reason visible while Temporal retries.
        await db.updateTable('post_targets').set({ last_error: failure.message, updated_at: new Date() }).where('id', '=', targetId).execute();
        throw failure;
      }
    },
  };
}

export type PublishingActivities = ReturnType<typeof createPublishingActivities>;

function toApplicationFailure(err: unknown, channelName: string): ApplicationFailure {
  if (!(err instanceof ChannelError)) {
    return ApplicationFailure.retryable(`${channelName}: ${err instanceof Error ? err.message : String(err)}`, FailureType.ChannelUnavailable);
  }
  const message = `${channelName}: ${err.message}`;
  switch (err.kind) {
    case 'invalid_content':
      return ApplicationFailure.nonRetryable(message, FailureType.InvalidContent);
    case 'auth_failed':
      return ApplicationFailure.nonRetryable(message, FailureType.ChannelAuthFailed);
    case 'rejected':
      return ApplicationFailure.nonRetryable(message, FailureType.DeliveryRejected);
    case 'rate_limited':
      return ApplicationFailure.create({ type: FailureType.RateLimited, message, nextRetryDelay: err.retryAfterMs });
    case 'transient':
      return ApplicationFailure.retryable(message, FailureType.ChannelUnavailable);
  }
}
