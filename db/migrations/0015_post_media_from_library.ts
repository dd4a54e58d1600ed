import { type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  // A medium attached from a library media item: counts as that item's use, and can keep a post pre-approved.
  await db.schema
    .alterTable('post_media')
    .addColumn('library_item_id', 'uuid', (c) => c.references('library_items.id'))
    .execute();
  await db.schema.createIndex('post_media_library_item_idx').on('post_media').column('library_item_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('post_media').dropColumn('library_item_id').execute();
}
