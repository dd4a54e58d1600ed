import { ApplicationFailure, Context } from '@temporalio/activity';
import { inboxRecordKey, type InboxReplyRequest } from '../channels/inbox-replies';
import type { InboxConnectors } from '../channels/inbox-connectors';
import { recordChannelFailure } from '../db/channels';
import { assignByRules } from '../db/inbox-assignment';
import { recordConversationNotification } from '../db/inbox-notifications';
import {
  findMessageToLike,
  findReplyState,
  findReplyToSend,
  recordReplySent,
  saveReplyNetworkState,
  setReplyStatus,
  type ReplyState,
} from '../db/inbox-replies';
import {
  armConversationSla,
  recordSlaEvent,
  type ConversationSnapshot,
  type SlaClock,
  type SlaEvent,
} from '../db/inbox-sla';
import { deliverNotification, type NotificationDeps } from '../notifications/deliver';
import type { ChainDecision, DueNotification } from '../contracts/approval';
import { recordDecisionInAudit } from '../db/approvals';
import { readsInbox, type ReplyStatus } from '../contracts/inbox';
import { FailureType } from '../contracts/shared';
import { toApplicationFailure } from './publishing';

/** Failure types that say the channel itself is in trouble (not the reply). */
const CHANNEL_FAILURES = new Set<string>([
  FailureType.ChannelUnavailable,
  FailureType.RateLimited,
  FailureType.ChannelAuthFailed,
]);

/** Delivery attempts of a notification before the workflow goes on without it (as approval notifications). */
const NOTIFY_ATTEMPTS = 5;

/** A reminder or escalation that fell due in a reply's approval chain. */
export type ReplyApprovalNotification = DueNotification & { conversationId: string; replyId: string };

