import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('recurrences')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('author_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('channel_ids', sql`uuid[]`, (c) => c.notNull())
    .addColumn('variants', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('rule', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'paused', 'stopped', 'completed')`))
    .addColumn('workflow_id', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .alterTable('posts')
    .addColumn('recurrence_id', 'uuid', (c) => c.references('recurrences.id'))
    .execute();
  await db.schema.alterTable('posts').addColumn('occurrence', 'integer').execute();
  // One post per occurrence, whatever the retries.
  await db.schema
    .createIndex('posts_recurrence_occurrence_uq')
    .on('posts')
    .columns(['recurrence_id', 'occurrence'])
    .unique()
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('posts_recurrence_occurrence_uq').execute();
  await db.schema.alterTable('posts').dropColumn('occurrence').execute();
  await db.schema.alterTable('posts').dropColumn('recurrence_id').execute();
  await db.schema.dropTable('recurrences').execute();
}
