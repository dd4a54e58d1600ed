import { sql, type Transaction } from 'kysely';
import { INBOX_CHANNEL_PROVIDERS, type InboxNetwork } from '../contracts/inbox';
import type { InboundCounts, InboundCursor, InboundItem } from '../contracts/inbox-inbound';
import { safeInboundField, safeInboundText } from '../content/inbound-text';
import type { Database, Db } from './database';
import { queueConversationSignals } from './inbox-signals';

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
  /** Conversations that got a new message. */
  changedConversationIds: string[];
  /** How many of them were queued for their workflow's signal (db/inbox-signals.ts). */
  signalsQueued: number;
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
 * - the changed conversations whose workflows have work to do are queued for their signal (the
 *   outbox: `queueConversationSignals`), sent by the relay of `taskQueue`'s deployment after the
 *   commit; nothing waits for Temporal here, and a crash loses none.
 * A page takes a fixed handful of statements whatever its size (one per step above, each over all
 * the page's rows): per-item round trips held the read to about 100 items/s (docs/benchmarks.md).
 */
export async function storeInboundItems(
  db: Db | Transaction<Database>,
  source: InboundSource,
  items: ScoredInboundItem[],
  { cursor, taskQueue }: { cursor?: InboundCursor; taskQueue: string },
): Promise<StoredInbound> {
  // Inside a caller's transaction (a push delivery stored once) or a transaction of its own.
  const inTransaction = <T>(work: (trx: Transaction<Database>) => Promise<T>) =>
    db.isTransaction ? work(db as Transaction<Database>) : db.transaction().execute(work);
  return inTransaction(async (trx) => {
    const result = await storePage(trx, source, items);
    result.signalsQueued = await queueConversationSignals(trx, {
      workspaceId: source.workspaceId,
      taskQueue,
      conversationIds: result.changedConversationIds,
    });
    if (cursor && source.channelId) await saveCursor(trx, source.channelId, cursor);
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

/** An item made safe to store, with the keys the page's statements match it by. */
interface PageItem {
  item: ScoredInboundItem;
  externalId: string;
  authorKey: string;
  threadKey: string;
  sentAt: Date;
}

const byKey =
  <T>(key: (v: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

async function storePage(
  trx: Transaction<Database>,
  source: InboundSource,
  items: ScoredInboundItem[],
): Promise<StoredInbound> {
  const result: StoredInbound = { stored: 0, skipped: 0, filtered: 0, changedConversationIds: [], signalsQueued: 0 };
  // Items in their authors' order, as contacts are locked below; within the page, a later item
  // wins where they disagree (the profile as last seen, the conversation's sentiment).
  const page: PageItem[] = [...items].sort(byKey((i) => i.author.externalId)).map((item) => {
    const externalId = safeInboundField(item.externalId, 1000) ?? '';
    return {
      item,
      externalId,
      authorKey: safeInboundField(item.author.externalId, 500) ?? 'unknown',
      threadKey: safeInboundField(item.threadKey, 1000) ?? externalId,
      sentAt: validDate(item.sentAt),
    };
  });
  if (page.length === 0) return result;

  // Seen before: nothing to do, not even the contact (a read after a restart repeats a page). An
  // item repeated within the page is seen from its second time on.
  const seenRows = await trx
    .selectFrom('inbox_messages')
    .select('external_id')
    .where('workspace_id', '=', source.workspaceId)
    .where(sql<boolean>`channel_id is not distinct from ${source.channelId}`)
    .where('network', '=', source.network)
    .where('external_id', 'in', [...new Set(page.map((p) => p.externalId))])
    .execute();
  const seen = new Set(seenRows.map((r) => r.external_id));
  const fresh: PageItem[] = [];
  for (const p of page) {
    if (seen.has(p.externalId)) result.skipped++;
    else {
      seen.add(p.externalId);
      fresh.push(p);
    }
  }
  if (fresh.length === 0) return result;

  // Contacts are shared by every channel of the workspace: one row per author, in one order, so two
  // reads storing the same authors at once wait for each other instead of deadlocking.
  const profiles = new Map<string, PageItem>();
  for (const p of fresh) profiles.set(p.authorKey, p);
  const contactRows = await trx
    .insertInto('inbox_contacts')
    .values(
      [...profiles.keys()].sort().map((authorKey) => ({
        workspace_id: source.workspaceId,
        network: source.network,
        external_id: authorKey,
        ...profileOf(profiles.get(authorKey)!.item),
      })),
    )
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'network', 'external_id']).doUpdateSet((eb) => ({
        handle: eb.ref('excluded.handle'),
        display_name: eb.ref('excluded.display_name'),
        avatar_url: eb.ref('excluded.avatar_url'),
        profile_url: eb.ref('excluded.profile_url'),
        updated_at: sql`now()`,
      })),
    )
    .returning(['id', 'spam', 'external_id'])
    .execute();
  const contacts = new Map(contactRows.map((c) => [c.external_id, c]));
  const kept: (PageItem & { contactId: string })[] = [];
  for (const p of fresh) {
    const contact = contacts.get(p.authorKey)!;
    if (contact.spam) result.filtered++;
    else kept.push({ ...p, contactId: contact.id });
  }
  if (kept.length === 0) return result;

  const conversations = await findOrCreateConversations(trx, source, kept);

  const inserted = await trx
    .insertInto('inbox_messages')
    .values(
      kept.map(({ item, externalId, threadKey, contactId, sentAt }) => ({
        workspace_id: source.workspaceId,
        conversation_id: conversations.get(threadKey)!,
        channel_id: source.channelId,
        network: source.network,
        direction: 'in' as const,
        kind: item.kind,
        external_id: externalId,
        external_cid: safeInboundField(item.externalCid, 200),
        url: safeInboundField(item.url, 2000),
        parent_external_id: safeInboundField(item.parent?.id, 1000),
        parent_cid: safeInboundField(item.parent?.cid, 200),
        root_external_id: safeInboundField(item.root?.id, 1000),
        root_cid: safeInboundField(item.root?.cid, 200),
        contact_id: contactId,
        text: safeInboundText(item.text),
        sentiment_label: item.sentiment.label,
        sentiment_score: item.sentiment.score,
        lead: item.lead,
        sent_at: sentAt,
      })),
    )
    .onConflict((oc) => oc.constraint('inbox_messages_item_uq').doNothing())
    .returning('external_id')
    .execute();
  // Not inserted: stored by another transaction since the select above (a repeat after all).
  const insertedIds = new Set(inserted.map((r) => r.external_id));

  // Per conversation, what its new messages change: their number, the latest time, the last
  // message's sentiment, and a lead if any of them is one.
  const changes = new Map<string, { n: number; lastAt: Date; label: string; score: number; lead: boolean }>();
  for (const p of kept) {
    if (!insertedIds.has(p.externalId)) {
      result.skipped++;
      continue;
    }
    result.stored++;
    const id = conversations.get(p.threadKey)!;
    const { label, score } = p.item.sentiment;
    const before = changes.get(id);
    changes.set(id, {
      n: (before?.n ?? 0) + 1,
      lastAt: before && before.lastAt > p.sentAt ? before.lastAt : p.sentAt,
      label,
      score,
      lead: (before?.lead ?? false) || p.item.lead,
    });
  }
  if (changes.size === 0) return result;

  const ids = [...changes.keys()].sort();
  const values = sql.join(
    ids.map((id) => {
      const c = changes.get(id)!;
      return sql`(${id}::bigint, ${c.n}::integer, ${c.lastAt}::timestamptz, ${c.label}::text, ${c.score}::real, ${c.lead}::boolean)`;
    }),
  );
  // A closed conversation that hears again is open again: a new SLA cycle starts now, its first
  // response to come.
  await sql`
    update inbox_conversations c set
      version = c.version + v.n,
      message_count = c.message_count + v.n,
      last_inbound_at = greatest(c.last_inbound_at, v.last_at),
      last_message_at = greatest(c.last_message_at, v.last_at),
      sentiment_label = v.label,
      sentiment_score = v.score,
      lead = c.lead or v.lead,
      first_response_at = case when c.status = 'closed' then null else c.first_response_at end,
      sla_started_at = case when c.status = 'closed' then now() else c.sla_started_at end,
      closed_at = case when c.status = 'closed' then null else c.closed_at end,
      status = case when c.status = 'closed' then 'open' else c.status end,
      updated_at = now()
    from (values ${values}) as v(id, n, last_at, label, score, lead)
    where c.id = v.id`.execute(trx);
  result.changedConversationIds = ids;
  return result;
}

function profileOf(item: ScoredInboundItem) {
  const author = item.author;
  return {
    handle: safeInboundField(author.handle, 300) ?? safeInboundField(author.externalId, 300) ?? 'unknown',
    display_name: safeInboundField(author.displayName, 300),
    avatar_url: safeInboundField(author.avatarUrl, 2000),
    profile_url: safeInboundField(author.profileUrl, 2000),
  };
}

/** Each thread key's conversation id: found, or created by the first of the page's items in it. */
async function findOrCreateConversations(
  trx: Transaction<Database>,
  source: InboundSource,
  items: (PageItem & { contactId: string })[],
): Promise<Map<string, string>> {
  const firsts = new Map<string, PageItem & { contactId: string }>();
  for (const p of items) if (!firsts.has(p.threadKey)) firsts.set(p.threadKey, p);
  const existing = async (threadKeys: string[]) => {
    const rows = await trx
      .selectFrom('inbox_conversations')
      .select(['id', 'thread_key'])
      .where('workspace_id', '=', source.workspaceId)
      .where(sql<boolean>`channel_id is not distinct from ${source.channelId}`)
      .where('network', '=', source.network)
      .where('thread_key', 'in', threadKeys)
      .execute();
    for (const row of rows) found.set(row.thread_key, row.id);
  };
  const found = new Map<string, string>();
  await existing([...firsts.keys()]);
  // New threads in one order, so a push and a read creating the same ones at once do not deadlock.
  const missing = [...firsts.keys()].filter((k) => !found.has(k)).sort();
  if (missing.length === 0) return found;
  const posts = await answeredPosts(
    trx,
    source,
    missing.flatMap((k) => firsts.get(k)!.item.answers),
  );
  const created = await trx
    .insertInto('inbox_conversations')
    .values(
      missing.map((threadKey) => {
        const { item, contactId, sentAt } = firsts.get(threadKey)!;
        const post = answeredPost(posts, item.answers);
        return {
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
        };
      }),
    )
    .onConflict((oc) => oc.constraint('inbox_conversations_thread_uq').doNothing())
    .returning(['id', 'thread_key'])
    .execute();
  for (const row of created) found.set(row.thread_key, row.id);
  // Another transaction made some in the meantime (a push and a read at once): theirs they are.
  const raced = missing.filter((k) => !found.has(k));
  if (raced.length > 0) await existing(raced);
  return found;
}

type AnsweredPost = { postId: string; campaignId: string | null; external_id: string | null };

/** The Chorus posts whose published target (on this channel, for a channel's items) is one of `answers`. */
async function answeredPosts(
  trx: Transaction<Database>,
  source: InboundSource,
  answers: string[],
): Promise<AnsweredPost[]> {
  const ids = [...new Set(answers.filter((a) => a.length > 0))];
  if (ids.length === 0) return [];
  let query = trx
    .selectFrom('post_targets as t')
    .innerJoin('posts as p', 'p.id', 't.post_id')
    .select(['p.id as postId', 'p.campaign_id as campaignId', 't.external_id'])
    .where('p.workspace_id', '=', source.workspaceId)
    .where('t.external_id', 'in', ids);
  if (source.channelId) query = query.where('t.channel_id', '=', source.channelId);
  return query.execute();
}

/** The post an item answers: the first answer (the thread's root) wins over a quoted post. */
function answeredPost(posts: AnsweredPost[], answers: string[]) {
  for (const id of answers) {
    if (id.length === 0) continue;
    const row = posts.find((r) => r.external_id === id);
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

/** Every live channel whose inbox is read (INBOX_CHANNEL_PROVIDERS), across workspaces: their reads are started at boot. */
export function listInboxChannels(db: Db) {
  return db
    .selectFrom('channels')
    .select(['id', 'workspace_id as workspaceId', 'provider', 'credentials_sealed as credentialsSealed'])
    .where('deleted_at', 'is', null)
    .where('provider', 'in', [...INBOX_CHANNEL_PROVIDERS])
    .execute();
}