/** The I/O of a conversation's workflow: loading it, assignment, SLA notifications, replies and likes. Safe to run twice. */
export function createConversationActivities(deps: NotificationDeps & { inboxConnectors: InboxConnectors }) {
  const { db, adapters, sealer, inboxConnectors } = deps;

  async function deliver(notificationId: string): Promise<void> {
    try {
      await deliverNotification(deps, notificationId);
    } catch (err) {
      // Retried a few times; then the workflow goes on and the notification stays listed as not delivered.
      if (Context.current().info.attempt < NOTIFY_ATTEMPTS) throw err;
      Context.current().log.warn('Notification not delivered; giving up', { notificationId, error: String(err) });
    }
  }

  const notFound = (what: string) => ApplicationFailure.nonRetryable(what, FailureType.DeliveryRejected);

  return {
    /**
     * The conversation with its SLA deadlines set for its priority (see `armConversationSla`); null
     * when it no longer exists. `minuteMs`: the length of an SLA minute (tests shorten it).
     */
    async loadConversation(input: {
      conversationId: string;
      minuteMs: number;
      reopened?: boolean;
    }): Promise<ConversationSnapshot | null> {
      return (await armConversationSla(db, input)) ?? null;
    },

    /** Assigns an unassigned conversation by the workspace's rules and tells the assignee (once). */
    async assignConversation({ conversationId }: { conversationId: string }): Promise<{ assigneeId: string | null }> {
      const assignment = await assignByRules(db, conversationId);
      if (assignment.notificationId) await deliver(assignment.notificationId);
      return { assigneeId: assignment.assigneeId };
    },

    /** Records and delivers an SLA reminder or breach escalation once; false when it no longer applied. */
    async notifySla(input: {
      conversationId: string;
      clock: SlaClock;
      event: SlaEvent;
      dueAt: string;
    }): Promise<boolean> {
      const notificationId = await recordSlaEvent(db, input);
      if (notificationId) await deliver(notificationId);
      return notificationId !== undefined;
    },

    async loadReply({ replyId }: { replyId: string }): Promise<ReplyState | null> {
      return (await findReplyState(db, replyId)) ?? null;
    },

    /** Moves a reply to `status` from one of `from` (with an error for a failure); false when it was elsewhere. */
    async setReplyStatus(input: {
      replyId: string;
      status: ReplyStatus;
      from: ReplyStatus[];
      error?: string;
    }): Promise<boolean> {
      return setReplyStatus(db, input);
    },

    /** Writes a decision on a reply's approval chain to the audit log, once per approver, round and step. */
    async recordReplyDecision(input: ChainDecision & { replyId: string }): Promise<void> {
      await recordDecisionInAudit(db, { subjectType: 'reply', subjectId: input.replyId, ...input });
    },

    /** Records and delivers a reminder or escalation of a reply's approval chain, once per kind, round and step. */
    async notifyReplyApprovers(n: ReplyApprovalNotification): Promise<void> {
      const reply = await findReplyState(db, n.replyId);
      if (!reply) return;
      const notificationId = await recordConversationNotification(db, {
        workspaceId: reply.workspaceId,
        key: `reply:${n.replyId}:${n.kind}:${n.round}:${n.step}`,
        kind: n.kind,
        conversationId: n.conversationId,
        recipientIds: n.recipientIds,
        payload: {
          type: n.kind,
          timestamp: new Date().toISOString(),
          data: {
            conversationId: n.conversationId,
            replyId: n.replyId,
            step: n.step + 1,
            stepName: n.stepName,
            round: n.round,
            recipientIds: n.recipientIds,
            deadline: n.deadline,
          },
        },
      });
      await deliver(notificationId);
    },

    /**
     * Sends a reply through its conversation's channel, as a reply to the message it answers, and
     * records it. Exactly once: a reply already sent returns what was recorded; Bluesky writes
     * under a record key derived from the reply (looked for first), Mastodon with an
     * Idempotency-Key. Refused credentials, content or a deleted parent fail it for good (nothing
     * sent); outages retry, rate limits after the network's Retry-After.
     */
    async sendReply({ replyId }: { replyId: string }): Promise<{ externalId: string; url: string | null }> {
      const reply = await findReplyToSend(db, replyId);
      if (!reply) throw notFound(`Reply ${replyId} does not exist`);
      if (reply.status === 'sent' && reply.external_id) return { externalId: reply.external_id, url: reply.url };
      if (reply.status !== 'sending') throw notFound(`The reply is ${reply.status}; it is not sent`);
      if (!reply.channel_id || !reply.provider || !reply.credentials_sealed)
        throw notFound('This conversation came from another system (pushed); answer it there');
      if (reply.channel_deleted_at)
        throw ApplicationFailure.nonRetryable(
          `Channel "${reply.channel_name}" was removed; the reply was not sent`,
          FailureType.ChannelRemoved,
        );
      if (reply.parent_deleted)
        throw notFound('The message replied to was deleted on the network; the reply was not sent');
      const network = readsInbox(reply.provider) ? inboxConnectors[reply.provider] : undefined;
      if (!network) throw notFound(`Channel "${reply.channel_name}" (${reply.provider}) cannot reply to messages`);
      const problems = adapters[reply.provider].validate(reply.text);
      if (problems.length > 0) throw ApplicationFailure.nonRetryable(problems.join('; '), FailureType.InvalidContent);

      const request: InboxReplyRequest = {
        text: reply.text,
        parent: {
          externalId: reply.parent_external_id,
          cid: reply.parent_cid,
          kind: reply.parent_kind,
          parentExternalId: reply.parent_parent_external_id,
          rootExternalId: reply.root_external_id,
          rootCid: reply.root_cid,
        },
        idempotencyKey: network.replyKey?.(reply.id, reply.created_at) ?? `chorus-reply-${reply.id}`,
        isRetry: Context.current().info.attempt > 1,
        direct: reply.kind === 'direct',
        networkState: {
          saved: reply.network_state,
          save: (state) => saveReplyNetworkState(db, reply.id, state),
        },
      };
      let sent;
      try {
        sent = await network.reply(sealer.open(reply.credentials_sealed), request);
      } catch (err) {
        if (err instanceof ApplicationFailure) throw err;
        const failure = toApplicationFailure(err, reply.channel_name!);
        // Failures of the channel (not of this reply) count against its health, as a post's do.
        if (CHANNEL_FAILURES.has(failure.type ?? ''))
          await recordChannelFailure(db, reply.channel_id, {
            error: failure.message,
            authFailed: failure.type === FailureType.ChannelAuthFailed,
          });
        throw failure;
      }
      await recordReplySent(db, { replyId, ...sent });
      return { externalId: sent.externalId, url: sent.url };
    },

    /** Likes an inbound message as the channel's account; once, however often asked. */
    async likeMessage(input: { conversationId: string; messageId: string }): Promise<{ externalId: string }> {
      const message = await findMessageToLike(db, input);
      if (!message) throw notFound(`Message ${input.messageId} is not in conversation ${input.conversationId}`);
      if (message.direction !== 'in') throw notFound('Only a message from someone else can be liked');
      if (!message.provider || !message.credentials_sealed || message.channel_deleted_at)
        throw notFound('This message did not come through a connected channel; it cannot be liked');
      const network = readsInbox(message.provider) ? inboxConnectors[message.provider] : undefined;
      if (!network) throw notFound(`Channel "${message.channel_name}" (${message.provider}) cannot like messages`);
      try {
        const subject = { externalId: message.external_id, cid: message.external_cid };
        // The like's own key (Bluesky's record key); networks that make a second like a no-op ignore it.
        return await network.like(
          sealer.open(message.credentials_sealed),
          subject,
          inboxRecordKey(message.id, message.received_at),
        );
      } catch (err) {
        if (err instanceof ApplicationFailure) throw err;
        throw toApplicationFailure(err, message.channel_name!);
      }
    },
  };
}

export type ConversationActivities = ReturnType<typeof createConversationActivities>;
