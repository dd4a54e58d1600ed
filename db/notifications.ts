import { sql, type ColumnType, type Generated, type Transaction } from 'kysely';
import type { Database, Db } from './database';
import type { CreatedAt, Timestamp } from './columns';
import type { NotificationSubjectType } from '../contracts/domain';
// The enum lives in contracts/domain.ts (workflows and clients need it without the database).
export type { NotificationSubjectType };

export interface NotificationsTable {
  id: Generated<string>;
  workspace_id: string;
  /** Idempotency key: one notification per workflow, kind, step and round, whatever the retries. */
  key: string;
  kind: string;
  subject_type: NotificationSubjectType;
  subject_id: string;
  recipient_ids: string[];
  payload: ColumnType<unknown, string, string>;
  /** Delivered to the workspace's notification webhook. */
  delivered_at: Timestamp | null;
  /** Emailed to the recipients. */
  emailed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: CreatedAt;
}

export interface NotificationView {
  id: string;
  kind: string;
  /** What subjectId is the id of. */
  subjectType: NotificationSubjectType;
  subjectId: string;
  recipientIds: string[];
  payload: unknown;
  deliveredAt: string | null;
  createdAt: string;
}

/** A notification to record: `key` is its idempotency key (the same key is recorded once, whatever the retries and replays). */
export interface NewNotification {
  workspaceId: string;
  key: string;
  kind: string;
  subject: { type: NotificationSubjectType; id: string };
  recipientIds: string[];
  payload: unknown;
}

/**
 * Records a notification once (its key is unique) and returns its id, for notifications/deliver.ts
 * to send. Inside the caller's transaction when it must commit with a change (an assignment, a
 * breach, a channel marked for reconnecting), so that neither is recorded without the other.
 */
export async function recordNotificationOnce(db: Db | Transaction<Database>, n: NewNotification): Promise<string> {
  await db
    .insertInto('notifications')
    .values({
      workspace_id: n.workspaceId,
      key: n.key,
      kind: n.kind,
      subject_type: n.subject.type,
      subject_id: n.subject.id,
      recipient_ids: n.recipientIds,
      payload: JSON.stringify(n.payload),
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db.selectFrom('notifications').select('id').where('key', '=', n.key).executeTakeFirstOrThrow();
  return row.id;
}

/** A workspace's latest notifications, newest first; with `recipientId`, only those addressed to that user. */
export async function listNotifications(
  db: Db,
  workspaceId: string,
  filter: { recipientId?: string; limit?: number } = {},
): Promise<NotificationView[]> {
  let query = db.selectFrom('notifications').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.recipientId) query = query.where(sql<boolean>`${filter.recipientId}::uuid = any(recipient_ids)`);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    recipientIds: r.recipient_ids,
    payload: r.payload,
    deliveredAt: r.delivered_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
  }));
}

export async function findNotificationIdByKey(db: Db, key: string): Promise<string | undefined> {
  const notification = await db.selectFrom('notifications').select('id').where('key', '=', key).executeTakeFirst();
  return notification?.id;
}

/** A notification with its workspace's webhook and which routes have delivered it. */
export async function findNotificationToDeliver(db: Db, notificationId: string) {
  return db
    .selectFrom('notifications as n')
    .innerJoin('workspaces as w', 'w.id', 'n.workspace_id')
    .select([
      'n.id',
      'n.workspace_id',
      'n.payload',
      'n.recipient_ids',
      'n.delivered_at',
      'n.emailed_at',
      'w.notification_webhook_sealed',
    ])
    .where('n.id', '=', notificationId)
    .executeTakeFirstOrThrow();
}

/**
 * The email addresses of these users who are people still in the workspace: a removed member no
 * longer gets its posts quoted to them, and a service account's made-up address is never mailed.
 */
export async function findEmailRecipients(db: Db, workspaceId: string, userIds: string[]): Promise<string[]> {
  const recipients = await db
    .selectFrom('users as u')
    .innerJoin('memberships as m', 'm.user_id', 'u.id')
    .select('u.email')
    .where('m.workspace_id', '=', workspaceId)
    .where('u.id', 'in', userIds)
    .where('u.kind', '=', 'person')
    .execute();
  return recipients.map((r) => r.email);
}

export async function markNotificationDelivered(db: Db, notificationId: string): Promise<void> {
  await db.updateTable('notifications').set({ delivered_at: new Date() }).where('id', '=', notificationId).execute();
}

export async function markNotificationEmailed(db: Db, notificationId: string): Promise<void> {
  await db.updateTable('notifications').set({ emailed_at: new Date() }).where('id', '=', notificationId).execute();
}

/**
 * Records an approval reminder or escalation of a post once (its key is unique), and who the chain
 * now waits on when given (only while the post awaits approval); returns the notification's id.
 */
export async function recordApprovalNotification(
  db: Db,
  {
    workspaceId,
    key,
    kind,
    postId,
    recipientIds,
    payload,
    awaitingUserIds,
  }: {
    workspaceId: string;
    key: string;
    kind: string;
    postId: string;
    recipientIds: string[];
    payload: unknown;
    awaitingUserIds?: string[];
  },
): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const id = await recordNotificationOnce(trx, {
      workspaceId,
      key,
      kind,
      subject: { type: 'post', id: postId },
      recipientIds,
      payload,
    });
    if (awaitingUserIds) {
      await trx
        .updateTable('posts')
        .set({ awaiting_user_ids: awaitingUserIds })
        .where('id', '=', postId)
        .where('status', '=', 'awaiting_approval')
        .execute();
    }
    return id;
  });
}
