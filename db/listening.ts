import { sql } from 'kysely';
import type { Db } from './database';

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
