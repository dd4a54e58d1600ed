import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

// The inbox's outbox of conversation signals: a page of inbound items queues, in its own
// transaction, a row for each changed conversation whose workflow has work to do; a relay
// (workflows/inbox-signals.ts) signals them and deletes the rows. One row per conversation (a
// signal only says "reload"); `seq` moves on each time it is queued again, so a relay that read it
// before deletes it only if nothing was queued since.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create sequence inbox_conversation_signals_seq`.execute(db);
  await db.schema
    .createTable('inbox_conversation_signals')
    .addColumn('conversation_id', 'bigint', (c) =>
      c.primaryKey().references('inbox_conversations.id').onDelete('cascade'),
    )
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    // The task queue of the deployment that stored the change: its relay signals the workflow there.
    .addColumn('task_queue', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull().defaultTo(sql`nextval('inbox_conversation_signals_seq')`))
    .addColumn('queued_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('inbox_conversation_signals_queue_idx')
    .on('inbox_conversation_signals')
    .columns(['task_queue', 'seq'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('inbox_conversation_signals').execute();
  await sql`drop sequence inbox_conversation_signals_seq`.execute(db);
}
