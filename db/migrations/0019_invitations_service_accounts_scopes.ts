import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  // Service accounts are users too (memberships, roles, tokens and audit work unchanged), marked so
  // nobody mistakes one for a person: they never redeem invitations and are never owners.
  await db.schema
    .alterTable('users')
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .defaultTo('person')
        .check(sql`kind in ('person', 'service')`),
    )
    .execute();

  // null: everything the member's role allows; otherwise only what these scopes allow.
  await db.schema
    .alterTable('api_tokens')
    .addColumn('scopes', sql`text[]`, (c) =>
      c.check(
        sql`scopes is null or (cardinality(scopes) > 0 and scopes <@ array['read', 'publish', 'approve', 'listening', 'admin']::text[])`,
      ),
    )
    .execute();

  // A member redeems an invitation once for a token of their own; only the code's hash is kept.
  await db.schema
    .createTable('invitations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('accepted_at', 'timestamptz')
    .addColumn('token_id', 'uuid', (c) => c.references('api_tokens.id').onDelete('set null'))
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_reason', 'text', (c) =>
      c.check(sql`revoked_reason in ('revoked', 'reissued', 'member_removed')`),
    )
    .addCheckConstraint('invitations_ended_once', sql`accepted_at is null or revoked_at is null`)
    .execute();
  // At most one live code per member of a workspace: a new one ends the previous one first.
  await db.schema
    .createIndex('invitations_one_open_per_member')
    .on('invitations')
    .columns(['workspace_id', 'user_id'])
    .unique()
    .where(sql.ref('accepted_at'), 'is', null)
    .where(sql.ref('revoked_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('invitations').execute();
  await db.schema.alterTable('api_tokens').dropColumn('scopes').execute();
  await db.schema.alterTable('users').dropColumn('kind').execute();
}
