import { Context } from '@temporalio/activity';
import { currentMembers } from '../db/approvals';
import { appendAudit } from '../db/audit';
import { isUnclaimed, nextPublishStage } from '../db/post-claims';
import type { PostStatus } from '../db/database';
import { deliverNotification, type NotificationDeps } from '../notifications/deliver';
import type { DueNotification } from '../contracts/approval';

export type ApprovalDeps = NotificationDeps;

/** Delivery attempts of a reminder or escalation before the chain goes on without it. */
const NOTIFY_ATTEMPTS = 5;

/** A reminder or escalation that fell due in a post's chain. */
export type ApprovalNotification = DueNotification & { postId: string };

/** The I/O of approval chains: notifications and content edits. Safe to run twice. */
export function createApprovalActivities(deps: ApprovalDeps) {
  const { db } = deps;
  return {
    /**
     * Records a reminder or escalation once (its key is unique per post, kind, round and step) and
     * delivers it to the workspace's notification webhook and by email to its recipients, each
     * once, whatever the retries.
     */
    async notifyApprovers(n: ApprovalNotification): Promise<void> {
      const key = `${n.postId}:${n.kind}:${n.round}:${n.step}`;
      const post = await db
        .selectFrom('posts as p')
        .select(['p.workspace_id', 'p.text'])
        .where('p.id', '=', n.postId)
        .executeTakeFirstOrThrow();
      const payload = {
        type: n.kind,
        timestamp: new Date().toISOString(),
        data: { postId: n.postId, step: n.step + 1, stepName: n.stepName, round: n.round, recipientIds: n.recipientIds, deadline: n.deadline, text: post.text, ...(n.fallback ? { fallback: n.fallback } : {}) },
      };
      const notification = await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('notifications')
          .values({ workspace_id: post.workspace_id, key, kind: n.kind, subject_type: 'post', subject_id: n.postId, recipient_ids: n.recipientIds, payload: JSON.stringify(payload) })
          .onConflict((oc) => oc.column('key').doNothing())
          .execute();
        if (n.awaitingUserIds) {
          await trx.updateTable('posts').set({ awaiting_user_ids: n.awaitingUserIds }).where('id', '=', n.postId).where('status', '=', 'awaiting_approval').execute();
        }
        return trx.selectFrom('notifications').select('id').where('key', '=', key).executeTakeFirstOrThrow();
      });
      try {
        await deliverNotification(deps, notification.id);
      } catch (err) {
        // Retried a few times; after that the chain goes on and the notification stays listed as
        // not delivered (GET /v1/notifications), rather than a dead webhook holding the post up.
        if (Context.current().info.attempt < NOTIFY_ATTEMPTS) throw err;
        Context.current().log.warn('Notification not delivered; giving up', { notificationId: notification.id, error: String(err) });
      }
    },

    /**
     * Who an escalation goes to now: those of its targets still in the workspace; if none is, the
     * workspace's owners (never the excluded author), with the reason, so the step is not left
     * to nobody.
     */
    async currentEscalationTargets(input: { workspaceId: string; userIds: string[]; excludeUserIds: string[] }): Promise<{ recipientIds: string[]; fallback?: string }> {
      const members = await currentMembers(db, input.workspaceId);
      const still = input.userIds.filter((id) => members.some((m) => m.userId === id));
      if (still.length > 0) return { recipientIds: still };
      const owners = members.filter((m) => m.role === 'owner' && !input.excludeUserIds.includes(m.userId)).map((m) => m.userId);
      return { recipientIds: owners, fallback: "The step's escalation targets are no longer members of the workspace; escalated to the workspace's owners instead" };
    },

    /**
     * Saves edited content (already checked against each channel's limits) and the chain's new
     * state. With `unlessClaimed` (a staged post), only if no publish has claimed it: returns false,
     * changing nothing, when one has.
     */
    async savePostContent(input: {
      postId: string;
      actorId: string;
      text: string;
      targets: { targetId: string; text: string }[];
      /** The status the edit leads to; unchanged when omitted. */
      status?: PostStatus;
      round: number;
      awaitingUserIds: string[];
      unlessClaimed?: boolean;
    }): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const before = await trx.selectFrom('posts').select(['workspace_id', 'text', 'status']).where('id', '=', input.postId).forUpdate().executeTakeFirstOrThrow();
        const status = input.status ?? before.status;
        if (input.unlessClaimed) {
          // Back into approval already, with this text: saved by an earlier attempt.
          if (input.status && before.status === input.status && before.text === input.text) return true;
          if (!isUnclaimed(before.status)) return false;
        }
        await trx
          .updateTable('posts')
          .set({
            text: input.text,
            status,
            awaiting_user_ids: status === 'awaiting_approval' ? input.awaitingUserIds : [],
            updated_at: new Date(),
            // Back into approval, a staged post's publishes may no longer claim it; an edit that
            // leaves it scheduled keeps them (they read the text after their claim).
            ...(input.unlessClaimed && status !== before.status ? nextPublishStage : {}),
          })
          .where('id', '=', input.postId)
          .execute();
        for (const t of input.targets) {
          await trx.updateTable('post_targets').set({ text: t.text, updated_at: new Date() }).where('id', '=', t.targetId).where('post_id', '=', input.postId).execute();
        }
        await appendAudit(trx, {
          workspaceId: before.workspace_id,
          actorId: input.actorId,
          action: 'post.edited',
          subjectType: 'post',
          subjectId: input.postId,
          before: { text: before.text, status: before.status },
          after: { text: input.text, status, approvalRound: input.round },
        });
        return true;
      });
    },
  };
}

export type ApprovalActivities = ReturnType<typeof createApprovalActivities>;
