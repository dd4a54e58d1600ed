import { type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  // A channel's health, kept by the publish activities: a run of failed sends makes it unhealthy
  // (refused credentials at once) until a send succeeds or the channel is reconnected.
  await db.schema
    .alterTable('channels')
    .addColumn('healthy', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('consecutive_failures', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('failing_since', 'timestamptz')
    .execute();
  // A target's send is on the network right now (set by the claim that lets it go, cleared by its
  // outcome): a cancel stops the targets waiting to retry and leaves these to finish.
  await db.schema
    .alterTable('post_targets')
    .addColumn('sending', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('post_targets').dropColumn('sending').execute();
  await db.schema
    .alterTable('channels')
    .dropColumn('healthy')
    .dropColumn('consecutive_failures')
    .dropColumn('last_error')
    .dropColumn('failing_since')
    .execute();
}
