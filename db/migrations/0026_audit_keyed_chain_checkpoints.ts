import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  // Rows are sealed with HMAC-SHA256 under the audit key, which lives outside the database (derived
  // from CHORUS_ENCRYPTION_KEY, see db/audit.ts). key_id names the key a row was sealed with; null
  // marks a row written before this migration, whose hash is the unkeyed sha256 of the old chain.
  // Old rows are kept as they are (an audit log is not rewritten): the first sealed row of a
  // workspace links to the last old row's hash, and its seal covers that link, so the old chain
  // is anchored by the key from then on (see the README, Audit log).
  await db.schema.alterTable('audit_log').addColumn('key_id', 'text').execute();

  // Signed statements "this workspace's chain had `count` rows, the newest `head_id` with
  // `head_hash`", made periodically and sent to the workspace's notification webhook, so a
  // truncated chain is told from a short one.
  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addColumn('head_id', 'bigint', (c) => c.notNull())
    .addColumn('head_hash', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('audit_checkpoints_workspace_idx')
    .on('audit_checkpoints')
    .columns(['workspace_id', 'id'])
    .execute();
  await sql`create index audit_checkpoints_undelivered_idx on audit_checkpoints (id) where delivered_at is null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_checkpoints').execute();
  await db.schema.alterTable('audit_log').dropColumn('key_id').execute();
}
