import type { ChannelAdapters } from '../channels/registry';
import type { WebhookAdapter, WebhookCredentials } from '../channels/webhook';
import type { Db } from '../db/database';
import {
  findEmailRecipients,
  findNotificationToDeliver,
  markNotificationDelivered,
  markNotificationEmailed,
} from '../db/notifications';
import type { Sealer } from '../db/sealing';
import type { Mailer } from './mailer';

export interface NotificationDeps {
  db: Db;
  adapters: ChannelAdapters;
  sealer: Sealer;
  /** Set when SMTP is configured; without it notifications go to the webhook only. */
  mailer?: Mailer;
}

interface Payload {
  type: string;
  data: Record<string, unknown>;
}

/** Subject and body of a notification's email. */
export function emailFor(payload: Payload): { subject: string; text: string } {
  const d = payload.data;
  const quote = typeof d.text === 'string' ? `\n\n> ${d.text.split('\n').join('\n> ')}` : '';
  // What an approval is of: a post, or a reply written in the inbox.
  const approvalOf =
    d.replyId !== undefined
      ? `Reply ${String(d.replyId)} to conversation ${String(d.conversationId)}`
      : `Post ${String(d.postId)}`;
  switch (payload.type) {
    case 'approval.reminder':
      return {
        subject: `Reminder: your approval ("${String(d.stepName)}") is due ${String(d.deadline)}`,
        text: `A ${d.replyId !== undefined ? 'reply' : 'post'} waits for your decision at step ${String(d.step)} ("${String(d.stepName)}"), due ${String(d.deadline)}.\n${approvalOf}${quote}`,
      };
    case 'approval.escalated':
      return {
        subject: `Escalated to you: "${String(d.stepName)}" approval is overdue`,
        text: `Step ${String(d.step)} ("${String(d.stepName)}") passed its deadline (${String(d.deadline)}) and is now yours to decide.\n${approvalOf}${quote}`,
      };
    case 'conversation.assigned':
      return {
        subject: 'A conversation was assigned to you',
        text: `Conversation ${String(d.conversationId)} is yours (rule "${String(d.rule)}").${quote}`,
      };
    case 'sla.first_response.reminder':
    case 'sla.resolution.reminder':
      return {
        subject: `Reminder: a conversation's ${payload.type.includes('first_response') ? 'first response' : 'resolution'} is due ${String(d.deadline)}`,
        text: `Conversation ${String(d.conversationId)} (${String(d.priority)} priority) is due ${String(d.deadline)}.`,
      };
    case 'sla.first_response.breached':
    case 'sla.resolution.breached':
      return {
        subject: `Escalated: a conversation missed its ${payload.type.includes('first_response') ? 'first-response' : 'resolution'} target`,
        text: `Conversation ${String(d.conversationId)} (${String(d.priority)} priority) passed its deadline (${String(d.deadline)}).`,
      };
    case 'listening.spike':
      return {
        subject: `Spike on "${String(d.query)}": ${(d.reasons as string[]).join(' and ').replace('_', ' ')}`,
        text: `Listening query "${String(d.query)}" is spiking (${(d.reasons as string[]).join(', ')}).\nAlert ${String(d.alertId)}: acknowledge it with POST /v1/alerts/${String(d.alertId)}/acknowledge.`,
      };
    case 'analytics.weekly_report':
      // The report carries its own plain-text rendering (services/weekly-report.ts).
      return {
        subject: `Your week on Chorus: ${String(d.workspaceName)} (${String(d.from).slice(0, 10)} to ${String(d.to).slice(0, 10)})`,
        text: String(d.summary),
      };
    case 'channel.needs_reconnect':
      return {
        subject: `Reconnect "${String(d.channelName)}": ${String(d.provider)} stopped accepting Chorus's access`,
        text: `${String(d.reason)}\n\nIts posts wait until it is reconnected (${String(d.postsWaiting)} now): open Settings → Channels and press Reconnect, then grant access as the same account. Held posts wait however long it takes (you are reminded daily) and publish at once when it is reconnected, even if their time has passed; cancel a post to stop it instead.`,
      };
    case 'channel.posts_held':
      return {
        subject: `${d.reminder ? 'Reminder: ' : ''}${String(d.postsWaiting)} post(s) wait for "${String(d.channelName)}" to be reconnected`,
        text: `${String(d.reason)}\n\nThe posts to "${String(d.channelName)}" (${String(d.provider)}) are held, not failed${d.heldSince ? ` (since ${String(d.heldSince)})` : ''}: they publish as soon as the channel is reconnected (${String(d.reconnect)}; Settings → Channels), even if their time has passed. To stop one instead, cancel it (POST /v1/posts/<id>/cancel); removing the channel fails them.`,
      };
    default:
      return { subject: `Chorus: ${payload.type}`, text: JSON.stringify(d, null, 2) };
  }
}

/**
 * Delivers a recorded notification by each route once: to the workspace's notification webhook
 * (webhook-id `ntf_<id>`) and by email to its recipients (Message-ID `<ntf-<id>@chorus>`). Each
 * route is marked when done, so calling this again after a failure sends only what is missing.
 */
export async function deliverNotification(
  { db, adapters, sealer, mailer }: NotificationDeps,
  notificationId: string,
): Promise<void> {
  const n = await findNotificationToDeliver(db, notificationId);
  const payload = n.payload as Payload;
  // Both routes are tried every time; one failing does not hold the other back.
  const failures: string[] = [];
  if (!n.delivered_at && n.notification_webhook_sealed) {
    try {
      const webhook = adapters.webhook as unknown as WebhookAdapter;
      await webhook.deliver(sealer.open<WebhookCredentials>(n.notification_webhook_sealed), `ntf_${n.id}`, payload);
      await markNotificationDelivered(db, n.id);
    } catch (err) {
      failures.push(`webhook: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (mailer && !n.emailed_at && n.recipient_ids.length > 0) {
    try {
      // Only people still in the workspace (see `findEmailRecipients`).
      const recipients = await findEmailRecipients(db, n.workspace_id, n.recipient_ids);
      if (recipients.length > 0)
        await mailer.send({ to: recipients, ...emailFor(payload), messageId: `<ntf-${n.id}@chorus>` });
      await markNotificationEmailed(db, n.id);
    } catch (err) {
      failures.push(`email: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (failures.length > 0) throw new NotificationNotDelivered(failures.join('; '));
}

export class NotificationNotDelivered extends Error {
  override name = 'NotificationNotDelivered';
}
