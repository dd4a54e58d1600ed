import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  // Per query and Mastodon timeline: where the next read starts (min_id), the rate-limit pause, health.
  await db.schema
    .createTable('mastodon_states')
    .addColumn('query_id', 'uuid', (c) => c.notNull().references('listening_queries.id').onDelete('cascade'))
    .addColumn('timeline', 'text', (c) => c.notNull())
    .addColumn('position', 'text')
    .addColumn('paused_until', 'timestamptz')
    .addColumn('healthy', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('last_error', 'text')
    .addColumn('checked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('mastodon_states_pk', ['query_id', 'timeline'])
    .execute();

  // The same text from many accounts is noise (copypasta): mentions keep a key of their words.
  await db.schema.alterTable('mentions').addColumn('text_key', 'text').execute();
  await db.schema
    .createIndex('mentions_text_key_idx')
    .on('mentions')
    .columns(['query_id', 'text_key', 'posted_at'])
    .where(sql.ref('text_key'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('mentions').dropColumn('text_key').execute();
  await db.schema.dropTable('mastodon_states').execute();
}
