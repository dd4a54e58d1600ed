import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

// X and LinkedIn channels. Written beside 0032 (which already allows every OAuth network), so it
// only restates the full list: a migration never narrows what an earlier one allowed.
const ALL = sql`('bluesky', 'webhook', 'mastodon', 'x', 'linkedin', 'facebook', 'instagram', 'threads')`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table channels drop constraint channels_provider_check`.execute(db);
  await sql`alter table channels add constraint channels_provider_check check (provider in ${ALL})`.execute(db);
}

export async function down(): Promise<void> {
  // 0032's list is the same: nothing to undo.
}
