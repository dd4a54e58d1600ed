import { type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  // Each route of a notification is delivered once: the webhook (delivered_at) and email (emailed_at).
  await db.schema.alterTable('notifications').addColumn('emailed_at', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notifications').dropColumn('emailed_at').execute();
}
