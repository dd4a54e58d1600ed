// The team's replies to conversations, from written to handed to the conversation's workflow, and
// the saved replies a reply may start from.
import { sql, type Transaction } from 'kysely';
import type { Database, Db } from './database';
import { appendAudit } from './audit';
import type { Timestamp } from './columns';
import { toMessageView, toReplyView, type MessageView, type ReplyView } from './inbox';
import type { ReplyStatus } from '../contracts/inbox';
import type { ApprovalStep } from '../contracts/approval';

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
