// The inbox's conversations as the team works them: the list with its filters and counts, one
// conversation's thread, notes and who is replying, and the changes the team makes to it.
import { sql, type Expression, type SqlBool, type Transaction } from 'kysely';
import { z } from 'zod';
import type { Database, Db } from './database';
import { appendAudit } from './audit';
import {
  CONVERSATION_KINDS,
  CONVERSATION_STATUSES,
  INBOX_NETWORKS,
  MESSAGE_DIRECTIONS,
  MESSAGE_KINDS,
  PRIORITIES,
  REPLY_STATUSES,
  type ConversationStatus,
  type InboxNetwork,
  type Priority,
} from '../contracts/inbox';
import type { Timestamp } from './columns';
import type { InboxConversation, InboxMessage, InboxReply } from './inbox.types';

/** How long an opened reply box shows its member as replying without a renewal. */
export const REPLY_LEASE_SECONDS = 30;

const contactBrief = z.object({
  id: z.string(),
  network: z.enum(INBOX_NETWORKS),
  handle: z.string(),
  displayName: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  profileUrl: z.string().nullable(),
  spam: z.boolean().describe('Closed as spam: their later items are dropped as noise'),
});

export const conversationView = z.object({
  id: z.string(),
  channelId: z.uuid().nullable().describe('The connected channel it came through; null for pushed items'),
  channelName: z.string().nullable(),
  network: z.enum(INBOX_NETWORKS),
  kind: z.enum(CONVERSATION_KINDS),
  status: z.enum(CONVERSATION_STATUSES),
  priority: z.enum(PRIORITIES),
  tags: z.array(z.string()),
  assigneeId: z.uuid().nullable(),
  sentiment: z
    .object({ label: z.string(), score: z.number().nullable() })
    .nullable()
    .describe("The latest inbound message's sentiment"),
  lead: z.boolean(),
  spam: z.boolean(),
  postId: z.uuid().nullable().describe('The Chorus post it answers'),
  campaignId: z.uuid().nullable(),
  contact: contactBrief,
  messageCount: z.number().int(),
  preview: z.string().describe("The latest message's text, shortened (plain text, never HTML)"),
  firstInboundAt: z.string(),
  lastInboundAt: z.string(),
  lastMessageAt: z.string(),
  firstResponseAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  sla: z.object({
    firstResponseDueAt: z.string().nullable(),
    resolutionDueAt: z.string().nullable(),
    firstResponseBreachedAt: z.string().nullable(),
    resolutionBreachedAt: z.string().nullable(),
    breached: z.boolean(),
  }),
  version: z.number().int().describe('Bumped by every new message in or out; a reply names the version it answers'),
  updatedAt: z.string(),
});
export type ConversationView = z.infer<typeof conversationView>;

export const inboxCountsView = z.object({
  open: z.number().int(),
  pending: z.number().int(),
  closed: z.number().int(),
  mine: z.number().int().describe('Open or pending, assigned to you'),
  unassigned: z.number().int().describe('Open or pending, assigned to no one'),
  breached: z.number().int().describe('Open or pending, past an SLA deadline'),
});

export const messageView = z.object({
  id: z.string(),
  direction: z.enum(MESSAGE_DIRECTIONS),
  kind: z.enum(MESSAGE_KINDS),
  text: z.string().describe('As received: plain text, never HTML'),
  url: z.string().nullable(),
  externalId: z.string(),
  parentExternalId: z.string().nullable(),
  contactId: z.string().nullable().describe('Inbound: who wrote it'),
  authorId: z.uuid().nullable().describe('Outbound: the member whose reply it was'),
  sentiment: z.object({ label: z.string(), score: z.number().nullable() }).nullable(),
  lead: z.boolean(),
  deleted: z.boolean().describe('Deleted on the network since'),
  sentAt: z.string(),
  receivedAt: z.string(),
});
export type MessageView = z.infer<typeof messageView>;

export const noteView = z.object({
  id: z.string(),
  authorId: z.uuid(),
  body: z.string(),
  mentionedUserIds: z.array(z.uuid()),
  createdAt: z.string(),
});

export const replyView = z.object({
  id: z.string(),
  conversationId: z.string(),
  inReplyToMessageId: z.string(),
  authorId: z.uuid(),
  text: z.string(),
  savedReplyId: z.uuid().nullable(),
  status: z.enum(REPLY_STATUSES),
  url: z.string().nullable(),
  error: z.string().nullable(),
  conversationVersion: z.number().int().describe('The version it was written against'),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});
