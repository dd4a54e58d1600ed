import { Context } from '@temporalio/activity';
import { currentMembers } from '../db/approvals';
import { recordApprovalNotification } from '../db/notifications';
import { findPostWorkspaceAndText, savePostContent, type PostContentEdit } from '../db/posts';
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
      const post = await findPostWorkspaceAndText(db, n.postId);
      const payload = {
        type: n.kind,
        timestamp: new Date().toISOString(),
        data: {
          postId: n.postId,
          step: n.step + 1,
          stepName: n.stepName,
          round: n.round,
          recipientIds: n.recipientIds,
          deadline: n.deadline,
          text: post.text,
          ...(n.fallback ? { fallback: n.fallback } : {}),
        },
      };
      const notificationId = await recordApprovalNotification(db, {
        workspaceId: post.workspace_id,
        key,
        kind: n.kind,
        postId: n.postId,
        recipientIds: n.recipientIds,
        payload,
        awaitingUserIds: n.awaitingUserIds,
      });
      try {
        await deliverNotification(deps, notificationId);
      } catch (err) {
        // Retried a few times; after that the chain goes on and the notification stays listed as
        // not delivered (GET /v1/notifications), rather than a dead webhook holding the post up.
        if (Context.current().info.attempt < NOTIFY_ATTEMPTS) throw err;
        Context.current().log.warn('Notification not delivered; giving up', { notificationId, error: String(err) });
      }
    },

    /**
     * Who an escalation goes to now: those of its targets still in the workspace; if none is, the
     * workspace's owners (never the excluded author), with the reason, so the step is not left
     * to nobody.
     */
    async currentEscalationTargets(input: {
      workspaceId: string;
      userIds: string[];
      excludeUserIds: string[];
    }): Promise<{ recipientIds: string[]; fallback?: string }> {
      const members = await currentMembers(db, input.workspaceId);
      const still = input.userIds.filter((id) => members.some((m) => m.userId === id));
      if (still.length > 0) return { recipientIds: still };
      const owners = members
        .filter((m) => m.role === 'owner' && !input.excludeUserIds.includes(m.userId))
        .map((m) => m.userId);
      return {
        recipientIds: owners,
        fallback:
          "The step's escalation targets are no longer members of the workspace; escalated to the workspace's owners instead",
      };
    },

    /**
     * Saves edited content (already checked against each channel's limits) and the chain's new
     * state. With `unlessClaimed` (a staged post), only if no publish has claimed it: returns false,
     * changing nothing, when one has.
     */
    async savePostContent(input: PostContentEdit): Promise<boolean> {
      return savePostContent(db, input);
    },
  };
}

export type ApprovalActivities = ReturnType<typeof createApprovalActivities>;
