import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

// Campaigns that publish their links as Chorus short links (issue 15): the campaign's switch, and
// on each short link the target (post × channel) it was made for: one link per target and URL, so a
// retried or replayed publish finds the link it made before instead of making a second one. And the
// indexes on published targets that analytics reports need at scale (bench/metrics).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('campaigns')
    .addColumn('short_links', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema
    .alterTable('short_links')
    .addColumn('target_id', 'uuid', (c) => c.references('post_targets.id').onDelete('set null'))
    .execute();
  await db.schema
    .createIndex('short_links_target_url_uq')
    .on('short_links')
    .columns(['target_id', 'target_url'])
    .unique()
    .where(sql.ref('target_id'), 'is not', null)
    .execute();

  // Reports and the collector select published targets by when they went out (bench/metrics: over
  // a year of posts, a 30-day overview otherwise reads every target of the workspace).
  await db.schema
    .createIndex('post_targets_published_at_idx')
    .on('post_targets')
    .column('published_at')
    .where(sql.ref('status'), '=', 'published')
    .execute();
  await db.schema
    .createIndex('post_targets_channel_published_at_idx')
    .on('post_targets')
    .columns(['channel_id', 'published_at'])
    .where(sql.ref('status'), '=', 'published')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('post_targets_channel_published_at_idx').execute();
  await db.schema.dropIndex('post_targets_published_at_idx').execute();
  await db.schema.dropIndex('short_links_target_url_uq').execute();
  await db.schema.alterTable('short_links').dropColumn('target_id').execute();
  await db.schema.alterTable('campaigns').dropColumn('short_links').execute();
}
