import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('listening_queries')
    .addColumn('alerting', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'`))
    .execute();
  await db.schema
    .createTable('alerts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('query_id', 'uuid', (c) => c.notNull().references('listening_queries.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'closed')`))
    .addColumn('reasons', sql`text[]`, (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull())
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('closed_at', 'timestamptz')
    .addColumn('acknowledged_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('acknowledged_at', 'timestamptz')
    .execute();
  // At most one open episode per query: an alert is raised once per episode, not once per mention.
  await sql`create unique index alerts_one_open_uq on alerts (query_id) where status = 'open'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('alerts').execute();
  await db.schema.alterTable('listening_queries').dropColumn('alerting').execute();
}
