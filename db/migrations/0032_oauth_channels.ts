import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

// OAuth-connected channels (issue 16): the networks connected through their authorization pages,
// a channel's connection status, the one-use `state` of each authorization request, the grants
// waiting for the user to pick an account, and the marker of a token refresh on the network.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table channels drop constraint channels_provider_check`.execute(db);
  await sql`alter table channels add constraint channels_provider_check
    check (provider in ('bluesky', 'webhook', 'mastodon', 'x', 'linkedin', 'facebook', 'instagram', 'threads'))`.execute(
    db,
  );
  await db.schema
    .alterTable('channels')
    // needs_reconnect: the network refused to renew Chorus's access for good; posts wait for a reconnect.
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('connected')
        .check(sql`status in ('connected', 'needs_reconnect')`),
    )
    // Set just before a refresh goes to the network, cleared by the save of its answer (in the same
    // statement as the new tokens): still set afterwards, that answer may have been lost.
    .addColumn('token_refresh_started_at', 'timestamptz')
    .execute();

  // One row per authorization request: the state's hash (never the state), who asked, in which
  // workspace and session, the PKCE verifier (sealed), and when it was used; single use, short-lived.
  await db.schema
    .createTable('oauth_states')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('state_hash', 'text', (c) => c.notNull().unique())
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('session_id', 'uuid', (c) => c.references('sessions.id').onDelete('cascade'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('code_verifier_sealed', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();

  // A grant with several accounts (Facebook Pages, an organization besides the member): kept sealed
  // until the user who connected picks one, then deleted.
  await db.schema
    .createTable('oauth_pending_connections')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('grant_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();

  // "Reconnect this channel" notifications to owners and admins.
  await sql`alter table notifications drop constraint if exists notifications_subject_type_check`.execute(db);
  await sql`alter table notifications add constraint notifications_subject_type_check
    check (subject_type in ('post', 'campaign', 'library_item', 'alert', 'conversation', 'channel'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from notifications where subject_type = 'channel'`.execute(db);
  await sql`alter table notifications drop constraint if exists notifications_subject_type_check`.execute(db);
  await sql`alter table notifications add constraint notifications_subject_type_check
    check (subject_type in ('post', 'campaign', 'library_item', 'alert', 'conversation'))`.execute(db);
  await db.schema.dropTable('oauth_pending_connections').execute();
  await db.schema.dropTable('oauth_states').execute();
  await db.schema.alterTable('channels').dropColumn('token_refresh_started_at').dropColumn('status').execute();
  await sql`alter table channels drop constraint channels_provider_check`.execute(db);
  await sql`alter table channels add constraint channels_provider_check check (provider in ('bluesky', 'webhook', 'mastodon'))`.execute(
    db,
  );
}
