import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  // People sign in to the web app with email and password; the API keeps its bearer tokens for
  // machines. `scrypt$<N>$<r>$<p>$<salt>$<hash>`: the parameters travel with the hash.
  await db.schema.alterTable('users').addColumn('password_hash', 'text').execute();

  // A signed-in browser: only a hash of the cookie's value is kept. The workspace is the one the
  // session currently acts in; the member's role is read from memberships on every request.
  await db.schema
    .createTable('sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  // The owner's "set your password" link from `chorus workspace create` is an invitation of the
  // owner, issued by the operator: unlike a member's invitation (whose code the inviter sees), it
  // may set the password of an account that belongs to other workspaces too.
  await db.schema
    .alterTable('invitations')
    .addColumn('owner_setup', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('invitations').dropColumn('owner_setup').execute();
  await db.schema.dropTable('sessions').execute();
  await db.schema.alterTable('users').dropColumn('password_hash').execute();
}
