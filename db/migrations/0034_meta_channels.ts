import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Facebook Pages, Instagram and Threads channels (issue 16), and the work a publish leaves on the
 * network between attempts: Meta's two-step publishing creates a media container first, whose id a
 * retry must reuse (and check) instead of creating another, since Graph has no idempotency keys.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table channels drop constraint channels_provider_check`.execute(db);
  await sql`alter table channels add constraint channels_provider_check check (provider in ('bluesky', 'webhook', 'mastodon', 'x', 'linkedin', 'facebook', 'instagram', 'threads'))`.execute(
    db,
  );
  await db.schema
    .createTable('post_target_network_state')
    .addColumn('target_id', 'uuid', (c) => c.primaryKey().references('post_targets.id').onDelete('cascade'))
    .addColumn('state', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('post_target_network_state').execute();
  await sql`alter table channels drop constraint channels_provider_check`.execute(db);
  await sql`alter table channels add constraint channels_provider_check check (provider in ('bluesky', 'webhook', 'mastodon', 'x', 'linkedin', 'facebook', 'instagram', 'threads'))`.execute(
    db,
  );
}