export type ReplyView = z.infer<typeof replyView>;

export const replyingView = z.object({
  userId: z.uuid(),
  name: z.string().nullable(),
  expiresAt: z.string(),
});

export const pastConversationView = z.object({
  id: z.string(),
  status: z.enum(CONVERSATION_STATUSES),
  channelId: z.uuid().nullable(),
  messageCount: z.number().int(),
  preview: z.string(),
  lastMessageAt: z.string(),
});

export const contactView = contactBrief.extend({
  conversations: z.array(pastConversationView).describe('Their conversations with the workspace, newest first'),
  createdAt: z.string(),
});

export const conversationDetailView = z.object({
  conversation: conversationView,
  messages: z.array(messageView).describe('The thread, in and out, oldest first'),
  notes: z.array(noteView),
  replies: z.array(replyView).describe("The team's replies and their status, oldest first"),
  contact: contactView,
  replying: z.array(replyingView).describe('Members with the reply box open now (their lease not expired)'),
  post: z
    .object({ id: z.uuid(), text: z.string().describe('Its first 200 characters') })
    .nullable()
    .describe('The Chorus post the conversation answers'),
  campaign: z.object({ id: z.uuid(), name: z.string() }).nullable().describe("That post's campaign"),
  version: z.number().int(),
});

const PREVIEW_CHARS = 200;
/** now() for the `updated_at` columns (typed as the tables declare them). */
const now = () => sql<Timestamp>`now()`;
const iso = (d: Date | null) => d?.toISOString() ?? null;

type ConversationRow = InboxConversation & {
  channel_name: string | null;
  c_network: InboxNetwork;
  c_handle: string;
  c_display_name: string | null;
  c_avatar_url: string | null;
  c_profile_url: string | null;
  c_spam: boolean;
  preview: string | null;
};

function toConversationView(r: ConversationRow): ConversationView {
  return {
    id: r.id,
    channelId: r.channel_id,
    channelName: r.channel_name,
    network: r.network,
    kind: r.kind,
    status: r.status,
    priority: r.priority,
    tags: r.tags,
    assigneeId: r.assignee_id,
    sentiment: r.sentiment_label === null ? null : { label: r.sentiment_label, score: r.sentiment_score },
    lead: r.lead,
    spam: r.spam,
    postId: r.post_id,
    campaignId: r.campaign_id,
    contact: {
      id: r.contact_id,
      network: r.c_network,
      handle: r.c_handle,
      displayName: r.c_display_name,
      avatarUrl: r.c_avatar_url,
      profileUrl: r.c_profile_url,
      spam: r.c_spam,
    },
    messageCount: r.message_count,
    preview: r.preview ?? '',
    firstInboundAt: r.first_inbound_at.toISOString(),
    lastInboundAt: r.last_inbound_at.toISOString(),
    lastMessageAt: r.last_message_at.toISOString(),
    firstResponseAt: iso(r.first_response_at),
    closedAt: iso(r.closed_at),
    sla: {
      firstResponseDueAt: iso(r.first_response_due_at),
      resolutionDueAt: iso(r.resolution_due_at),
      firstResponseBreachedAt: iso(r.first_response_breached_at),
      resolutionBreachedAt: iso(r.resolution_breached_at),
      breached: r.first_response_breached_at !== null || r.resolution_breached_at !== null,
    },
    version: r.version,
    updatedAt: (r.updated_at as unknown as Date).toISOString(),
  };
}

/** Conversations with their channel's name, contact and latest message's text, in one query. */
function conversations(db: Db | Transaction<Database>) {
  return db
    .selectFrom('inbox_conversations as c')
    .innerJoin('inbox_contacts as ct', 'ct.id', 'c.contact_id')
    .leftJoin('channels as ch', 'ch.id', 'c.channel_id')
    .selectAll('c')
    .select([
      'ch.name as channel_name',
      'ct.network as c_network',
      'ct.handle as c_handle',
      'ct.display_name as c_display_name',
      'ct.avatar_url as c_avatar_url',
      'ct.profile_url as c_profile_url',
      'ct.spam as c_spam',
      (eb) =>
        eb
          .selectFrom('inbox_messages as m')
          .select(sql<string>`left(m.text, ${PREVIEW_CHARS})`.as('t'))
          .whereRef('m.conversation_id', '=', 'c.id')
          .orderBy('m.sent_at', 'desc')
          .orderBy('m.id', 'desc')
          .limit(1)
          .as('preview'),
    ]);
}

