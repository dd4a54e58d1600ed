import { sql } from 'kysely';
import type { Db } from './database';

/**
 * Closes a conversation as spam: its author's contact is marked spam (the inbound read drops that
 * author's later items as noise) and every open conversation of theirs in the workspace is closed
 * and flagged. Returns the ids of the conversations closed, whose workflows the caller tells
 * (`conversationChangedSignal`); empty when the conversation is not in the workspace.
 */
export async function closeConversationAsSpam(
  db: Db,
  { workspaceId, conversationId }: { workspaceId: string; conversationId: string },
): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const conversation = await trx
      .selectFrom('inbox_conversations')
      .select(['id', 'contact_id'])
      .where('id', '=', conversationId)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    if (!conversation) return [];
    const now = new Date();
    await trx
      .updateTable('inbox_contacts')
      .set({ spam: true, updated_at: sql`now()` })
      .where('id', '=', conversation.contact_id)
      .execute();
    const closed = await trx
      .updateTable('inbox_conversations')
      .set({ spam: true, status: 'closed', closed_at: now, updated_at: sql`now()` })
      .where('workspace_id', '=', workspaceId)
      .where('contact_id', '=', conversation.contact_id)
      .where((eb) => eb.or([eb('id', '=', conversationId), eb('status', '!=', 'closed')]))
      .returning('id')
      .execute();
    return closed.map((c) => c.id);
  });
}
