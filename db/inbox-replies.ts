import { sql } from 'kysely';
import type { Db } from './database';
import type { ApprovalStep } from '../contracts/approval';
import type { ReplyStatus } from '../contracts/inbox';
import type { Provider } from '../contracts/domain';

/** A reply as the conversation's workflow needs it: where it is, and its approval chain's steps if it needs one. */
export interface ReplyState {
  replyId: string;
  conversationId: string;
  workspaceId: string;
  status: ReplyStatus;
  authorId: string;
  approvalSteps: ApprovalStep[];
}

export async function findReplyState(db: Db, replyId: string): Promise<ReplyState | undefined> {
  const row = await db.selectFrom('inbox_replies').selectAll().where('id', '=', replyId).executeTakeFirst();
  if (!row) return undefined;
  return {
    replyId: row.id,
    conversationId: row.conversation_id,
    workspaceId: row.workspace_id,
    status: row.status,
    authorId: row.author_id,
    approvalSteps: Array.isArray(row.approval_steps) ? (row.approval_steps as ApprovalStep[]) : [],
  };
}

/** Moves a reply to `status` if it is in one of `from`; false (nothing changed) otherwise. */
export async function setReplyStatus(
  db: Db,
  { replyId, status, from, error }: { replyId: string; status: ReplyStatus; from: ReplyStatus[]; error?: string },
): Promise<boolean> {
  const result = await db
    .updateTable('inbox_replies')
    .set({ status, ...(error !== undefined ? { error } : {}) })
    .where('id', '=', replyId)
    .where('status', 'in', from)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Everything a send needs: the reply, the message it answers (with its thread's refs), the channel and its credentials. */
export async function findReplyToSend(db: Db, replyId: string) {
  return db
    .selectFrom('inbox_replies as r')
    .innerJoin('inbox_messages as m', 'm.id', 'r.in_reply_to_message_id')
    .innerJoin('inbox_conversations as c', 'c.id', 'r.conversation_id')
    .leftJoin('channels as ch', 'ch.id', 'c.channel_id')
    .select([
      'r.id',
      'r.workspace_id',
      'r.conversation_id',
      'r.author_id',
      'r.text',
      'r.status',
      'r.external_id',
      'r.url',
      'r.created_at',
      'm.id as parent_message_id',
      'm.external_id as parent_external_id',
      'm.external_cid as parent_cid',
      'm.root_external_id',
      'm.root_cid',
      'm.deleted as parent_deleted',
      'c.network',
      'c.kind',
      'c.channel_id',
      'ch.provider',
      'ch.name as channel_name',
      'ch.credentials_sealed',
      'ch.deleted_at as channel_deleted_at',
    ])
    .where('r.id', '=', replyId)
    .executeTakeFirst();
}
export type ReplyToSend = NonNullable<Awaited<ReturnType<typeof findReplyToSend>>>;

/** What the network gave back for a sent reply. */
export interface SentReply {
  replyId: string;
  externalId: string;
  url: string | null;
  /** Bluesky: the reply record's CID, and the thread's root (so a reply to our reply can name it). */
  cid?: string;
  rootExternalId?: string;
  rootCid?: string;
}

/**
 * Records a sent reply, once: the reply `sent` with its id and address, an outbound message in the
 * conversation, and the conversation's first response (if it had none), version and last message.
 * A second call for the same reply changes nothing.
 */
export async function recordReplySent(db: Db, sent: SentReply): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const reply = await trx
      .selectFrom('inbox_replies as r')
      .innerJoin('inbox_messages as m', 'm.id', 'r.in_reply_to_message_id')
      .innerJoin('inbox_conversations as c', 'c.id', 'r.conversation_id')
      .select([
        'r.id',
        'r.workspace_id',
        'r.conversation_id',
        'r.author_id',
        'r.text',
        'r.status',
        'm.external_id as parent_external_id',
        'm.external_cid as parent_cid',
        'c.channel_id',
        'c.network',
      ])
      .where('r.id', '=', sent.replyId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (reply.status === 'sent') return;
    const now = new Date();
    await trx
      .updateTable('inbox_replies')
      .set({ status: 'sent', external_id: sent.externalId, url: sent.url, error: null, sent_at: now })
      .where('id', '=', sent.replyId)
      .execute();
    const stored = await trx
      .insertInto('inbox_messages')
      .values({
        workspace_id: reply.workspace_id,
        conversation_id: reply.conversation_id,
        channel_id: reply.channel_id,
        network: reply.network,
        direction: 'out',
        kind: 'reply_out',
        external_id: sent.externalId,
        external_cid: sent.cid ?? null,
        url: sent.url,
        parent_external_id: reply.parent_external_id,
        parent_cid: reply.parent_cid,
        root_external_id: sent.rootExternalId ?? null,
        root_cid: sent.rootCid ?? null,
        author_id: reply.author_id,
        text: reply.text,
        sent_at: now,
      })
      .onConflict((oc) => oc.constraint('inbox_messages_item_uq').doNothing())
      .returning('id')
      .executeTakeFirst();
    // Stored already (the same reply recorded by an earlier attempt): the conversation counted it then.
    if (!stored) return;

    await trx
      .updateTable('inbox_conversations')
      .set((eb) => ({
        first_response_at: eb.fn.coalesce('first_response_at', eb.val(now)),
        version: eb('version', '+', 1),
        message_count: eb('message_count', '+', 1),
        last_message_at: now,
        updated_at: sql`now()`,
      }))
      .where('id', '=', reply.conversation_id)
      .execute();
  });
}

/** A message of this conversation to like on its network, with the channel that likes it. */
export async function findMessageToLike(
  db: Db,
  { conversationId, messageId }: { conversationId: string; messageId: string },
) {
  return db
    .selectFrom('inbox_messages as m')
    .innerJoin('inbox_conversations as c', 'c.id', 'm.conversation_id')
    .leftJoin('channels as ch', 'ch.id', 'c.channel_id')
    .select([
      'm.id',
      'm.external_id',
      'm.external_cid',
      sql<Date>`m.received_at`.as('received_at'),
      'm.direction',
      'm.deleted',
      'ch.provider',
      'ch.name as channel_name',
      'ch.credentials_sealed',
      'ch.deleted_at as channel_deleted_at',
    ])
    .where('m.id', '=', messageId)
    .where('m.conversation_id', '=', conversationId)
    .executeTakeFirst();
}

export type { Provider };