export interface ConversationFilter {
  status?: ConversationStatus;
  /** 'me' is resolved to the caller's id before: a user id, or 'unassigned'. */
  assignee?: string;
  channelId?: string;
  network?: InboxNetwork;
  priority?: Priority;
  tag?: string;
  sentiment?: string;
  lead?: boolean;
  campaignId?: string;
  breached?: boolean;
  q?: string;
}

/** Where a page ends: the last conversation's latest message time and id (newest first). */
export interface ConversationCursor {
  lastMessageAt: string;
  id: string;
}

/** `%`, `_` and `\` taken literally by ILIKE. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function listConversations(
  db: Db,
  workspaceId: string,
  filter: ConversationFilter,
  page: { limit: number; after?: ConversationCursor },
): Promise<{ conversations: ConversationView[]; next: ConversationCursor | null }> {
  let query = conversations(db).where('c.workspace_id', '=', workspaceId);
  if (filter.status) query = query.where('c.status', '=', filter.status);
  if (filter.assignee === 'unassigned') query = query.where('c.assignee_id', 'is', null);
  else if (filter.assignee) query = query.where('c.assignee_id', '=', filter.assignee);
  if (filter.channelId) query = query.where('c.channel_id', '=', filter.channelId);
  if (filter.network) query = query.where('c.network', '=', filter.network);
  if (filter.priority) query = query.where('c.priority', '=', filter.priority);
  if (filter.tag) query = query.where(sql<boolean>`${filter.tag} = any(c.tags)`);
  if (filter.sentiment) query = query.where('c.sentiment_label', '=', filter.sentiment);
  if (filter.lead !== undefined) query = query.where('c.lead', '=', filter.lead);
  if (filter.campaignId) query = query.where('c.campaign_id', '=', filter.campaignId);
  if (filter.breached !== undefined) {
    const breached = sql<SqlBool>`(c.first_response_breached_at is not null or c.resolution_breached_at is not null)`;
    query = query.where(filter.breached ? breached : sql<SqlBool>`not ${breached}`);
  }
  if (filter.q) {
    const pattern = `%${likeLiteral(filter.q)}%`;
    query = query.where((eb) =>
      eb.or([
        eb('ct.handle', 'ilike', pattern),
        eb('ct.display_name', 'ilike', pattern),
        eb.exists(
          eb
            .selectFrom('inbox_messages as m')
            .select(sql`1`.as('one'))
            .whereRef('m.conversation_id', '=', 'c.id')
            .where('m.text', 'ilike', pattern),
        ),
        eb.exists(
          eb
            .selectFrom('inbox_notes as n')
            .select(sql`1`.as('one'))
            .whereRef('n.conversation_id', '=', 'c.id')
            .where('n.body', 'ilike', pattern),
        ),
      ]),
    );
  }
  if (page.after) {
    const { lastMessageAt, id } = page.after;
    query = query.where(
      sql<SqlBool>`(c.last_message_at, c.id) < (${lastMessageAt}::timestamptz, ${id}::bigint)` as Expression<SqlBool>,
    );
  }
  const rows = (await query
    .orderBy('c.last_message_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(page.limit + 1)
    .execute()) as ConversationRow[];
  const more = rows.length > page.limit;
  const shown = rows.slice(0, page.limit);
  const last = shown.at(-1);
  return {
    conversations: shown.map(toConversationView),
    next: more && last ? { lastMessageAt: last.last_message_at.toISOString(), id: last.id } : null,
  };
}

/** The filter bar's counts over the whole workspace (the filters aside). */
export async function countConversations(db: Db, workspaceId: string, userId: string) {
  const row = await db
    .selectFrom('inbox_conversations')
    .select([
      sql<number>`count(*) filter (where status = 'open')::int`.as('open'),
      sql<number>`count(*) filter (where status = 'pending')::int`.as('pending'),
      sql<number>`count(*) filter (where status = 'closed')::int`.as('closed'),
      sql<number>`count(*) filter (where status <> 'closed' and assignee_id = ${userId})::int`.as('mine'),
      sql<number>`count(*) filter (where status <> 'closed' and assignee_id is null)::int`.as('unassigned'),
      sql<number>`count(*) filter (where status <> 'closed' and (first_response_breached_at is not null or resolution_breached_at is not null))::int`.as(
        'breached',
      ),
    ])
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  return row;
}

