import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

// Analytics reports at scale (issue 15, bench/metrics): each measured target's latest figures on
// one row, so that a report over thousands of targets reads one row a target (and sums in SQL)
// instead of each target's snapshots and two probes of its channel's followers.
//
// The row is kept by the database itself, in the statement that writes snapshots (a trigger on
// metric_snapshots): every writer (the collector, a test's or a bench's seed, an operator's insert)
// leaves it right, in the same transaction, and a retried round that writes nothing changes nothing.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('target_metrics')
    .addColumn('target_id', 'uuid', (c) => c.primaryKey().references('post_targets.id').onDelete('cascade'))
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    // The latest snapshot's status: a post deleted on the network stays `deleted`, one it no longer
    // shows `missing`, never zeros; the counts below are then the last it had (null: never read).
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('ok', 'missing', 'deleted')`))
    .addColumn('offset_label', 'text')
    .addColumn('likes', 'integer')
    .addColumn('reposts', 'integer')
    .addColumn('replies', 'integer')
    .addColumn('quotes', 'integer')
    // The channel's followers read last at or before publishing, else the first read after; null
    // while the channel has no read (reports then look again). Both are settled once known.
    .addColumn('followers_at_publish', 'integer')
    .addColumn('snapshot_taken_at', 'timestamptz', (c) => c.notNull())
    .execute();

  // Recomputes the rows of these targets from their snapshots (at most six each).
  await sql`
    create function refresh_target_metrics(target_ids uuid[]) returns void language sql as $$
      insert into target_metrics as m (target_id, workspace_id, status, offset_label, likes, reposts, replies, quotes,
        followers_at_publish, snapshot_taken_at)
      select t.id, latest.workspace_id, latest.status, ok.offset_label, ok.likes, ok.reposts, ok.replies, ok.quotes,
        coalesce(
          (select a.followers from audience_snapshots a where a.channel_id = t.channel_id and a.taken_at <= t.published_at
            order by a.taken_at desc limit 1),
          (select a.followers from audience_snapshots a where a.channel_id = t.channel_id and a.taken_at > t.published_at
            order by a.taken_at limit 1)
        ),
        latest.taken_at
      from post_targets t
      join lateral (
        select s.workspace_id, s.status, s.taken_at from metric_snapshots s where s.target_id = t.id
        order by s.taken_at desc, s.id desc limit 1
      ) latest on true
      left join lateral (
        select s.offset_label, s.likes, s.reposts, s.replies, s.quotes from metric_snapshots s
        where s.target_id = t.id and s.status = 'ok' order by s.taken_at desc, s.id desc limit 1
      ) ok on true
      where t.id = any(target_ids)
      on conflict (target_id) do update set status = excluded.status, offset_label = excluded.offset_label,
        likes = excluded.likes, reposts = excluded.reposts, replies = excluded.replies, quotes = excluded.quotes,
        followers_at_publish = coalesce(m.followers_at_publish, excluded.followers_at_publish),
        snapshot_taken_at = excluded.snapshot_taken_at
    $$`.execute(db);
  // Once per statement, over the snapshots it wrote (a round's 5,000 in one set, not 5,000 calls).
  await sql`
    create function metric_snapshots_refresh_targets() returns trigger language plpgsql as $$
    begin
      perform refresh_target_metrics(array(select distinct target_id from written));
      return null;
    end $$`.execute(db);
  await sql`
    create trigger metric_snapshots_refresh_targets after insert on metric_snapshots
    referencing new table as written for each statement execute function metric_snapshots_refresh_targets()`.execute(
    db,
  );

  // The rows of the snapshots already taken.
  await sql`select refresh_target_metrics(array(select distinct target_id from metric_snapshots))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger metric_snapshots_refresh_targets on metric_snapshots`.execute(db);
  await sql`drop function metric_snapshots_refresh_targets()`.execute(db);
  await sql`drop function refresh_target_metrics(uuid[])`.execute(db);
  await db.schema.dropTable('target_metrics').execute();
}
