import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table posts drop constraint posts_status_check`.execute(db);
  await sql`alter table posts add constraint posts_status_check check (status in
    ('awaiting_approval', 'changes_requested', 'scheduled', 'publishing', 'published', 'partially_published', 'failed', 'cancelled', 'rejected', 'expired'))`.execute(
    db,
  );

  // An edit restarts the chain: decisions belong to a round, once per user per step per round.
  await db.schema
    .alterTable('approval_decisions')
    .addColumn('round', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('approval_decisions').dropConstraint('approval_decisions_once_uq').execute();
  await db.schema
    .alterTable('approval_decisions')
    .addUniqueConstraint('approval_decisions_once_uq', ['post_id', 'round', 'step', 'user_id'])
    .execute();
  await sql`alter table approval_decisions drop constraint approval_decisions_decision_check`.execute(db);
  await sql`alter table approval_decisions add constraint approval_decisions_decision_check check (decision in ('approve', 'reject', 'request_changes'))`.execute(
    db,
  );

  await db.schema
    .createTable('content_rules')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('match', 'jsonb', (c) => c.notNull())
    .addColumn('step', 'jsonb', (c) => c.notNull())
    .addColumn('position', 'text', (c) => c.notNull().check(sql`position in ('first', 'last')`))
    .addColumn('created_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Where approval reminders and escalations go, per workspace (a Standard Webhooks endpoint).
  await db.schema.alterTable('workspaces').addColumn('notification_webhook_sealed', 'text').execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('recipient_ids', sql`uuid[]`, (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notifications').execute();
  await db.schema.alterTable('workspaces').dropColumn('notification_webhook_sealed').execute();
  await db.schema.dropTable('content_rules').execute();
  await sql`alter table approval_decisions drop constraint approval_decisions_decision_check`.execute(db);
  await sql`alter table approval_decisions add constraint approval_decisions_decision_check check (decision in ('approve', 'reject'))`.execute(
    db,
  );
  await db.schema.alterTable('approval_decisions').dropConstraint('approval_decisions_once_uq').execute();
  await db.schema
    .alterTable('approval_decisions')
    .addUniqueConstraint('approval_decisions_once_uq', ['post_id', 'step', 'user_id'])
    .execute();
  await db.schema.alterTable('approval_decisions').dropColumn('round').execute();
  await sql`alter table posts drop constraint posts_status_check`.execute(db);
  await sql`alter table posts add constraint posts_status_check check (status in
    ('awaiting_approval', 'scheduled', 'publishing', 'published', 'partially_published', 'failed', 'cancelled', 'rejected', 'expired'))`.execute(
    db,
  );
}
