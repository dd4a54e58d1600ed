import { sql, type ColumnType, type Generated, type Insertable, type Selectable, type Updateable } from 'kysely';
import { appendAudit, type AuditEntry } from './audit';
import type { Db } from './database';
import type { CreatedAt, Timestamp } from './columns';
import type { AlertingRule } from './alerts';

export interface ListeningSources {
  /** A relay or PDS to read the firehose from (com.atproto.sync.subscribeRepos), and the PLC directory. */
  bluesky?: { service: string; plcUrl?: string; fromCursor?: number };
  /** RSS or Atom feeds, polled with conditional GET at each turn of the loop. */
  rss?: string[];
  /** Mastodon hashtag or search timelines; an access token is stored sealed, never in clear. */
  mastodon?: MastodonSource[];
  /** Match the mentions pushed to POST /v1/listening/ingest by the workspace's ingest keys. */
  push?: boolean;
}

export interface MastodonSource {
  instance: string;
  hashtag?: string;
  search?: string;
  /** The access token, sealed with the credentials key (see db/sealing.ts). */
  accessTokenSealed?: string;
}

export interface NoiseFilters {
  minLength?: number;
  languages?: string[];
  blockAuthors?: string[];
  blockDomains?: string[];
}

export interface MastodonStatesTable {
  query_id: string;
  /** See timelineKey in listening/mastodon.ts. */
  timeline: string;
  /** The newest status id read: the next read asks for statuses after it (min_id). */
  position: string | null;
  /** Rate limit used up: no request before this time. */
  paused_until: Timestamp | null;
  healthy: Generated<boolean>;
  last_error: string | null;
  checked_at: Timestamp;
}

export interface IngestKeysTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  /** The Standard Webhooks secret (whsec_…), sealed: signatures are checked with it. */
  secret_sealed: string;
  created_by: string;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface IngestDeliveriesTable {
  key_id: string;
  delivery_id: string;
  received_at: CreatedAt;
  /** What the delivery did, answered again to a retry of it. */
  result: ColumnType<unknown, string, string>;
}

export interface FeedStatesTable {
  query_id: string;
  url: string;
  etag: string | null;
  last_modified: string | null;
  healthy: Generated<boolean>;
  last_error: string | null;
  checked_at: Timestamp;
}

export interface ListeningQueriesTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  expression: string;
  kind: 'brand' | 'competitor' | 'topic';
  sources: ColumnType<ListeningSources, string, string>;
  filters: ColumnType<NoiseFilters, string, string>;
  alerting: ColumnType<Partial<AlertingRule>, string | undefined, string>;
  status: 'active' | 'paused' | 'deleted';
  bluesky_cursor: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  /** Since when it has listened without a break (created, resumed, sources changed): the spike baseline starts here. */
  listening_since: ColumnType<Date, Date | string | undefined, Date | string>;
  workflow_id: string;
  created_by: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface MentionsTable {
  id: Generated<string>;
  workspace_id: string;
  query_id: string;
  source: string;
  source_id: string;
  author: string;
  text: string;
  lang: string | null;
  url: string | null;
  posted_at: Timestamp;
  sentiment_score: number;
  sentiment_label: string;
  /** A person's correction; statistics use it over the computed label. */
  corrected_label: string | null;
  lead: Generated<boolean>;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  dedupe_key: string;
  /** Hash of the normalised words (texts of five words or more): finds the same text from many accounts. */
  text_key: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
}

export interface ListeningFilteredTable {
  query_id: string;
  source_id: string;
  reason: string;
  at: CreatedAt;
}

/** What a query has stored, from every source (its reads, pushes): the database is the count. */
export interface StoredCounts {
  stored: number;
  filtered: number;
  filteredByReason: Record<string, number>;
}

