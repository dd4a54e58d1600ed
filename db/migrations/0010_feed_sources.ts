import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  // Per query and feed: the validators for conditional GET, and the feed's health.
  await db.schema
    .createTable('feed_states')
    .addColumn('query_id', 'uuid', (c) => c.notNull().references('listening_queries.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('etag', 'text')
    .addColumn('last_modified', 'text')
    .addColumn('healthy', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('last_error', 'text')
    .addColumn('checked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('feed_states_pk', ['query_id', 'url'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('feed_states').execute();
}
