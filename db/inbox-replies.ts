// The team's replies to conversations: written and handed to the conversation's workflow (the API),
// then approved and sent by that workflow; and the saved replies a reply may start from.
import { sql, type Transaction } from 'kysely';
import type { Database, Db } from './database';
import { appendAudit } from './audit';
import type { Timestamp } from './columns';
import { toMessageView, toReplyView, type MessageView, type ReplyView } from './inbox';
import type { ReplyStatus } from '../contracts/inbox';
import type { ApprovalStep } from '../contracts/approval';
import type { Provider } from '../contracts/domain';

/** A conversation with what a reply to it depends on: its channel's state. */
export async function findReplyTarget(db: Db, workspaceId: string, conversationId: string) {
  return db
    .selectFrom('inbox_conversations as c')
    .leftJoin('channels as ch', 'ch.id', 'c.channel_id')
    .select([
      'c.id',
      'c.workspace_id',
      'c.network',
      'c.channel_id',
      'c.contact_id',
      'c.post_id',
      'c.version',
      'c.status',
      'ch.provider',
      'ch.name as channel_name',
      'ch.healthy',
      'ch.last_error',
      'ch.deleted_at',
    ])
    .where('c.workspace_id', '=', workspaceId)
    .where('c.id', '=', conversationId)
    .executeTakeFirst();
}

