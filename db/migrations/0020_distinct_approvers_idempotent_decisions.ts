import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  // One person approves at most one step of a round, unless a policy says otherwise.
  await db.schema
    .alterTable('approval_policies')
    .addColumn('distinct_approvers', 'boolean', (c) => c.notNull().defaultTo(true))
    .execute();
  // The first answer to a request sent with an Idempotency-Key, given again to its retries.
  await db.schema
    .createTable('idempotent_requests')
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('body', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotent_requests_pk', ['workspace_id', 'user_id', 'key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('idempotent_requests').execute();
  await db.schema.alterTable('approval_policies').dropColumn('distinct_approvers').execute();
}
