import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

// Issue 13: the API keeps the callers it resolved (a bearer token's, a session cookie's) in
// memory, and must forget one at once in every API process when what decides it changes. These
// triggers say so on the `chorus_callers` channel (db/caller-cache.ts reads the payloads):
//   t:<token_hash>             an API token changed or went (revoked, expired sooner, scopes, deleted)
//   s:<token_hash>             a session changed or went (signed out, switched workspace, backdated)
//   m:<user_id>:<workspace_id> a membership's role changed, or it went
//   *                          a table was truncated: forget everything
// Inserts say nothing: a cache keeps only callers it found, so a new row was in none. Deleting a
// workspace or a user cascades to its memberships, tokens and sessions, whose triggers fire.
// Writes that do not change a caller (a session's last_seen_at moving forward, a member's name or
// away flag) say nothing either, so the once-a-minute touches of active sessions empty no cache.
export async function up(db: Kysely<any>): Promise<void> {
  // A token's or a session's row: its hash, prefixed by the trigger's argument ('t' or 's').
  await sql`
    create function chorus_callers_hash_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('chorus_callers', tg_argv[0] || ':' || old.token_hash);
      if tg_op = 'UPDATE' and new.token_hash <> old.token_hash then
        perform pg_notify('chorus_callers', tg_argv[0] || ':' || new.token_hash);
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger api_tokens_callers_updated after update on api_tokens for each row
    when ((old.token_hash, old.user_id, old.workspace_id, old.expires_at, old.revoked_at, old.scopes)
      is distinct from (new.token_hash, new.user_id, new.workspace_id, new.expires_at, new.revoked_at, new.scopes))
    execute function chorus_callers_hash_changed('t')`.execute(db);
  await sql`
    create trigger api_tokens_callers_deleted after delete on api_tokens for each row
    execute function chorus_callers_hash_changed('t')`.execute(db);

  // last_seen_at moving back (a test, an operator) shortens the idle timeout: that is a change too.
  await sql`
    create trigger sessions_callers_updated after update on sessions for each row
    when ((old.token_hash, old.user_id, old.workspace_id, old.csrf_token, old.expires_at, old.revoked_at)
      is distinct from (new.token_hash, new.user_id, new.workspace_id, new.csrf_token, new.expires_at, new.revoked_at)
      or new.last_seen_at < old.last_seen_at)
    execute function chorus_callers_hash_changed('s')`.execute(db);
  await sql`
    create trigger sessions_callers_deleted after delete on sessions for each row
    execute function chorus_callers_hash_changed('s')`.execute(db);

  await sql`
    create function chorus_callers_member_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('chorus_callers', 'm:' || old.user_id || ':' || old.workspace_id);
      if tg_op = 'UPDATE' and (new.user_id, new.workspace_id) <> (old.user_id, old.workspace_id) then
        perform pg_notify('chorus_callers', 'm:' || new.user_id || ':' || new.workspace_id);
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger memberships_callers_updated after update on memberships for each row
    when ((old.user_id, old.workspace_id, old.role) is distinct from (new.user_id, new.workspace_id, new.role))
    execute function chorus_callers_member_changed()`.execute(db);
  await sql`
    create trigger memberships_callers_deleted after delete on memberships for each row
    execute function chorus_callers_member_changed()`.execute(db);

  await sql`
    create function chorus_callers_truncated() returns trigger language plpgsql as $$
    begin
      perform pg_notify('chorus_callers', '*');
      return null;
    end $$`.execute(db);
  for (const table of ['api_tokens', 'sessions', 'memberships'])
    await sql`
      create trigger ${sql.raw(`${table}_callers_truncated`)} after truncate on ${sql.table(table)}
      for each statement execute function chorus_callers_truncated()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['api_tokens', 'sessions', 'memberships']) {
    for (const event of ['updated', 'deleted', 'truncated'])
      await sql`drop trigger ${sql.raw(`${table}_callers_${event}`)} on ${sql.table(table)}`.execute(db);
  }
  for (const fn of ['hash_changed', 'member_changed', 'truncated'])
    await sql`drop function ${sql.raw(`chorus_callers_${fn}`)}()`.execute(db);
}
