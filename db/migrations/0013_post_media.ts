import { type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  // Media attached to a post, in order, each with its alt text (sent to every channel).
  await db.schema
    .createTable('post_media')
    .addColumn('post_id', 'uuid', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('media_id', 'uuid', (c) => c.notNull().references('media_assets.id'))
    .addColumn('alt', 'text', (c) => c.notNull().defaultTo(''))
    .addPrimaryKeyConstraint('post_media_pk', ['post_id', 'position'])
    .execute();
  await db.schema.createIndex('post_media_media_idx').on('post_media').column('media_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('post_media').execute();
}
