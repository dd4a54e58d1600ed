import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  // What a notification is about, so subject_id is never read as the wrong kind of id (a spike
  // alert's id is not a post's). Notifications so far: approval reminders and escalations of posts,
  // and spike alerts.
  await db.schema
    .alterTable('notifications')
    .addColumn('subject_type', 'text', (col) =>
      col
        .notNull()
        .defaultTo('post')
        .check(sql`subject_type in ('post', 'campaign', 'library_item', 'alert')`),
    )
    .execute();
  await db.updateTable('notifications').set({ subject_type: 'alert' }).where('kind', '=', 'listening.spike').execute();
  // From now on every insert names it.
  await db.schema
    .alterTable('notifications')
    .alterColumn('subject_type', (col) => col.dropDefault())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notifications').dropColumn('subject_type').execute();
}
