import type { Transaction } from 'kysely';
import type { Database, Db } from './database';
import { recordNotificationOnce } from './notifications';

/** A notification about a conversation (assignment, SLA reminder or breach, reply approval), as the inbox records it. */
export interface ConversationNotification {
  workspaceId: string;
  /** Idempotency key: the same key is recorded once, whatever the retries and replays. */
  key: string;
  kind: string;
  conversationId: string;
  recipientIds: string[];
  payload: unknown;
}

/**
 * Records a notification about a conversation once (its key is unique) and returns its id, for
 * notifications/deliver.ts to send. Inside a transaction when it must commit with a change (an
 * assignment, a breach), so that neither is recorded without the other.
 */
export async function recordConversationNotification(
  db: Db | Transaction<Database>,
  n: ConversationNotification,
): Promise<string> {
  const { conversationId, ...rest } = n;
  return recordNotificationOnce(db, { ...rest, subject: { type: 'conversation', id: conversationId } });
}

/** The workspace's owners and admins: who an SLA breach escalates to, and who is reminded of an unassigned conversation. */
export async function workspaceManagers(db: Db | Transaction<Database>, workspaceId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('m.user_id')
    .where('m.workspace_id', '=', workspaceId)
    .where('m.role', 'in', ['owner', 'admin'])
    .orderBy('m.user_id')
    .execute();
  return rows.map((r) => r.user_id);
}
