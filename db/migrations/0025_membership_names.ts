import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  // A person's name is what each workspace calls them (given by whoever added them there, or set by
  // the member on accepting that workspace's invitation): one global users.name let a workspace
  // read the name another workspace had given the same email. Each membership takes the name the
  // user had, and the global one goes, so no view can read it again.
  await db.schema.alterTable('memberships').addColumn('name', 'text').execute();
  await sql`update memberships m set name = u.name from users u where u.id = m.user_id`.execute(db);
  await db.schema.alterTable('users').dropColumn('name').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('name', 'text').execute();
  // Any one of the user's names (the earliest membership's): the global column held one.
  await sql`
    update users u set name = (
      select m.name from memberships m
      where m.user_id = u.id and m.name is not null
      order by m.created_at limit 1
    )`.execute(db);
  await db.schema.alterTable('memberships').dropColumn('name').execute();
}
