import { type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  // The latest staging of a post's publishes its workflow announced: only that staging may claim it.
  await db.schema
    .alterTable('posts')
    .addColumn('publish_stage', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('posts').dropColumn('publish_stage').execute();
}