export async function findConversation(
  db: Db | Transaction<Database>,
  workspaceId: string,
  id: string,
): Promise<ConversationView | undefined> {
  const row = (await conversations(db)
    .where('c.workspace_id', '=', workspaceId)
    .where('c.id', '=', id)
    .executeTakeFirst()) as ConversationRow | undefined;
  return row && toConversationView(row);
}

/** The conversation's row as stored (for checks the views do not carry). */
export async function findConversationRow(db: Db | Transaction<Database>, workspaceId: string, id: string) {
  return db
    .selectFrom('inbox_conversations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

function messagesOf(db: Db | Transaction<Database>, conversationId: string) {
  return db
    .selectFrom('inbox_messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('sent_at')
    .orderBy('id')
    .execute();
}

export function toMessageView(m: InboxMessage): MessageView {
  return {
    id: m.id,
    direction: m.direction,
    kind: m.kind,
    text: m.text,
    url: m.url,
    externalId: m.external_id,
    parentExternalId: m.parent_external_id,
    contactId: m.contact_id,
    authorId: m.author_id,
    sentiment: m.sentiment_label === null ? null : { label: m.sentiment_label, score: m.sentiment_score },
    lead: m.lead,
    deleted: m.deleted,
    sentAt: m.sent_at.toISOString(),
    receivedAt: (m.received_at as unknown as Date).toISOString(),
  };
}

function repliesOf(db: Db | Transaction<Database>, conversationId: string) {
  return db
    .selectFrom('inbox_replies')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('id')
    .execute();
}

export function toReplyView(r: InboxReply): ReplyView {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    inReplyToMessageId: r.in_reply_to_message_id,
    authorId: r.author_id,
    text: r.text,
    savedReplyId: r.saved_reply_id,
    status: r.status,
    url: r.url,
    error: r.error,
    conversationVersion: r.conversation_version,
    createdAt: r.created_at.toISOString(),
    sentAt: iso(r.sent_at),
  };
}

/** Who has the conversation's reply box open now, the caller aside when given. */
export async function findReplying(db: Db, workspaceId: string, conversationId: string, besidesUserId?: string) {
  let query = db
    .selectFrom('inbox_reply_leases as l')
    .innerJoin('inbox_conversations as c', 'c.id', 'l.conversation_id')
    .leftJoin('memberships as m', (j) =>
      j.onRef('m.user_id', '=', 'l.user_id').onRef('m.workspace_id', '=', 'c.workspace_id'),
    )
    .select(['l.user_id', 'm.name', 'l.expires_at'])
    .where('c.workspace_id', '=', workspaceId)
    .where('l.conversation_id', '=', conversationId)
    .where('l.expires_at', '>', sql<Date>`now()`)
    // Someone removed from the workspace since shows as no one.
    .where('m.user_id', 'is not', null);
  if (besidesUserId) query = query.where('l.user_id', '!=', besidesUserId);
  const rows = await query.orderBy('l.expires_at').execute();
  return rows.map((r) => ({ userId: r.user_id, name: r.name, expiresAt: r.expires_at.toISOString() }));
}

export async function findContact(db: Db, workspaceId: string, contactId: string) {
  const contact = await db
    .selectFrom('inbox_contacts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', contactId)
    .executeTakeFirst();
  if (!contact) return undefined;
  const past = (await conversations(db)
    .where('c.workspace_id', '=', workspaceId)
    .where('c.contact_id', '=', contactId)
    .orderBy('c.last_message_at', 'desc')
    .limit(50)
    .execute()) as ConversationRow[];
  return {
    id: contact.id,
    network: contact.network,
    handle: contact.handle,
    displayName: contact.display_name,
    avatarUrl: contact.avatar_url,
    profileUrl: contact.profile_url,
    spam: contact.spam,
    createdAt: contact.created_at.toISOString(),
    conversations: past.map((c) => ({
      id: c.id,
      status: c.status,
      channelId: c.channel_id,
      messageCount: c.message_count,
      preview: c.preview ?? '',
      lastMessageAt: c.last_message_at.toISOString(),
    })),
  };
}

/** One conversation as its page shows it: thread, notes, replies, contact, who is replying. */
export async function findConversationDetail(db: Db, workspaceId: string, id: string) {
  const conversation = await findConversation(db, workspaceId, id);
  if (!conversation) return undefined;
  const [messages, notes, replies, contact, replying, post, campaign] = await Promise.all([
    messagesOf(db, id),
    db.selectFrom('inbox_notes').selectAll().where('conversation_id', '=', id).orderBy('id').execute(),
    repliesOf(db, id),
    findContact(db, workspaceId, conversation.contact.id),
    findReplying(db, workspaceId, id),
    conversation.postId === null
      ? undefined
      : db
          .selectFrom('posts')
          .select(['id', sql<string>`left(text, ${PREVIEW_CHARS})`.as('text')])
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', conversation.postId)
          .executeTakeFirst(),
    conversation.campaignId === null
      ? undefined
      : db
          .selectFrom('campaigns')
          .select(['id', 'name'])
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', conversation.campaignId)
          .executeTakeFirst(),
  ]);
  return {
    conversation,
    messages: messages.map(toMessageView),
    notes: notes.map((n) => ({
      id: n.id,
      authorId: n.author_id,
      body: n.body,
      mentionedUserIds: n.mentioned_user_ids,
      createdAt: n.created_at.toISOString(),
    })),
    replies: replies.map(toReplyView),
    contact: contact!,
    replying,
    post: post ?? null,
    campaign: campaign ?? null,
    version: conversation.version,
  };
}

export interface ConversationChange {
  status?: ConversationStatus;
  priority?: Priority;
  tags?: string[];
  assigneeId?: string | null;
}

/**
 * Applies the team's change and audits what it changed (before and after); undefined when the
 * conversation is not the workspace's. Closing stamps closed_at, reopening clears it; the
 * conversation's workflow (told by the caller) resets its SLA timers from the new state.
 */
export async function updateConversation(
  trx: Transaction<Database>,
  input: { workspaceId: string; conversationId: string; actorId: string; change: ConversationChange },
): Promise<{ before: InboxConversation; after: InboxConversation } | undefined> {
  const before = await trx
    .selectFrom('inbox_conversations')
    .selectAll()
    .where('workspace_id', '=', input.workspaceId)
    .where('id', '=', input.conversationId)
    .forUpdate()
    .executeTakeFirst();
  if (!before) return undefined;
  const { status, priority, tags, assigneeId } = input.change;
  const after = await trx
    .updateTable('inbox_conversations')
    .set({
      ...(status !== undefined ? { status } : {}),
      ...(status === 'closed' && before.status !== 'closed' ? { closed_at: new Date() } : {}),
      // Reopened: a new SLA cycle starts now, its first response owed again.
      ...(status !== undefined && status !== 'closed' && before.status === 'closed'
        ? { closed_at: null, first_response_at: null, sla_started_at: new Date() }
        : {}),
      ...(priority !== undefined ? { priority } : {}),
      ...(tags !== undefined ? { tags } : {}),
      ...(assigneeId !== undefined ? { assignee_id: assigneeId } : {}),
      updated_at: now(),
    })
    .where('id', '=', input.conversationId)
    .returningAll()
    .executeTakeFirstOrThrow();
  const fields = { status: 'status', priority: 'priority', tags: 'tags', assigneeId: 'assignee_id' } as const;
  const changed = (Object.keys(fields) as (keyof typeof fields)[]).filter(
    (k) => input.change[k] !== undefined && JSON.stringify(before[fields[k]]) !== JSON.stringify(after[fields[k]]),
  );
  if (changed.length > 0)
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: 'conversation.updated',
      subjectType: 'conversation',
      subjectId: input.conversationId,
      before: Object.fromEntries(changed.map((k) => [k, before[fields[k]]])),
      after: Object.fromEntries(changed.map((k) => [k, after[fields[k]]])),
    });
  return { before, after };
}

