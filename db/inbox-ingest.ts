import { sql, type Transaction } from 'kysely';
import type { InboxNetwork } from '../contracts/inbox';
import type { InboundCounts, InboundCursor, InboundItem } from '../contracts/inbox-inbound';
import { safeInboundField, safeInboundText } from '../content/inbound-text';
import type { Database, Db } from './database';

/** An inbound item with what Chorus makes of it (services/inbox-store.ts): its sentiment and whether it is a lead. */
export interface ScoredInboundItem extends InboundItem {
  sentiment: { label: string; score: number };
  lead: boolean;
}

/** Where the items came from: a connected channel, or a pushing system (no channel). */
export interface InboundSource {
  workspaceId: string;
  channelId: string | null;
  network: InboxNetwork;
}

export interface StoredInbound extends InboundCounts {
  /** Conversations that got a new message (their workflows are told). */
  changedConversationIds: string[];
}

/** The saved positions of a channel's streams. */
export async function loadInboxCursors(db: Db, channelId: string): Promise<Record<string, string>> {
  const rows = await db
    .selectFrom('inbox_cursors')
    .select(['stream', 'cursor'])
    .where('channel_id', '=', channelId)
    .execute();
  return Object.fromEntries(rows.map((r) => [r.stream, r.cursor]));
}

/**
 * Stores a page of inbound items and, in the same transaction, the stream's position after them
 * (so a read that stops anywhere resumes neither past nor before what it stored):
 * - the author's contact is upserted (profile as last seen); an author the team closed as spam is
 *   dropped (`filtered`);
 * - the conversation is found or created by its thread key, linked to the Chorus post (and its
 *   campaign) whose published target is what the item answers;
 * - the message is inserted once: a repeat (the unique item key) is `skipped`;
 * - the conversation's version, counts and times move on, its sentiment and lead flag follow the
 *   message, and a closed conversation reopens.
 */
export async function storeInboundItems(
  db: Db | Transaction<Database>,
  source: InboundSource,
  items: ScoredInboundItem[],
  cursor?: InboundCursor,
): Promise<StoredInbound> {
  // Inside a caller's transaction (a push delivery stored once) or a transaction of its own.
  const inTransaction = <T>(work: (trx: Transaction<Database>) => Promise<T>) =>
    db.isTransaction ? work(db as Transaction<Database>) : db.transaction().execute(work);
  return inTransaction(async (trx) => {
    const result: StoredInbound = { stored: 0, skipped: 0, filtered: 0, changedConversationIds: [] };
    const changed = new Set<string>();
    // Contacts are shared by every channel of the workspace: rows locked in one order, so two reads
    // storing the same authors at once wait for each other instead of deadlocking.
    const ordered = [...items].sort((a, b) =>
      a.author.externalId < b.author.externalId ? -1 : a.author.externalId > b.author.externalId ? 1 : 0,
    );
    for (const item of ordered) {
      const outcome = await storeOne(trx, source, item);
      if (outcome === 'filtered') result.filtered++;
      else if (outcome === 'skipped') result.skipped++;
      else {
        result.stored++;
        changed.add(outcome);
      }
    }
    if (cursor && source.channelId) await saveCursor(trx, source.channelId, cursor);
    result.changedConversationIds = [...changed];
    return result;
  });
}

async function saveCursor(trx: Transaction<Database>, channelId: string, { stream, cursor }: InboundCursor) {
  await trx
    .insertInto('inbox_cursors')
    .values({ channel_id: channelId, stream, cursor })
    .onConflict((oc) => oc.columns(['channel_id', 'stream']).doUpdateSet({ cursor, updated_at: sql`now()` }))
    .execute();
}

