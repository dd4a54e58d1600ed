import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('listening_queries')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('expression', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('brand', 'competitor', 'topic')`))
    .addColumn('sources', 'jsonb', (c) => c.notNull())
    .addColumn('filters', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'paused', 'deleted')`))
    // The last firehose sequence number fully processed: a restart resumes after it.
    .addColumn('bluesky_cursor', 'bigint')
    .addColumn('workflow_id', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('mentions')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('query_id', 'uuid', (c) => c.notNull().references('listening_queries.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('lang', 'text')
    .addColumn('url', 'text')
    .addColumn('posted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sentiment_score', 'real', (c) => c.notNull())
    .addColumn('sentiment_label', 'text', (c) => c.notNull())
    .addColumn('corrected_label', 'text')
    .addColumn('lead', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Stored once: by the source's id, and by normalised text + author per day (reposted copies).
    .addUniqueConstraint('mentions_source_uq', ['query_id', 'source', 'source_id'])
    .addUniqueConstraint('mentions_dedupe_uq', ['query_id', 'dedupe_key'])
    .execute();
  await db.schema.createIndex('mentions_query_posted_idx').on('mentions').columns(['query_id', 'posted_at']).execute();

  // Matching items the noise filters dropped, once each, so counts by reason survive restarts.
  await db.schema
    .createTable('listening_filtered')
    .addColumn('query_id', 'uuid', (c) => c.notNull().references('listening_queries.id').onDelete('cascade'))
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('listening_filtered_pk', ['query_id', 'source_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('listening_filtered').execute();
  await db.schema.dropTable('mentions').execute();
  await db.schema.dropTable('listening_queries').execute();
}