/**
 * Closes the conversation as spam: its author's contact is marked spam (the inbound read drops their
 * later items as noise) and every open conversation of theirs in the workspace is closed and flagged.
 * Returns the ids of the conversations closed, whose workflows the caller tells; undefined when the
 * conversation is not in the workspace.
 */
export async function markConversationSpam(
  trx: Transaction<Database>,
  input: { workspaceId: string; conversationId: string; actorId: string },
): Promise<string[] | undefined> {
  const conversation = await trx
    .selectFrom('inbox_conversations')
    .select(['id', 'contact_id'])
    .where('workspace_id', '=', input.workspaceId)
    .where('id', '=', input.conversationId)
    .executeTakeFirst();
  if (!conversation) return undefined;
  const contact = await trx
    .updateTable('inbox_contacts')
    .set({ spam: true, updated_at: now() })
    .where('id', '=', conversation.contact_id)
    .returning(['network', 'handle', 'external_id'])
    .executeTakeFirstOrThrow();
  const closed = await trx
    .updateTable('inbox_conversations')
    .set((eb) => ({
      spam: true,
      status: 'closed',
      closed_at: eb.fn.coalesce('closed_at', sql<Date>`now()`),
      updated_at: now(),
    }))
    .where('workspace_id', '=', input.workspaceId)
    .where('contact_id', '=', conversation.contact_id)
    .where((eb) => eb.or([eb('id', '=', input.conversationId), eb('status', '!=', 'closed')]))
    .returning('id')
    .execute();
  await appendAudit(trx, {
    workspaceId: input.workspaceId,
    actorId: input.actorId,
    action: 'conversation.marked_spam',
    subjectType: 'conversation',
    subjectId: input.conversationId,
    after: {
      contactId: conversation.contact_id,
      network: contact.network,
      handle: contact.handle,
      closed: closed.map((c) => c.id),
    },
  });
  return closed.map((c) => c.id);
}