/** The conversation id it was stored in, or why it was not. */
async function storeOne(
  trx: Transaction<Database>,
  source: InboundSource,
  item: ScoredInboundItem,
): Promise<string | 'filtered' | 'skipped'> {
  const externalId = safeInboundField(item.externalId, 1000) ?? '';
  // Seen before: nothing to do, not even the contact (a read after a restart repeats a page).
  const seen = await trx
    .selectFrom('inbox_messages')
    .select('id')
    .where('workspace_id', '=', source.workspaceId)
    .where(sql<boolean>`channel_id is not distinct from ${source.channelId}`)
    .where('network', '=', source.network)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  if (seen) return 'skipped';

  const author = item.author;
  const profile = {
    handle: safeInboundField(author.handle, 300) ?? safeInboundField(author.externalId, 300) ?? 'unknown',
    display_name: safeInboundField(author.displayName, 300),
    avatar_url: safeInboundField(author.avatarUrl, 2000),
    profile_url: safeInboundField(author.profileUrl, 2000),
  };
  const contact = await trx
    .insertInto('inbox_contacts')
    .values({
      workspace_id: source.workspaceId,
      network: source.network,
      external_id: safeInboundField(author.externalId, 500) ?? 'unknown',
      ...profile,
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'network', 'external_id']).doUpdateSet({ ...profile, updated_at: sql`now()` }),
    )
    .returning(['id', 'spam'])
    .executeTakeFirstOrThrow();
  if (contact.spam) return 'filtered';

  const sentAt = validDate(item.sentAt);
  const threadKey = safeInboundField(item.threadKey, 1000) ?? externalId;
  const conversationId = await findOrCreateConversation(trx, source, item, threadKey, contact.id, sentAt);

  const text = safeInboundText(item.text);
  const inserted = await trx
    .insertInto('inbox_messages')
    .values({
      workspace_id: source.workspaceId,
      conversation_id: conversationId,
      channel_id: source.channelId,
      network: source.network,
      direction: 'in',
      kind: item.kind,
      external_id: externalId,
      external_cid: safeInboundField(item.externalCid, 200),
      url: safeInboundField(item.url, 2000),
      parent_external_id: safeInboundField(item.parent?.id, 1000),
      parent_cid: safeInboundField(item.parent?.cid, 200),
      root_external_id: safeInboundField(item.root?.id, 1000),
      root_cid: safeInboundField(item.root?.cid, 200),
      contact_id: contact.id,
      text,
      sentiment_label: item.sentiment.label,
      sentiment_score: item.sentiment.score,
      lead: item.lead,
      sent_at: sentAt,
    })
    .onConflict((oc) => oc.constraint('inbox_messages_item_uq').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return 'skipped';

  await trx
    .updateTable('inbox_conversations')
    .set((eb) => ({
      version: eb('version', '+', 1),
      message_count: eb('message_count', '+', 1),
      last_inbound_at: sql<Date>`greatest(last_inbound_at, ${sentAt})`,
      last_message_at: sql<Date>`greatest(last_message_at, ${sentAt})`,
      sentiment_label: item.sentiment.label,
      sentiment_score: item.sentiment.score,
      lead: sql<boolean>`lead or ${item.lead}`,
      // A closed conversation that hears again is open again: a new SLA cycle starts now, its first
      // response to come.
      first_response_at: sql<Date | null>`case when status = 'closed' then null else first_response_at end`,
      sla_started_at: sql<Date | null>`case when status = 'closed' then now() else sla_started_at end`,
      closed_at: sql<Date | null>`case when status = 'closed' then null else closed_at end`,
      status: sql<'open' | 'pending' | 'closed'>`case when status = 'closed' then 'open' else status end`,
      updated_at: sql<never>`now()`,
    }))
    .where('id', '=', conversationId)
    .execute();
  return conversationId;
}

async function findOrCreateConversation(
  trx: Transaction<Database>,
  source: InboundSource,
  item: ScoredInboundItem,
  threadKey: string,
  contactId: string,
  sentAt: Date,
): Promise<string> {
  const existing = () =>
    trx
      .selectFrom('inbox_conversations')
      .select('id')
      .where('workspace_id', '=', source.workspaceId)
      .where(sql<boolean>`channel_id is not distinct from ${source.channelId}`)
      .where('network', '=', source.network)
      .where('thread_key', '=', threadKey)
      .executeTakeFirst();
  const found = await existing();
  if (found) return found.id;
  const post = await answeredPost(trx, source, item.answers);
  const created = await trx
    .insertInto('inbox_conversations')
    .values({
      workspace_id: source.workspaceId,
      channel_id: source.channelId,
      network: source.network,
      kind: item.conversationKind,
      thread_key: threadKey,
      post_id: post?.postId ?? null,
      campaign_id: post?.campaignId ?? null,
      contact_id: contactId,
      first_inbound_at: sentAt,
      last_inbound_at: sentAt,
      last_message_at: sentAt,
    })
    .onConflict((oc) => oc.constraint('inbox_conversations_thread_uq').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (created) return created.id;
  // Another transaction made it in the meantime (a push and a read at once): theirs it is.
  return (await existing())!.id;
}

/** The Chorus post whose published target (on this channel, for a channel's items) is one of `answers`. */
async function answeredPost(trx: Transaction<Database>, source: InboundSource, answers: string[]) {
  const ids = answers.filter((a) => a.length > 0);
  if (ids.length === 0) return undefined;
  let query = trx
    .selectFrom('post_targets as t')
    .innerJoin('posts as p', 'p.id', 't.post_id')
    .select(['p.id as postId', 'p.campaign_id as campaignId', 't.external_id'])
    .where('p.workspace_id', '=', source.workspaceId)
    .where('t.external_id', 'in', ids);
  if (source.channelId) query = query.where('t.channel_id', '=', source.channelId);
  const rows = await query.execute();
  // The first answer (the thread's root) wins over a quoted post.
  for (const id of ids) {
    const row = rows.find((r) => r.external_id === id);
    if (row) return row;
  }
  return undefined;
}

function validDate(value: string): Date {
  const date = new Date(value);
  const now = Date.now();
  // A network's clock (or a pushing system) may be off; an unreadable or far-future time is "now".
  return Number.isNaN(date.getTime()) || date.getTime() > now + 5 * 60_000 ? new Date(now) : date;
}

/** Every live channel whose inbox is read (Bluesky, Mastodon), across workspaces: their reads are started at boot. */
export function listInboxChannels(db: Db) {
  return db
    .selectFrom('channels')
    .select(['id', 'workspace_id as workspaceId', 'provider', 'credentials_sealed as credentialsSealed'])
    .where('deleted_at', 'is', null)
    .where('provider', 'in', ['bluesky', 'mastodon'])
    .execute();
}
