import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

// Analytics (issue 15): what each published target's counts were at fixed offsets after
// publishing, each channel's followers over time, and Chorus short links with their clicks.
export async function up(db: Kysely<any>): Promise<void> {
  const workspaceId = (c: any) => c.notNull().references('workspaces.id').onDelete('cascade');

  // One row per target per offset: the offset's label is the key, so a retried round writes it once.
  // A post the network no longer has is `deleted`; one it does not show (yet) is `missing`; their
  // counts are null, never zeros.
  await db.schema
    .createTable('metric_snapshots')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('workspace_id', 'uuid', workspaceId)
    .addColumn('target_id', 'uuid', (c) => c.notNull().references('post_targets.id').onDelete('cascade'))
    .addColumn('offset_label', 'text', (c) =>
      c.notNull().check(sql`offset_label in ('+1h', '+6h', '+24h', '+3d', '+7d', '+30d')`),
    )
    .addColumn('taken_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('ok', 'missing', 'deleted')`))
    .addColumn('likes', 'integer')
    .addColumn('reposts', 'integer')
    .addColumn('replies', 'integer')
    .addColumn('quotes', 'integer')
    .addUniqueConstraint('metric_snapshots_target_offset_uq', ['target_id', 'offset_label'])
    .addCheckConstraint(
      'metric_snapshots_counts_ck',
      sql`(status = 'ok') = (likes is not null and reposts is not null and replies is not null)`,
    )
    .execute();
  await db.schema
    .createIndex('metric_snapshots_workspace_taken_idx')
    .on('metric_snapshots')
    .columns(['workspace_id', 'taken_at'])
    .execute();

  // A channel's followers, read once a day (reports take the last of each day, and the one at a
  // post's publishing for its engagement rate).
  await db.schema
    .createTable('audience_snapshots')
    .addColumn('workspace_id', 'uuid', workspaceId)
    .addColumn('channel_id', 'uuid', (c) => c.notNull().references('channels.id').onDelete('cascade'))
    .addColumn('taken_at', 'timestamptz', (c) => c.notNull())
    .addColumn('followers', 'integer', (c) => c.notNull().check(sql`followers >= 0`))
    .addPrimaryKeyConstraint('audience_snapshots_pk', ['channel_id', 'taken_at'])
    .execute();

  await db.schema
    .createTable('short_links')
    .addColumn('code', 'text', (c) => c.primaryKey().check(sql`code ~ '^[A-Za-z0-9_-]{4,32}$'`))
    .addColumn('workspace_id', 'uuid', workspaceId)
    // The full destination, UTM parameters included: the redirect sends the visitor there as is.
    .addColumn('target_url', 'text', (c) => c.notNull().check(sql`target_url ~ '^https?://'`))
    .addColumn('campaign_id', 'uuid', (c) => c.references('campaigns.id').onDelete('set null'))
    .addColumn('post_id', 'uuid', (c) => c.references('posts.id').onDelete('set null'))
    .addColumn('channel_id', 'uuid', (c) => c.references('channels.id').onDelete('set null'))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('short_links_post_idx').on('short_links').column('post_id').execute();
  await db.schema.createIndex('short_links_campaign_idx').on('short_links').column('campaign_id').execute();

  // Every click, counted or not: a bot's or a repeat's row says why it is not counted, so the
  // rule can be audited. The visitor is a hash of address and user agent, never the address itself.
  await db.schema
    .createTable('short_link_clicks')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().references('short_links.code').onDelete('cascade'))
    .addColumn('clicked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('visitor', 'text', (c) => c.notNull())
    .addColumn('excluded', 'text', (c) => c.check(sql`excluded in ('bot', 'repeat')`))
    .execute();
  await db.schema
    .createIndex('short_link_clicks_code_visitor_idx')
    .on('short_link_clicks')
    .columns(['code', 'visitor', 'clicked_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('short_link_clicks').execute();
  await db.schema.dropTable('short_links').execute();
  await db.schema.dropTable('audience_snapshots').execute();
  await db.schema.dropTable('metric_snapshots').execute();
}
