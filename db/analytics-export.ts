import { sql } from 'kysely';
import type { Db } from './database';

// Keyset pages of raw analytics rows for BI tools (GET /v1/analytics/export/:dataset). Each page
// starts strictly after the last row of the previous one, in a total order, so a page is the same
// whatever was written since; `limit + 1` rows are read to know whether there is a next page.

export interface ExportRange {
  workspaceId: string;
  from: Date;
  to: Date;
  limit: number;
}

/** Snapshots taken in the range, by id. */
export async function exportSnapshots(db: Db, input: ExportRange & { afterId?: string }) {
  let query = db
    .selectFrom('metric_snapshots as s')
    .innerJoin('post_targets as t', 't.id', 's.target_id')
    .innerJoin('posts as p', 'p.id', 't.post_id')
    .select([
      's.id',
      's.taken_at',
      's.offset_label',
      's.status',
      's.likes',
      's.reposts',
      's.replies',
      's.quotes',
      's.impressions',
      's.target_id',
      't.post_id',
      't.channel_id',
      'p.campaign_id',
    ])
    .where('s.workspace_id', '=', input.workspaceId)
    .where('s.taken_at', '>=', input.from)
    .where('s.taken_at', '<', input.to);
  if (input.afterId !== undefined) query = query.where('s.id', '>', input.afterId);
  return query
    .orderBy('s.id')
    .limit(input.limit + 1)
    .execute();
}

/** Campaigns running at some time in the range (starts before `to`, ends after `from`), by start and id. */
export async function exportCampaigns(db: Db, input: ExportRange & { after?: { startsAt: Date; id: string } }) {
  let query = db
    .selectFrom('campaigns')
    .select(['id', 'name', 'status', 'starts_at', 'ends_at', 'tags'])
    .where('workspace_id', '=', input.workspaceId)
    .where('starts_at', '<', input.to)
    .where('ends_at', '>=', input.from);
  if (input.after)
    query = query.where(sql<boolean>`(starts_at, id) > (${input.after.startsAt}, ${input.after.id}::uuid)`);
  return query
    .orderBy('starts_at')
    .orderBy('id')
    .limit(input.limit + 1)
    .execute();
}

/** Followers reads in the range, by time and channel. */
export async function exportAudience(db: Db, input: ExportRange & { after?: { takenAt: Date; channelId: string } }) {
  let query = db
    .selectFrom('audience_snapshots as a')
    .innerJoin('channels as c', 'c.id', 'a.channel_id')
    .select(['a.taken_at', 'a.channel_id', 'c.name as channel_name', 'c.provider', 'a.followers'])
    .where('a.workspace_id', '=', input.workspaceId)
    .where('a.taken_at', '>=', input.from)
    .where('a.taken_at', '<', input.to);
  if (input.after)
    query = query.where(
      sql<boolean>`(a.taken_at, a.channel_id) > (${input.after.takenAt}, ${input.after.channelId}::uuid)`,
    );
  return query
    .orderBy('a.taken_at')
    .orderBy('a.channel_id')
    .limit(input.limit + 1)
    .execute();
}

/** Short-link clicks in the range, by id, counted or not (`excluded` says why not). */
export async function exportClicks(db: Db, input: ExportRange & { afterId?: string }) {
  let query = db
    .selectFrom('short_link_clicks as k')
    .innerJoin('short_links as l', 'l.code', 'k.code')
    .select([
      'k.id',
      'k.clicked_at',
      'k.code',
      'k.excluded',
      'k.visitor',
      'l.target_url',
      'l.campaign_id',
      'l.post_id',
      'l.channel_id',
    ])
    .where('l.workspace_id', '=', input.workspaceId)
    .where(sql<boolean>`k.clicked_at >= ${input.from} and k.clicked_at < ${input.to}`);
  if (input.afterId !== undefined) query = query.where('k.id', '>', input.afterId);
  return query
    .orderBy('k.id')
    .limit(input.limit + 1)
    .execute();
}
