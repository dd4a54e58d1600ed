import { sql, type ColumnType, type Generated } from 'kysely';
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
    db.selectFrom('mentions').select(sql<number>`count(*)::int`.as('n')).where('query_id', '=', queryId).executeTakeFirstOrThrow(),
    db.selectFrom('listening_filtered').select(['reason', sql<number>`count(*)::int`.as('n')]).where('query_id', '=', queryId).groupBy('reason').execute(),
  ]);
  return {
    stored: stored.n,
    filtered: filtered.reduce((sum, f) => sum + f.n, 0),
    filteredByReason: Object.fromEntries(filtered.map((f) => [f.reason, f.n])),
  };
}

export async function findListeningQuery(db: Db, queryId: string) {
  return db.selectFrom('listening_queries').selectAll().where('id', '=', queryId).executeTakeFirstOrThrow();
}

export async function findFeedState(db: Db, queryId: string, url: string) {
  return db.selectFrom('feed_states').selectAll().where('query_id', '=', queryId).where('url', '=', url).executeTakeFirst();
}

export async function saveFeedState(db: Db, queryId: string, url: string, state: { etag: string | null; lastModified: string | null; error: string | null }) {
  const values = { etag: state.etag, last_modified: state.lastModified, healthy: state.error === null, last_error: state.error, checked_at: new Date() };
  await db
    .insertInto('feed_states')
    .values({ query_id: queryId, url, ...values })
    .onConflict((oc) => oc.columns(['query_id', 'url']).doUpdateSet(values))
    .execute();
}

export async function findMastodonState(db: Db, queryId: string, timeline: string) {
  return db.selectFrom('mastodon_states').selectAll().where('query_id', '=', queryId).where('timeline', '=', timeline).executeTakeFirst();
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
        .select([sql<string>`${queryId}::uuid`.as('query_id'), sql<string>`${timeline}::text`.as('timeline'), sql<string | null>`${row.position}::text`.as('position'), sql<Date | null>`${row.paused_until}::timestamptz`.as('paused_until'), sql<boolean>`${row.healthy}::boolean`.as('healthy'), sql<string | null>`${row.last_error}::text`.as('last_error'), sql<Date>`${row.checked_at}::timestamptz`.as('checked_at')])
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
