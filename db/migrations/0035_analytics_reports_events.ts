import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

// Analytics (issue 15), the integration half: each workspace's weekly report settings, the
// outbound analytics events (post.metrics, campaign.completed) waiting for or past delivery, and
// notifications about a whole workspace (the weekly report).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('weekly_report_settings')
    .addColumn('workspace_id', 'uuid', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('enabled', 'boolean', (c) => c.notNull())
    // ISO weekday (Monday = 1) and hour, local to time_zone: when the week's report goes out.
    .addColumn('weekday', 'integer', (c) => c.notNull().check(sql`weekday between 1 and 7`))
    .addColumn('hour', 'integer', (c) => c.notNull().check(sql`hour between 0 and 23`))
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // An outbox: an event is written with what caused it (in the same transaction as the snapshots
  // of a post.metrics), and delivered afterwards; its unique key makes it once per cause.
  await db.schema
    .createTable('analytics_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('post.metrics', 'campaign.completed')`))
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('delivered_at', 'timestamptz')
    .execute();
  await sql`create index analytics_events_pending_idx on analytics_events (workspace_id, id) where delivered_at is null`.execute(
    db,
  );

  await sql`alter table notifications drop constraint if exists notifications_subject_type_check`.execute(db);
  await sql`alter table notifications add constraint notifications_subject_type_check
    check (subject_type in ('post', 'campaign', 'library_item', 'alert', 'conversation', 'channel', 'workspace'))`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from notifications where subject_type = 'workspace'`.execute(db);
  await sql`alter table notifications drop constraint if exists notifications_subject_type_check`.execute(db);
  await sql`alter table notifications add constraint notifications_subject_type_check
    check (subject_type in ('post', 'campaign', 'library_item', 'alert', 'conversation', 'channel'))`.execute(db);
  await db.schema.dropTable('analytics_events').execute();
  await db.schema.dropTable('weekly_report_settings').execute();
}
