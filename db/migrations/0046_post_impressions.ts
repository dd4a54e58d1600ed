import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

// Impressions per post (issue 16): how many times the network showed it, where the network gives
// that (X, a LinkedIn organization's posts, Facebook, Instagram's views, Threads' views). Null where
// it does not (Bluesky, Mastodon, a LinkedIn member's posts) or where it refused to say for a post
// (an insights call refused): a report sums the known ones and never counts a null as 0.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('metric_snapshots').addColumn('impressions', 'integer').execute();
  await db.schema.alterTable('target_metrics').addColumn('impressions', 'integer').execute();
  // Migration 0037's function, keeping the latest counted snapshot's impressions with its other counts.
  await sql`
    create or replace function refresh_target_metrics(target_ids uuid[]) returns void language sql as $$
      insert into target_metrics as m (target_id, workspace_id, status, offset_label, likes, reposts, replies, quotes,
        impressions, followers_at_publish, snapshot_taken_at)
      select t.id, latest.workspace_id, latest.status, ok.offset_label, ok.likes, ok.reposts, ok.replies, ok.quotes,
        ok.impressions,
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
        select s.offset_label, s.likes, s.reposts, s.replies, s.quotes, s.impressions from metric_snapshots s
        where s.target_id = t.id and s.status = 'ok' order by s.taken_at desc, s.id desc limit 1
      ) ok on true
      where t.id = any(target_ids)
      on conflict (target_id) do update set status = excluded.status, offset_label = excluded.offset_label,
        likes = excluded.likes, reposts = excluded.reposts, replies = excluded.replies, quotes = excluded.quotes,
        impressions = excluded.impressions,
        followers_at_publish = coalesce(m.followers_at_publish, excluded.followers_at_publish),
        snapshot_taken_at = excluded.snapshot_taken_at
    $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // Migration 0037's function again first: a SQL function's body is not tied to the columns it
  // names, so one left naming `impressions` would fail at the next snapshot, not here.
  await sql`
    create or replace function refresh_target_metrics(target_ids uuid[]) returns void language sql as $$
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
  await db.schema.alterTable('target_metrics').dropColumn('impressions').execute();
  await db.schema.alterTable('metric_snapshots').dropColumn('impressions').execute();
}
