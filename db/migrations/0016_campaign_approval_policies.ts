import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  // A policy can now be a campaign's: its posts (and its plan's review) take that chain instead.
  await db.schema
    .alterTable('approval_policies')
    .addColumn('campaign_id', 'uuid', (c) => c.references('campaigns.id').onDelete('cascade'))
    .execute();
  await sql`alter table approval_policies add constraint approval_policies_one_scope check (channel_id is null or campaign_id is null)`.execute(
    db,
  );
  await sql`drop index approval_policies_scope_uq`.execute(db);
  await sql`create unique index approval_policies_scope_uq on approval_policies (workspace_id, coalesce(channel_id, '00000000-0000-0000-0000-000000000000'), coalesce(campaign_id, '00000000-0000-0000-0000-000000000000'))`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from approval_policies where campaign_id is not null`.execute(db);
  await sql`drop index approval_policies_scope_uq`.execute(db);
  await sql`alter table approval_policies drop constraint approval_policies_one_scope`.execute(db);
  await db.schema.alterTable('approval_policies').dropColumn('campaign_id').execute();
  await sql`create unique index approval_policies_scope_uq on approval_policies (workspace_id, coalesce(channel_id, '00000000-0000-0000-0000-000000000000'))`.execute(
    db,
  );
}
