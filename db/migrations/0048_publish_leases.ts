import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

// Issue 13: a staged publish waits a minute or more on its worker before its post's time. It used to
// heartbeat to Temporal all that while (a worker lost was noticed by its heartbeat timeout), which
// at 10,000 posts due in one minute is thousands of heartbeats a second. Instead each worker
// process holds a lease here, renewed once a second by one statement, and each waiting publish
// notes its activity's task token under it. When a lease stops moving, the other workers fail the
// tokens it holds through Temporal, which retries those publishes elsewhere
// (services/publish-leases.ts).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('worker_leases')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    // The leases of one deployment: its Temporal namespace and task queue.
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('task_queue', 'text', (c) => c.notNull())
    // Moved on at every renewal: watchers compare it between their own reads (and a new watcher
    // also renewed_at, by the database's clock).
    .addColumn('beat', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('renewed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('worker_leases_queue').on('worker_leases').columns(['namespace', 'task_queue']).execute();
  await db.schema
    .createTable('publish_holds')
    .addColumn('task_token', 'bytea', (c) => c.primaryKey())
    .addColumn('lease_id', 'uuid', (c) => c.notNull())
    .addColumn('target_id', 'uuid', (c) => c.notNull())
    .addColumn('held_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('publish_holds_lease').on('publish_holds').column('lease_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('publish_holds').execute();
  await db.schema.dropTable('worker_leases').execute();
}
