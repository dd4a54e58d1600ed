import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

const POST_STATUSES_BEFORE = `('awaiting_approval', 'changes_requested', 'scheduled', 'publishing', 'published', 'partially_published', 'failed', 'cancelled', 'rejected', 'expired')`;
const POST_STATUSES_AFTER = `('awaiting_approval', 'changes_requested', 'scheduled', 'held', 'publishing', 'published', 'partially_published', 'failed', 'cancelled', 'rejected', 'expired')`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('campaigns')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('objective', 'text')
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('channel_ids', sql`uuid[]`, (c) => c.notNull())
    .addColumn('owner_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('utm', 'jsonb')
    .addColumn('enforce_dates', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`status in ('draft', 'in_review', 'scheduled', 'live', 'paused', 'completed', 'cancelled', 'rejected')`,
        ),
    )
    .addColumn('workflow_id', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('campaigns_dates_check', sql`ends_at > starts_at`)
    .execute();
  await db.schema.createIndex('posts_campaign_idx').on('posts').column('campaign_id').execute();

  await sql`alter table posts drop constraint posts_status_check`.execute(db);
  await sql
    .raw(`alter table posts add constraint posts_status_check check (status in ${POST_STATUSES_AFTER})`)
    .execute(db);

  // Queue slots: weekly local times in the channel's IANA timezone, and a minimum gap between posts.
  await db.schema
    .alterTable('channels')
    .addColumn('timezone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .execute();
  await db.schema
    .alterTable('channels')
    .addColumn('slots', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'`))
    .execute();
  await db.schema
    .alterTable('channels')
    .addColumn('min_gap_minutes', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('channels').dropColumn('min_gap_minutes').execute();
  await db.schema.alterTable('channels').dropColumn('slots').execute();
  await db.schema.alterTable('channels').dropColumn('timezone').execute();
  await sql`alter table posts drop constraint posts_status_check`.execute(db);
  await sql
    .raw(`alter table posts add constraint posts_status_check check (status in ${POST_STATUSES_BEFORE})`)
    .execute(db);
  await db.schema.dropIndex('posts_campaign_idx').execute();
  await db.schema.dropTable('campaigns').execute();
}