/** Stores a note (its mentions resolved to member ids) and its notification to those mentioned. */
export async function insertNote(
  trx: Transaction<Database>,
  input: { workspaceId: string; conversationId: string; authorId: string; body: string; mentionedUserIds: string[] },
) {
  const note = await trx
    .insertInto('inbox_notes')
    .values({
      workspace_id: input.workspaceId,
      conversation_id: input.conversationId,
      author_id: input.authorId,
      body: input.body,
      mentioned_user_ids: input.mentionedUserIds,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendAudit(trx, {
    workspaceId: input.workspaceId,
    actorId: input.authorId,
    action: 'conversation.note_added',
    subjectType: 'conversation',
    subjectId: input.conversationId,
    after: { noteId: note.id, mentionedUserIds: input.mentionedUserIds },
  });
  const recipients = input.mentionedUserIds.filter((id) => id !== input.authorId);
  if (recipients.length > 0)
    await trx
      .insertInto('notifications')
      .values({
        workspace_id: input.workspaceId,
        key: `inbox-note:${note.id}`,
        kind: 'conversation_mention',
        subject_type: 'conversation',
        subject_id: input.conversationId,
        recipient_ids: recipients,
        payload: JSON.stringify({
          kind: 'conversation_mention',
          conversationId: input.conversationId,
          noteId: note.id,
          authorId: input.authorId,
          text: input.body.slice(0, 500),
        }),
      })
      .execute();
  return {
    id: note.id,
    authorId: note.author_id,
    body: note.body,
    mentionedUserIds: note.mentioned_user_ids,
    createdAt: note.created_at.toISOString(),
  };
}

/** The workspace's members as a note's @mentions name them: by email, its local part, or name without spaces. */
export async function membersForMentions(db: Db, workspaceId: string) {
  return db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'm.name'])
    .where('m.workspace_id', '=', workspaceId)
    .execute();
}

/** Opens or renews the caller's reply box lease; undefined when the conversation is not the workspace's. */
export async function renewReplyLease(db: Db, workspaceId: string, conversationId: string, userId: string) {
  const found = await findConversationRow(db, workspaceId, conversationId);
  if (!found) return undefined;
  const lease = await db
    .insertInto('inbox_reply_leases')
    .values({
      conversation_id: conversationId,
      user_id: userId,
      expires_at: sql<Date>`now() + make_interval(secs => ${REPLY_LEASE_SECONDS})`,
    })
    .onConflict((oc) =>
      oc.columns(['conversation_id', 'user_id']).doUpdateSet({ expires_at: (eb) => eb.ref('excluded.expires_at') }),
    )
    .returning('expires_at')
    .executeTakeFirstOrThrow();
  return { expiresAt: lease.expires_at.toISOString(), version: found.version };
}

export async function releaseReplyLease(db: Db, workspaceId: string, conversationId: string, userId: string) {
  const found = await findConversationRow(db, workspaceId, conversationId);
  if (!found) return false;
  await db
    .deleteFrom('inbox_reply_leases')
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .execute();
  return true;
}

/** Whether the user is a member of the workspace (an assignee, a pool's member). */
export async function membersAmong(db: Db, workspaceId: string, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('memberships')
    .select('user_id')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', 'in', userIds)
    .execute();
  return new Set(rows.map((r) => r.user_id));
}
