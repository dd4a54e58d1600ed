import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

// What Meta's Instagram webhook announced (the `mentions` field: an account @mentioned in a
// medium's caption or in a comment), recorded as it arrives and read by the account's inbox
// channels, which fetch each mention. Once per account, medium and comment however often Meta
// delivers it; `id` orders them for the channels' positions.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('instagram_mention_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    // The Instagram account mentioned (the webhook entry's id).
    .addColumn('ig_user_id', 'text', (c) => c.notNull())
    .addColumn('media_id', 'text', (c) => c.notNull())
    // Set for a mention in a comment; null for one in the medium's caption.
    .addColumn('comment_id', 'text')
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('instagram_mention_events_uq', ['ig_user_id', 'media_id', 'comment_id'], (c) =>
      c.nullsNotDistinct(),
    )
    .execute();
  await db.schema
    .createIndex('instagram_mention_events_account_idx')
    .on('instagram_mention_events')
    .columns(['ig_user_id', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('instagram_mention_events').execute();
}
