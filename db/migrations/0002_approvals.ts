import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table posts drop constraint posts_status_check`.execute(db);
  await sql`alter table posts add constraint posts_status_check check (status in
    ('awaiting_approval', 'scheduled', 'publishing', 'published', 'partially_published', 'failed', 'cancelled', 'rejected', 'expired'))`.execute(
    db,
  );
  // Who the post's current approval step waits on: answers "what waits for me" without asking Temporal.
  await db.schema
    .alterTable('posts')
    .addColumn('awaiting_user_ids', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .execute();

  await db.schema
    .createTable('approval_policies')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('channel_id', 'uuid', (c) => c.references('channels.id').onDelete('cascade'))
    .addColumn('steps', 'jsonb', (c) => c.notNull())
    .addColumn('updated_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One workspace-wide policy and at most one per channel.
  await sql`create unique index approval_policies_scope_uq on approval_policies (workspace_id, coalesce(channel_id, '00000000-0000-0000-0000-000000000000'))`.execute(
    db,
  );

  await db.schema
    .createTable('approval_decisions')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('post_id', 'uuid', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('step', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('decision', 'text', (c) => c.notNull().check(sql`decision in ('approve', 'reject')`))
    .addColumn('comment', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('approval_decisions_once_uq', ['post_id', 'step', 'user_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('approval_decisions').execute();
  await db.schema.dropTable('approval_policies').execute();
  await db.schema.alterTable('posts').dropColumn('awaiting_user_ids').execute();
  await sql`alter table posts drop constraint posts_status_check`.execute(db);
  await sql`alter table posts add constraint posts_status_check check (status in
    ('scheduled', 'publishing', 'published', 'partially_published', 'failed', 'cancelled'))`.execute(db);
}
