import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

// What a reply's send leaves on the network between its attempts (a Threads reply's media
// container id), so that a retry publishes that container instead of making a second reply.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('inbox_replies').addColumn('network_state', 'jsonb').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('inbox_replies').dropColumn('network_state').execute();
}