export async function storedCounts(db: Db, queryId: string): Promise<StoredCounts> {
  const [stored, filtered] = await Promise.all([
    db
      .selectFrom('mentions')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('query_id', '=', queryId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('listening_filtered')
      .select(['reason', sql<number>`count(*)::int`.as('n')])
      .where('query_id', '=', queryId)
      .groupBy('reason')
      .execute(),
  ]);
  return {
    stored: stored.n,
    filtered: filtered.reduce((sum, f) => sum + f.n, 0),
    filteredByReason: Object.fromEntries(filtered.map((f) => [f.reason, f.n])),
  };
}

/** A query by id, whatever its workspace (its workflow's own). */
export async function loadListeningQuery(db: Db, queryId: string) {
  return db.selectFrom('listening_queries').selectAll().where('id', '=', queryId).executeTakeFirstOrThrow();
}

export async function findFeedState(db: Db, queryId: string, url: string) {
  return db
    .selectFrom('feed_states')
    .selectAll()
    .where('query_id', '=', queryId)
    .where('url', '=', url)
    .executeTakeFirst();
}

export async function saveFeedState(
  db: Db,
  queryId: string,
  url: string,
  state: { etag: string | null; lastModified: string | null; error: string | null },
) {
  const values = {
    etag: state.etag,
    last_modified: state.lastModified,
    healthy: state.error === null,
    last_error: state.error,
    checked_at: new Date(),
  };
  await db
    .insertInto('feed_states')
    .values({ query_id: queryId, url, ...values })
    .onConflict((oc) => oc.columns(['query_id', 'url']).doUpdateSet(values))
    .execute();
}

export async function findMastodonState(db: Db, queryId: string, timeline: string) {
  return db
    .selectFrom('mastodon_states')
    .selectAll()
    .where('query_id', '=', queryId)
    .where('timeline', '=', timeline)
    .executeTakeFirst();
}

/**
 * Saves a Mastodon timeline's read state, only while the query still lists the timeline (`listed`,
 * its JSON as in the query's sources): a read winding down after a PATCH removed it must not bring
 * its state back.
 */
export async function saveMastodonState(
  db: Db,
  { queryId, timeline, listed }: { queryId: string; timeline: string; listed: string },
  values: { position?: string | null; paused_until?: Date | null; healthy: boolean; last_error: string | null },
) {
  const row = { position: null, paused_until: null, ...values, checked_at: new Date() };
  return db
    .insertInto('mastodon_states')
    .columns(['query_id', 'timeline', 'position', 'paused_until', 'healthy', 'last_error', 'checked_at'])
    .expression(
      db
        .selectFrom('listening_queries')
        .select([
          sql<string>`${queryId}::uuid`.as('query_id'),
          sql<string>`${timeline}::text`.as('timeline'),
          sql<string | null>`${row.position}::text`.as('position'),
          sql<Date | null>`${row.paused_until}::timestamptz`.as('paused_until'),
          sql<boolean>`${row.healthy}::boolean`.as('healthy'),
          sql<string | null>`${row.last_error}::text`.as('last_error'),
          sql<Date>`${row.checked_at}::timestamptz`.as('checked_at'),
        ])
        .where('id', '=', queryId)
        .where(sql<boolean>`sources->'mastodon' @> ${listed}::jsonb`),
    )
    .onConflict((oc) => oc.columns(['query_id', 'timeline']).doUpdateSet({ ...values, checked_at: row.checked_at }))
    .execute();
}

/**
 * Saves a query's Bluesky cursor, only for the source the read was for (`source`, its JSON as in the
 * query's sources): after a PATCH changed it (and reset the cursor), a read still winding down must
 * not write its old position back; and a cursor never moves back.
 */
export async function saveBlueskyCursor(db: Db, queryId: string, source: string, seq: number): Promise<void> {
  await db
    .updateTable('listening_queries')
    .set({ bluesky_cursor: sql`greatest(coalesce(bluesky_cursor, -1), ${seq})` })
    .where('id', '=', queryId)
    .where(sql<boolean>`sources->'bluesky' = ${source}::jsonb`)
    .execute();
}

export type ListeningQueryRow = Selectable<ListeningQueriesTable>;

/** A query of the workspace that is not deleted. */
export async function findListeningQuery(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<ListeningQueryRow | undefined> {
  return db
    .selectFrom('listening_queries')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('status', '!=', 'deleted')
    .executeTakeFirst();
}

export async function listListeningQueries(db: Db, workspaceId: string): Promise<ListeningQueryRow[]> {
  return db
    .selectFrom('listening_queries')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('status', '!=', 'deleted')
    .orderBy('created_at')
    .execute();
}

/** The workspace's active queries, oldest first. */
export async function listActiveQueries(db: Db, workspaceId: string): Promise<ListeningQueryRow[]> {
  return db
    .selectFrom('listening_queries')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('status', '=', 'active')
    .orderBy('created_at')
    .execute();
}

export async function insertListeningQuery(db: Db, row: Insertable<ListeningQueriesTable>): Promise<void> {
  await db.insertInto('listening_queries').values(row).execute();
}

/** The read positions and health of a query's feeds and Mastodon timelines. */
export async function sourceStates(db: Db, queryId: string) {
  const [feeds, timelines] = await Promise.all([
    db
      .selectFrom('feed_states')
      .select(['url', 'healthy', 'last_error', 'checked_at'])
      .where('query_id', '=', queryId)
      .execute(),
    db.selectFrom('mastodon_states').selectAll().where('query_id', '=', queryId).execute(),
  ]);
  return { feeds, timelines };
}

/**
 * Saves a change to a query and its audit entry at once. With `keptSources`, forgets the read
 * positions and health of sources no longer listed: re-adding one later starts afresh.
 */
export async function changeListeningQuery(
  db: Db,
  queryId: string,
  changes: Updateable<ListeningQueriesTable>,
  keptSources: { timelines: string[]; rss: string[] } | undefined,
  audit: AuditEntry,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('listening_queries').set(changes).where('id', '=', queryId).execute();
    if (keptSources) {
      let staleTimelines = trx.deleteFrom('mastodon_states').where('query_id', '=', queryId);
      if (keptSources.timelines.length)
        staleTimelines = staleTimelines.where('timeline', 'not in', keptSources.timelines);
      await staleTimelines.execute();
      let staleFeeds = trx.deleteFrom('feed_states').where('query_id', '=', queryId);
      if (keptSources.rss.length) staleFeeds = staleFeeds.where('url', 'not in', keptSources.rss);
      await staleFeeds.execute();
    }
    await appendAudit(trx, audit);
  });
}

