import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  // Since when a query has listened without a break (created, resumed, sources changed): only the
  // windows after it are a spike baseline; earlier ones were not watched, so they hold no real zero.
  await db.schema
    .alterTable('listening_queries')
    .addColumn('listening_since', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`update listening_queries set listening_since = created_at`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('listening_queries').dropColumn('listening_since').execute();
}
