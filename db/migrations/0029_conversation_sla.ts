import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

// When a conversation's current SLA cycle began: its first inbound message, or the moment it was
// reopened. Its deadlines are counted from here, so a priority change moves them without
// restarting the clock, and a reopen (closed_at later than this) starts a new cycle.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('inbox_conversations').addColumn('sla_started_at', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('inbox_conversations').dropColumn('sla_started_at').execute();
}