/** Pause, resume or delete; a resume from a pause restarts the spike baseline (`listening_since`). */
export async function setListeningQueryStatus(
  db: Db,
  queryId: string,
  status: ListeningQueryRow['status'],
  { resumed = false } = {},
): Promise<void> {
  await db
    .updateTable('listening_queries')
    .set({ status, ...(resumed ? { listening_since: new Date() } : {}), updated_at: new Date() })
    .where('id', '=', queryId)
    .execute();
}

export type Sentiment = 'positive' | 'negative' | 'neutral';

/** Mentions of the workspace, newest first; `sentiment` matches the correction where there is one. */
export async function listMentions(
  db: Db,
  workspaceId: string,
  filter: {
    queryId?: string;
    source?: string;
    sentiment?: Sentiment;
    from?: string;
    to?: string;
    lead?: boolean;
    limit: number;
  },
) {
  let query = db.selectFrom('mentions').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.queryId) query = query.where('query_id', '=', filter.queryId);
  if (filter.source) query = query.where('source', '=', filter.source);
  if (filter.sentiment)
    query = query.where(sql<boolean>`coalesce(corrected_label, sentiment_label) = ${filter.sentiment}`);
  if (filter.from) query = query.where('posted_at', '>=', new Date(filter.from));
  if (filter.to) query = query.where('posted_at', '<', new Date(filter.to));
  if (filter.lead !== undefined) query = query.where('lead', '=', filter.lead);
  return query.orderBy('posted_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}

/** Corrects a mention's sentiment and/or replaces its tags; undefined when the workspace has no such mention. */
export async function correctMention(
  db: Db,
  workspaceId: string,
  mentionId: string,
  change: { sentiment?: Sentiment; tags?: string[] },
) {
  // Nothing to change (an empty PATCH): the mention as it is; an UPDATE with no SET is no SQL.
  if (!change.sentiment && !change.tags)
    return db
      .selectFrom('mentions')
      .select(['id', 'corrected_label', 'sentiment_label', 'tags'])
      .where('id', '=', mentionId)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
  return db
    .updateTable('mentions')
    .set({
      ...(change.sentiment ? { corrected_label: change.sentiment } : {}),
      ...(change.tags ? { tags: change.tags } : {}),
    })
    .where('id', '=', mentionId)
    .where('workspace_id', '=', workspaceId)
    .returning(['id', 'corrected_label', 'sentiment_label', 'tags'])
    .executeTakeFirst();
}

/** The text, author and time of the workspace's mentions since `since` (at most 50 000). */
export async function mentionsSince(db: Db, workspaceId: string, since: Date, queryId?: string) {
  let query = db
    .selectFrom('mentions')
    .select(['text', 'author', 'posted_at'])
    .where('workspace_id', '=', workspaceId)
    .where('posted_at', '>=', since);
  if (queryId) query = query.where('query_id', '=', queryId);
  return query.limit(50_000).execute();
}

/** Mention volume per brand or competitor query and time bucket. */
export async function volumeByQuery(
  db: Db,
  workspaceId: string,
  range: { from: string; to: string; interval: 'hour' | 'day' | 'week' },
) {
  return db
    .selectFrom('mentions as m')
    .innerJoin('listening_queries as lq', 'lq.id', 'm.query_id')
    .select([
      'lq.id as queryId',
      'lq.name',
      'lq.kind',
      sql<Date>`date_trunc(${range.interval}, m.posted_at)`.as('bucket'),
      sql<number>`count(*)::int`.as('volume'),
    ])
    .where('m.workspace_id', '=', workspaceId)
    .where('lq.kind', 'in', ['brand', 'competitor'])
    .where('m.posted_at', '>=', new Date(range.from))
    .where('m.posted_at', '<', new Date(range.to))
    .groupBy(['lq.id', 'lq.name', 'lq.kind', 'bucket'])
    .orderBy('bucket')
    .execute();
}

/** Volume and sentiment mix per query and time bucket (corrections count). */
export async function sentimentByQuery(
  db: Db,
  workspaceId: string,
  range: { queryId?: string; from: string; to: string; interval: 'hour' | 'day' },
) {
  let query = db
    .selectFrom('mentions')
    .select([
      'query_id',
      sql<Date>`date_trunc(${range.interval}, posted_at)`.as('bucket'),
      sql<number>`count(*)::int`.as('volume'),
      sql<number>`count(*) filter (where coalesce(corrected_label, sentiment_label) = 'positive')::int`.as('positive'),
      sql<number>`count(*) filter (where coalesce(corrected_label, sentiment_label) = 'negative')::int`.as('negative'),
      sql<number>`count(*) filter (where coalesce(corrected_label, sentiment_label) = 'neutral')::int`.as('neutral'),
    ])
    .where('workspace_id', '=', workspaceId)
    .where('posted_at', '>=', new Date(range.from))
    .where('posted_at', '<', new Date(range.to));
  if (range.queryId) query = query.where('query_id', '=', range.queryId);
  return query.groupBy(['query_id', 'bucket']).orderBy('bucket').execute();
}

/** Alerts of the workspace, newest first (at most 200). */
export async function listAlerts(
  db: Db,
  workspaceId: string,
  filter: { status?: 'open' | 'closed'; queryId?: string },
) {
  let query = db.selectFrom('alerts').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.queryId) query = query.where('query_id', '=', filter.queryId);
  return query.orderBy('opened_at', 'desc').limit(200).execute();
}

/** Acknowledges an unacknowledged alert, audited; undefined when there is none by that id. */
export async function acknowledgeAlert(db: Db, workspaceId: string, alertId: string, actorId: string) {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('alerts')
      .set({ acknowledged_by: actorId, acknowledged_at: new Date() })
      .where('id', '=', alertId)
      .where('workspace_id', '=', workspaceId)
      .where('acknowledged_at', 'is', null)
      .returning(['id', 'query_id'])
      .executeTakeFirst();
    if (row)
      await appendAudit(trx, {
        workspaceId,
        actorId,
        action: 'alert.acknowledged',
        subjectType: 'alert',
        subjectId: row.id,
      });
    return row;
  });
}
