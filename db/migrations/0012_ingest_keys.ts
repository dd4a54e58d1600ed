import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  // Keys other systems sign pushed mentions with (Standard Webhooks). The secret is needed to
  // check signatures, so it is sealed with the credentials key rather than hashed.
  await db.schema
    .createTable('ingest_keys')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();

  // Each delivery (webhook-id) is processed once per key; a retry of it is answered, not re-read.
  await db.schema
    .createTable('ingest_deliveries')
    .addColumn('key_id', 'uuid', (c) => c.notNull().references('ingest_keys.id').onDelete('cascade'))
    .addColumn('delivery_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('result', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('ingest_deliveries_pk', ['key_id', 'delivery_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ingest_deliveries').execute();
  await db.schema.dropTable('ingest_keys').execute();
}
