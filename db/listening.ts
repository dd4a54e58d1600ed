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
