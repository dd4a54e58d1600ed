import { sql } from 'kysely';
import type { Db, NotificationSubjectType } from './database';

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

/** A workspace's latest notifications, newest first; with `recipientId`, only those addressed to that user. */
export async function listNotifications(db: Db, workspaceId: string, filter: { recipientId?: string; limit?: number } = {}): Promise<NotificationView[]> {
  let query = db.selectFrom('notifications').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.recipientId) query = query.where(sql<boolean>`${filter.recipientId}::uuid = any(recipient_ids)`);
  const rows = await query.orderBy('id', 'desc').limit(filter.limit ?? 200).execute();
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