/** A message of the conversation (the one a reply answers). */
export async function findConversationMessage(db: Db, conversationId: string, messageId: string) {
  return db
    .selectFrom('inbox_messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('id', '=', messageId)
    .executeTakeFirst();
}

/** The conversation's latest inbound message (what a reply answers when it names none). */
export async function findLatestInbound(db: Db, conversationId: string) {
  return db
    .selectFrom('inbox_messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('direction', '=', 'in')
    .orderBy('sent_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** An inbound message of the workspace (a like's target). */
export async function findWorkspaceMessage(db: Db, workspaceId: string, messageId: string) {
  return db
    .selectFrom('inbox_messages')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', messageId)
    .executeTakeFirst();
}

export async function findReply(db: Db, workspaceId: string, replyId: string) {
  return db
    .selectFrom('inbox_replies')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', replyId)
    .executeTakeFirst();
}

/**
 * What happened on the conversation since `version`: the messages (in and out) and the team's
 * replies newer than the member saw, newest last. Each new message or reply moved the version on
 * by one, so there are as many as the versions between.
 */
export async function newerThan(
  db: Db,
  conversationId: string,
  seen: number,
  current: number,
): Promise<{ messages: MessageView[]; replies: ReplyView[] }> {
  const count = Math.max(1, Math.min(current - seen, 50));
  const [messages, replies] = await Promise.all([
    db
      .selectFrom('inbox_messages')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .orderBy('received_at', 'desc')
      .orderBy('id', 'desc')
      .limit(count)
      .execute(),
    db
      .selectFrom('inbox_replies')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .orderBy('id', 'desc')
      .limit(count)
      .execute(),
  ]);
  // The newest `count` of both together: a message's arrival and a reply's creation on one timeline.
  const timeline = [
    ...messages.map((m) => ({ at: (m.received_at as unknown as Date).getTime(), message: m })),
    ...replies.map((r) => ({ at: r.created_at.getTime(), reply: r })),
  ]
    .sort((x, y) => y.at - x.at)
    .slice(0, count)
    .reverse();
  return {
    messages: timeline.flatMap((t) => ('message' in t ? [toMessageView(t.message)] : [])),
    replies: timeline.flatMap((t) => ('reply' in t ? [toReplyView(t.reply)] : [])),
  };
}

/**
 * Stores a reply written against `version`, moving the conversation's version on, only if the
 * version is still the conversation's (one atomic update: of two replies on the same version, one
 * wins); undefined when it is not (nothing stored).
 */
export async function insertReply(
  trx: Transaction<Database>,
  input: {
    workspaceId: string;
    conversationId: string;
    version: number;
    authorId: string;
    inReplyToMessageId: string;
    text: string;
    savedReplyId: string | null;
    status: ReplyStatus;
    approvalSteps: ApprovalStep[] | null;
  },
) {
  const moved = await trx
    .updateTable('inbox_conversations')
    .set((eb) => ({ version: eb('version', '+', 1), updated_at: sql<Timestamp>`now()` }))
    .where('workspace_id', '=', input.workspaceId)
    .where('id', '=', input.conversationId)
    .where('version', '=', input.version)
    .returning('version')
    .executeTakeFirst();
  if (!moved) return undefined;
  const reply = await trx
    .insertInto('inbox_replies')
    .values({
      workspace_id: input.workspaceId,
      conversation_id: input.conversationId,
      in_reply_to_message_id: input.inReplyToMessageId,
      author_id: input.authorId,
      text: input.text,
      saved_reply_id: input.savedReplyId,
      status: input.status,
      approval_steps: input.approvalSteps ? JSON.stringify(input.approvalSteps) : null,
      conversation_version: input.version,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendAudit(trx, {
    workspaceId: input.workspaceId,
    actorId: input.authorId,
    action: 'conversation.reply_requested',
    subjectType: 'conversation',
    subjectId: input.conversationId,
    after: {
      replyId: reply.id,
      status: reply.status,
      text: reply.text,
      inReplyToMessageId: reply.in_reply_to_message_id,
      savedReplyId: reply.saved_reply_id,
    },
  });
  return { reply: toReplyView(reply), version: moved.version };
}

/** A saved reply of the workspace (kind saved_reply), approved and not expired, or undefined. */
export async function findUsableSavedReply(db: Db, workspaceId: string, id: string) {
  return db
    .selectFrom('library_items')
    .select(['id', 'name', 'body', 'status', 'expires_at'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('kind', '=', 'saved_reply')
    .executeTakeFirst();
}

/** The workspace's approved, unexpired saved replies. */
export async function listUsableSavedReplies(db: Db, workspaceId: string) {
  return db
    .selectFrom('library_items')
    .select(['id', 'name', 'body', 'tags', 'variables'])
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'saved_reply')
    .where('status', '=', 'approved')
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
    .orderBy('name')
    .execute();
}

/**
 * The values a conversation gives a saved reply's variables: its author's name and handle, and the
 * link of the post it answers (the post's link on the conversation's channel, else the thread's
 * first message's).
 */
export async function savedReplyValues(db: Db, workspaceId: string, conversationId: string) {
  const row = await db
    .selectFrom('inbox_conversations as c')
    .innerJoin('inbox_contacts as ct', 'ct.id', 'c.contact_id')
    .select((eb) => [
      'ct.handle',
      'ct.display_name',
      eb
        .selectFrom('post_targets as t')
        .select('t.external_url')
        .whereRef('t.post_id', '=', 'c.post_id')
        .whereRef('t.channel_id', '=', 'c.channel_id')
        .limit(1)
        .as('post_url'),
      eb
        .selectFrom('inbox_messages as m')
        .select('m.url')
        .whereRef('m.conversation_id', '=', 'c.id')
        .orderBy('m.sent_at')
        .limit(1)
        .as('first_url'),
    ])
    .where('c.workspace_id', '=', workspaceId)
    .where('c.id', '=', conversationId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    'author.name': row.display_name ?? row.handle,
    'author.handle': `@${row.handle}`,
    'post.link': row.post_url ?? row.first_url ?? null,
  };
}

// ---- Sending: what the conversation's workflow reads and records ----

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
      'r.network_state',
      'm.id as parent_message_id',
      'm.external_id as parent_external_id',
      'm.external_cid as parent_cid',
      'm.kind as parent_kind',
      'm.parent_external_id as parent_parent_external_id',
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

/** Saves what a send leaves on the network between attempts (before the network is asked to act on it). */
export async function saveReplyNetworkState(db: Db, replyId: string, state: Record<string, unknown>): Promise<void> {
  await db
    .updateTable('inbox_replies')
    .set({ network_state: JSON.stringify(state) })
    .where('id', '=', replyId)
    .execute();
}

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
