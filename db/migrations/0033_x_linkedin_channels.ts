import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table channels drop constraint channels_provider_check`.execute(db);
  await sql`alter table channels add constraint channels_provider_check check (provider in ('bluesky', 'webhook', 'mastodon', 'x', 'linkedin'))`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table channels drop constraint channels_provider_check`.execute(db);
  await sql`alter table channels add constraint channels_provider_check check (provider in ('bluesky', 'webhook', 'mastodon'))`.execute(
    db,
  );
}
