import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('media_assets')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('owner_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('library_items')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('snippet', 'template', 'media')`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('body', 'text')
    .addColumn('variables', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('media_id', 'uuid', (c) => c.references('media_assets.id'))
    .addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('owner_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('expires_at', 'timestamptz')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('awaiting_approval', 'approved', 'rejected')`))
    .addColumn('workflow_id', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Usage: which posts were made from which item, and whether that skipped their approval.
  await db.schema
    .alterTable('posts')
    .addColumn('library_item_id', 'uuid', (c) => c.references('library_items.id'))
    .execute();
  await db.schema
    .alterTable('posts')
    .addColumn('pre_approved', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema.createIndex('posts_library_item_idx').on('posts').column('library_item_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('posts_library_item_idx').execute();
  await db.schema.alterTable('posts').dropColumn('pre_approved').execute();
  await db.schema.alterTable('posts').dropColumn('library_item_id').execute();
  await db.schema.dropTable('library_items').execute();
  await db.schema.dropTable('media_assets').execute();
}
