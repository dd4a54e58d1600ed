import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

// The inbox's conversations and contacts may come from every network a channel can be on (X,
// LinkedIn, Facebook, Instagram, Threads beside Bluesky and Mastodon) or be pushed by another system.
const ALL = sql`('bluesky', 'mastodon', 'x', 'linkedin', 'facebook', 'instagram', 'threads', 'push')`;

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['inbox_contacts', 'inbox_conversations']) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.ref(`${table}_network_check`)}`.execute(db);
    await sql`alter table ${sql.table(table)} add constraint ${sql.ref(`${table}_network_check`)} check (network in ${ALL})`.execute(
      db,
    );
  }
}

export async function down(): Promise<void> {
  // Narrowing would fail on any conversation from the added networks: nothing to undo.
}
