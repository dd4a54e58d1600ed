import { sql, type Generated, type RawBuilder } from 'kysely';
import type { Timestamp } from './columns';
import type { Db } from './database';
import { SOCIAL_NETWORKS, type Provider } from '../contracts/domain';
import type { MetricStatus, OffsetLabel } from '../contracts/analytics';

export interface MetricSnapshotsTable {
  id: Generated<string>;
  workspace_id: string;
  target_id: string;
  offset_label: OffsetLabel;
  taken_at: Timestamp;
  status: MetricStatus;
  likes: number | null;
  reposts: number | null;
  replies: number | null;
  quotes: number | null;
  /** How many times the network showed the post (migration 0046); null where it does not say. */
  impressions: number | null;
}

/**
 * Each measured target's latest figures (migration 0037): kept by a trigger on metric_snapshots in
 * the statement that writes them, so reports read one row a target and sum in SQL.
 */
export interface TargetMetricsTable {
  target_id: string;
  workspace_id: string;
  /** The latest snapshot's status. */
  status: MetricStatus;
  /** The latest snapshot with counts (null: none yet); a deleted post keeps what it had. */
  offset_label: OffsetLabel | null;
  likes: number | null;
  reposts: number | null;
  replies: number | null;
  quotes: number | null;
  /** The latest snapshot with counts' impressions (migration 0046); null where the network does not say. */
  impressions: number | null;
  /** Null while the channel had no followers read (reports then look again). */
  followers_at_publish: number | null;
  snapshot_taken_at: Timestamp;
}

export interface AudienceSnapshotsTable {
  workspace_id: string;
  channel_id: string;
  taken_at: Timestamp;
  followers: number;
}

/** An offset after publishing, already scaled (tests shrink hours to seconds). */
export interface ScaledOffset {
  label: OffsetLabel;
  afterMs: number;
}

/** Networks Chorus reads counts from (a webhook has none). */
export const MEASURED_PROVIDERS = SOCIAL_NETWORKS;
/**
 * Networks Chorus reads followers from: those whose adapter has `readFollowers` (a channel listed
 * here is due for a read until it has one: one without would be due again at once, round after round).
 */
export const AUDIENCE_PROVIDERS = [
  'bluesky',
  'mastodon',
  'x',
  'linkedin',
  'facebook',
  'instagram',
  'threads',
] as const satisfies readonly Provider[];

/**
 * The channels (`c`) whose followers Chorus reads: those of AUDIENCE_PROVIDERS, but not a LinkedIn
 * member (`urn:li:person:…`), whose count LinkedIn gives only with a permission Chorus does not ask
 * for (an organization's it gives through its network size).
 */
const measuresAudience = sql<boolean>`(c.provider = any(${sql.val([...AUDIENCE_PROVIDERS])}::text[])
  and not (c.provider = 'linkedin' and c.account_ref like 'urn:li:person:%'))`;

/** A published target with the offsets whose snapshot is due and not yet taken. */
export interface DueTarget {
  targetId: string;
  externalId: string;
  labels: OffsetLabel[];
}

export interface DueChannel {
  channelId: string;
  provider: Provider;
  credentialsSealed: string;
  targets: DueTarget[];
}

/**
 * The pairs (target, offset) still to take: published, measurable, not known deleted. Only targets
 * published within twice the last offset are looked at: older ones are done (or, after an outage
 * that long, their late snapshots would no longer say what the offset means), so a round's cost
 * does not grow with the workspace's whole history.
 */
function pendingPairs(db: Db, workspaceId: string, offsets: ScaledOffset[]) {
  const labels = offsets.map((o) => o.label);
  const afters = offsets.map((o) => o.afterMs);
  const horizonMs = 2 * Math.max(...afters);
  return db
    .selectFrom('post_targets as t')
    .innerJoin('posts as p', 'p.id', 't.post_id')
    .innerJoin('channels as c', 'c.id', 't.channel_id')
    .innerJoin(
      sql<{
        label: OffsetLabel;
        after_ms: number;
      }>`(select * from unnest(${sql.val(labels)}::text[], ${sql.val(afters)}::bigint[]) as x(label, after_ms))`.as(
        'o',
      ),
      (join) => join.onTrue(),
    )
    .where('p.workspace_id', '=', workspaceId)
    .where('t.status', '=', 'published')
    .where('t.published_at', '>', sql<Date>`now() - ${horizonMs} * interval '1 millisecond'`)
    .where('t.external_id', 'is not', null)
    .where('c.deleted_at', 'is', null)
    .where('c.provider', 'in', MEASURED_PROVIDERS)
    .where(
      sql<boolean>`not exists (select 1 from metric_snapshots s where s.target_id = t.id and (s.offset_label = o.label or s.status = 'deleted'))`,
    );
}

const dueAt = sql<Date>`t.published_at + o.after_ms * interval '1 millisecond'`;

/**
 * Targets whose snapshots are due at `now`, grouped by channel: at most `limit` targets a round
 * (the rest are due again at once). Channels in `skip` are left out (they failed this round).
 */
export async function dueSnapshots(
  db: Db,
  input: { workspaceId: string; offsets: ScaledOffset[]; now: Date; limit: number },
): Promise<DueChannel[]> {
  const rows = await pendingPairs(db, input.workspaceId, input.offsets)
    .where(dueAt, '<=', input.now)
    .select([
      't.id as targetId',
      't.external_id as externalId',
      'c.id as channelId',
      'c.provider',
      'c.credentials_sealed as credentialsSealed',
      sql<OffsetLabel[]>`array_agg(o.label order by o.after_ms)`.as('labels'),
    ])
    .groupBy(['t.id', 'c.id'])
    .orderBy('c.id')
    .orderBy('t.id')
    .limit(input.limit)
    .execute();
  const channels = new Map<string, DueChannel>();
  for (const row of rows) {
    let channel = channels.get(row.channelId);
    if (!channel) {
      channel = {
        channelId: row.channelId,
        provider: row.provider,
        credentialsSealed: row.credentialsSealed,
        targets: [],
      };
      channels.set(row.channelId, channel);
    }
    channel.targets.push({ targetId: row.targetId, externalId: row.externalId!, labels: row.labels });
  }
  return [...channels.values()];
}

/** When the next pending snapshot falls due (channels in `skip` left out); undefined when none is pending. */
export async function nextSnapshotDue(
  db: Db,
  input: { workspaceId: string; offsets: ScaledOffset[]; skip: string[] },
): Promise<Date | undefined> {
  let query = pendingPairs(db, input.workspaceId, input.offsets);
  if (input.skip.length > 0) query = query.where('c.id', 'not in', input.skip);
  const row = await query.select(sql<Date | null>`min(${dueAt})`.as('due')).executeTakeFirst();
  return row?.due ?? undefined;
}

export interface NewSnapshot {
  targetId: string;
  label: OffsetLabel;
  status: MetricStatus;
  counts: { likes: number; reposts: number; replies: number; quotes: number | null; impressions: number | null } | null;
}

/**
 * Writes snapshots; one already taken for the same target and offset stays as it was (a retried
 * round). The same statement brings each written target's row of target_metrics up to date (the
 * trigger of migration 0037), which the reports read.
 */
export async function insertSnapshots(
  db: Db,
  workspaceId: string,
  takenAt: Date,
  snapshots: NewSnapshot[],
): Promise<number> {
  if (snapshots.length === 0) return 0;
  const result = await db
    .insertInto('metric_snapshots')
    .values(
      snapshots.map((s) => ({
        workspace_id: workspaceId,
        target_id: s.targetId,
        offset_label: s.label,
        taken_at: takenAt,
        status: s.status,
        likes: s.counts?.likes ?? null,
        reposts: s.counts?.reposts ?? null,
        replies: s.counts?.replies ?? null,
        quotes: s.counts?.quotes ?? null,
        impressions: s.counts?.impressions ?? null,
      })),
    )
    .onConflict((oc) => oc.columns(['target_id', 'offset_label']).doNothing())
    .returning('id')
    .execute();
  return result.length;
}

/** Measurable channels of the workspace whose last audience read is older than `everyMs` (or missing). */
export async function audienceDue(db: Db, input: { workspaceId: string; now: Date; everyMs: number }) {
  const since = new Date(input.now.getTime() - input.everyMs);
  return db
    .selectFrom('channels as c')
    .select(['c.id as channelId', 'c.provider', 'c.credentials_sealed as credentialsSealed'])
    .where('c.workspace_id', '=', input.workspaceId)
    .where('c.deleted_at', 'is', null)
    .where(measuresAudience)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('audience_snapshots as a')
            .select('a.channel_id')
            .whereRef('a.channel_id', '=', 'c.id')
            .where('a.taken_at', '>', since),
        ),
      ),
    )
    .orderBy('c.id')
    .execute();
}

/** When the next audience read falls due; undefined when the workspace has no measurable channel. */
export async function nextAudienceDue(
  db: Db,
  input: { workspaceId: string; everyMs: number; skip: string[] },
): Promise<Date | undefined> {
  let query = db
    .selectFrom('channels as c')
    .leftJoin('audience_snapshots as a', 'a.channel_id', 'c.id')
    .where('c.workspace_id', '=', input.workspaceId)
    .where('c.deleted_at', 'is', null)
    .where(measuresAudience)
    .groupBy('c.id')
    .select(sql<Date | null>`max(a.taken_at)`.as('last'));
  if (input.skip.length > 0) query = query.where('c.id', 'not in', input.skip);
  const rows = await query.execute();
  if (rows.length === 0) return undefined;
  return new Date(Math.min(...rows.map((r) => (r.last ? new Date(r.last).getTime() + input.everyMs : 0))));
}

export async function insertAudienceSnapshot(
  db: Db,
  row: { workspaceId: string; channelId: string; takenAt: Date; followers: number },
): Promise<void> {
  await db
    .insertInto('audience_snapshots')
    .values({
      workspace_id: row.workspaceId,
      channel_id: row.channelId,
      taken_at: row.takenAt,
      followers: row.followers,
    })
    .onConflict((oc) => oc.columns(['channel_id', 'taken_at']).doNothing())
    .execute();
}

/** The workspace a target belongs to (the publishing activity tells that workspace's collector). */
export async function findTargetWorkspace(db: Db, targetId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('post_targets as t')
    .innerJoin('posts as p', 'p.id', 't.post_id')
    .select('p.workspace_id')
    .where('t.id', '=', targetId)
    .executeTakeFirst();
  return row?.workspace_id;
}

// ---- Reports ----

/** One published target with its latest counts, its followers at publishing and its clicks. */
export interface TargetFigures {
  targetId: string;
  postId: string;
  campaignId: string | null;
  channelId: string;
  channelName: string;
  provider: Provider;
  publishedAt: Date;
  /** The latest snapshot's status; null before the first. */
  status: MetricStatus | null;
  /** The latest snapshot with counts (a deleted post keeps what it had). */
  offsetLabel: OffsetLabel | null;
  likes: number;
  reposts: number;
  replies: number;
  quotes: number;
  /** Times the network showed it, from the same snapshot; null where the network does not say (migration 0046). */
  impressions: number | null;
  /** The channel's followers read last at or before publishing (else the first read after); null: never read. */
  followersAtPublish: number | null;
  clicks: number;
}

export type TargetFilter =
  | { postId: string }
  | { channelId: string; from: Date; to: Date }
  | { campaignIds: string[] }
  | { from: Date; to: Date };

/**
 * The published targets of a workspace that the filter selects, one row each with its figures:
 * the latest counts and followers at publishing from target_metrics (one row a target, kept with
 * each snapshot), its clicks counted on its short links. Ordered by publishing (`rn`).
 */
function selectedTargets(workspaceId: string, filter: TargetFilter, withCampaign: boolean) {
  // The workspace is checked on the channel (a target's channel is its post's workspace's): a join
  // on posts made PostgreSQL read every post of the workspace for a month's report (bench/metrics).
  // A campaign's posts are found first and their targets read by key (an array, not `in (select)`,
  // which PostgreSQL answered by reading every target through a hash join).
  const where =
    'postId' in filter
      ? sql`t.post_id = ${filter.postId}`
      : 'campaignIds' in filter
        ? sql`t.post_id = any(array(select id from posts where workspace_id = ${workspaceId} and campaign_id = any(${sql.val(filter.campaignIds)}::uuid[])))`
        : 'channelId' in filter
          ? sql`t.channel_id = ${filter.channelId} and t.published_at >= ${filter.from} and t.published_at < ${filter.to}`
          : sql`t.published_at >= ${filter.from} and t.published_at < ${filter.to}`;
  const campaign = withCampaign ? sql`(select p.campaign_id from posts p where p.id = t.post_id)` : sql`null::uuid`;
  return sql`
    select t.id as target_id, t.post_id, ${campaign} as campaign_id, t.channel_id, c.name as channel_name, c.provider,
      t.published_at, m.status, m.offset_label, coalesce(m.likes, 0) as likes, coalesce(m.reposts, 0) as reposts,
      coalesce(m.replies, 0) as replies, coalesce(m.quotes, 0) as quotes, m.impressions,
      -- Settled on the row once the channel has a read; looked for here only while it had none
      -- (coalesce runs the probes only then).
      coalesce(m.followers_at_publish,
        (select a.followers from audience_snapshots a where a.channel_id = t.channel_id and a.taken_at <= t.published_at
          order by a.taken_at desc limit 1),
        (select a.followers from audience_snapshots a where a.channel_id = t.channel_id and a.taken_at > t.published_at
          order by a.taken_at limit 1)
      ) as followers,
      (select count(k.id)::int from short_links l join short_link_clicks k on k.code = l.code
        where l.post_id = t.post_id and l.channel_id = t.channel_id and k.excluded is null) as clicks,
      row_number() over (order by t.published_at, t.id) as rn
    from post_targets t
    join channels c on c.id = t.channel_id
    left join target_metrics m on m.target_id = t.id
    where c.workspace_id = ${workspaceId} and t.status = 'published' and t.published_at is not null and ${where}`;
}

/**
 * The published targets of a workspace that the filter selects, with their figures. `page`: at most
 * `limit` of them, those after `after` in (publishedAt, targetId) order (the export's keyset pages;
 * published_at to the millisecond, as a cursor's Date holds it).
 */
export async function targetFigures(
  db: Db,
  workspaceId: string,
  filter: TargetFilter,
  page?: { after?: { publishedAt: Date; targetId: string }; limit: number },
): Promise<TargetFigures[]> {
  const { rows } = await sql<{
    target_id: string;
    post_id: string;
    campaign_id: string | null;
    channel_id: string;
    channel_name: string;
    provider: Provider;
    published_at: Date;
    status: MetricStatus | null;
    offset_label: OffsetLabel | null;
    likes: number;
    reposts: number;
    replies: number;
    quotes: number;
    impressions: number | null;
    followers: number | null;
    clicks: number;
  }>`select * from (${selectedTargets(workspaceId, filter, true)}) f
    where ${page?.after ? sql`(date_trunc('milliseconds', f.published_at), f.target_id) > (${page.after.publishedAt}, ${page.after.targetId}::uuid)` : sql`true`}
    order by ${page ? sql`date_trunc('milliseconds', f.published_at), f.target_id` : sql`rn`}
    limit ${page?.limit ?? 20000}`.execute(db);
  return rows.map((r) => ({
    targetId: r.target_id,
    postId: r.post_id,
    campaignId: r.campaign_id,
    channelId: r.channel_id,
    channelName: r.channel_name,
    provider: r.provider,
    publishedAt: r.published_at,
    status: r.status,
    offsetLabel: r.offset_label,
    likes: r.likes,
    reposts: r.reposts,
    replies: r.replies,
    quotes: r.quotes,
    impressions: r.impressions,
    followersAtPublish: r.followers,
    clicks: r.clicks,
  }));
}

/** Sums over a group of targets (the reports' totals), summed by PostgreSQL. */
export interface TargetSums {
  posts: number;
  targets: number;
  likes: number;
  reposts: number;
  replies: number;
  quotes: number;
  engagements: number;
  /** Over the targets whose impressions are known (0 when none is). */
  impressions: number;
  /** How many targets have impressions. */
  targetsWithImpressions: number;
  clicks: number;
  /** Over the targets with a followers read above 0. */
  followersAtPublish: number;
  /** The engagements of those same targets (the engagement rate's numerator). */
  engagementsWithFollowers: number;
}

export type TotalsGroup = 'day' | 'channel' | 'post' | 'campaign';

export interface TotalsRow extends TargetSums {
  /** The grouping this row sums: every selected target, or one day, channel, post or campaign of them. */
  group: 'all' | TotalsGroup;
  /** YYYY-MM-DD of publishing in the time zone asked for (day rows). */
  day: string | null;
  channelId: string | null;
  channelName: string | null;
  postId: string | null;
  campaignId: string | null;
  /** The earliest publishing in the group. */
  publishedAt: Date;
}

/**
 * Totals of the selected targets, over all of them and by each group asked for (one statement,
 * grouping sets over one read of the targets). Rows of a group come in order of their first
 * target's publishing, as a report lists them; days by day.
 */
export async function targetTotals(
  db: Db,
  workspaceId: string,
  filter: TargetFilter,
  options: { groups: TotalsGroup[]; timeZone?: string },
): Promise<TotalsRow[]> {
  const columns: Record<TotalsGroup, string> = {
    day: 'day',
    channel: 'channel_id',
    post: 'post_id',
    campaign: 'campaign_id',
  };
  const groups = options.groups;
  const sets = sql.join([sql`()`, ...groups.map((g) => sql`(${sql.ref(columns[g])})`)]);
  const kind =
    groups.length === 0
      ? sql`'all'`
      : sql`case ${sql.join(
          groups.map((g) => sql`when grouping(${sql.ref(columns[g])}) = 0 then ${g}`),
          sql` `,
        )} else 'all' end`;
  // A column no grouping set names cannot be selected (nor asked to grouping()): null in its place.
  const grouped = (g: TotalsGroup, none: RawBuilder<unknown>) => (groups.includes(g) ? sql.ref(columns[g]) : none);
  const day = sql`to_char((f.published_at at time zone ${options.timeZone ?? 'UTC'})::date, 'YYYY-MM-DD')`;
  const engagements = sql`(f.likes + f.reposts + f.replies + f.quotes)`;
  const { rows } = await sql<{
    grp: TotalsRow['group'];
    day: string | null;
    channel_id: string | null;
    channel_name: string | null;
    post_id: string | null;
    campaign_id: string | null;
    published_at: Date;
    posts: number;
    targets: number;
    likes: number;
    reposts: number;
    replies: number;
    quotes: number;
    engagements: number;
    impressions: number;
    impressions_targets: number;
    clicks: number;
    followers: number;
    engaged: number;
  }>`
    select ${kind} as grp, ${grouped('day', sql`null::text`)} as day, ${grouped('channel', sql`null::uuid`)} as channel_id,
      max(channel_name) as channel_name, ${grouped('post', sql`null::uuid`)} as post_id,
      ${grouped('campaign', sql`null::uuid`)} as campaign_id,
      min(published_at) as published_at, count(distinct post_id)::int as posts, count(*)::int as targets,
      -- Sums are bigint, which pg hands over as text: as float8 they come as numbers, exact below 2^53.
      coalesce(sum(likes), 0)::float8 as likes, coalesce(sum(reposts), 0)::float8 as reposts,
      coalesce(sum(replies), 0)::float8 as replies, coalesce(sum(quotes), 0)::float8 as quotes,
      coalesce(sum(engagements), 0)::float8 as engagements, coalesce(sum(clicks), 0)::float8 as clicks,
      -- Only the targets whose network says (a null is unknown, not 0).
      coalesce(sum(impressions), 0)::float8 as impressions, count(impressions)::int as impressions_targets,
      coalesce(sum(followers) filter (where followers > 0), 0)::float8 as followers,
      coalesce(sum(engagements) filter (where followers > 0), 0)::float8 as engaged
    from (
      select f.*, ${day} as day, ${engagements} as engagements
      from (${selectedTargets(workspaceId, filter, groups.includes('campaign'))}) f
    ) f
    group by grouping sets (${sets})
    order by 1, 2, min(rn)`.execute(db);
  return rows.map((r) => ({
    group: r.grp,
    day: r.day,
    channelId: r.channel_id,
    channelName: r.channel_name,
    postId: r.post_id,
    campaignId: r.campaign_id,
    publishedAt: r.published_at,
    posts: r.posts,
    targets: r.targets,
    likes: r.likes,
    reposts: r.reposts,
    replies: r.replies,
    quotes: r.quotes,
    engagements: r.engagements,
    impressions: r.impressions,
    targetsWithImpressions: r.impressions_targets,
    clicks: r.clicks,
    followersAtPublish: r.followers,
    engagementsWithFollowers: r.engaged,
  }));
}

/**
 * Best times: the selected targets with counts and a followers read above 0, by weekday (Monday =
 * 1) and hour of publishing in `timeZone`; each slot's mean engagement rate summed in publishing
 * order (the same float as summing them one by one). Slots in order of their first post.
 */
export async function engagementBySlot(
  db: Db,
  workspaceId: string,
  filter: TargetFilter,
  timeZone: string,
): Promise<{ day: number; hour: number; posts: number; engagementRate: number }[]> {
  const { rows } = await sql<{ day: number; hour: number; posts: number; rate: number }>`
    select extract(isodow from local)::int as day, extract(hour from local)::int as hour, count(*)::int as posts,
      sum((likes + reposts + replies + quotes)::float8 / followers order by rn) / count(*) as rate
    from (
      select f.*, f.published_at at time zone ${timeZone} as local
      from (${selectedTargets(workspaceId, filter, false)}) f
      where f.status is not null and f.followers > 0
    ) f
    group by 1, 2
    order by min(rn)`.execute(db);
  return rows.map((r) => ({ day: r.day, hour: r.hour, posts: r.posts, engagementRate: r.rate }));
}

/** Counts at each offset summed over the targets read then (status ok), for a campaign's growth over time. */
export async function totalsByOffset(db: Db, workspaceId: string, filter: TargetFilter) {
  const { rows } = await sql<{
    offset_label: OffsetLabel;
    targets: number;
    likes: number;
    reposts: number;
    replies: number;
    quotes: number;
    impressions: number | null;
  }>`
    select s.offset_label, count(*)::int as targets, sum(s.likes)::float8 as likes, sum(s.reposts)::float8 as reposts,
      sum(s.replies)::float8 as replies, coalesce(sum(s.quotes), 0)::float8 as quotes,
      sum(s.impressions)::float8 as impressions
    from (${selectedTargets(workspaceId, filter, false)}) f
    join metric_snapshots s on s.target_id = f.target_id
    where s.status = 'ok'
    group by s.offset_label`.execute(db);
  return rows;
}

/** Every snapshot of these targets, oldest first (a post's growth over time). */
export async function snapshotSeries(db: Db, workspaceId: string, targetIds: string[]) {
  if (targetIds.length === 0) return [];
  return db
    .selectFrom('metric_snapshots')
    .select(['target_id', 'offset_label', 'taken_at', 'status', 'likes', 'reposts', 'replies', 'quotes', 'impressions'])
    .where('workspace_id', '=', workspaceId)
    .where('target_id', 'in', targetIds)
    .orderBy('taken_at')
    .orderBy('id')
    .execute();
}

/** Each channel's followers per local day in `timeZone` (the day's last read), in [from, to). */
export async function audienceByDay(
  db: Db,
  input: { workspaceId: string; channelIds: string[]; from: Date; to: Date; timeZone: string },
) {
  if (input.channelIds.length === 0) return [];
  const { rows } = await sql<{ channel_id: string; day: string; followers: number }>`
    select distinct on (a.channel_id, day) a.channel_id,
      to_char((a.taken_at at time zone ${input.timeZone})::date, 'YYYY-MM-DD') as day, a.followers
    from audience_snapshots a
    where a.workspace_id = ${input.workspaceId} and a.channel_id = any(${sql.val(input.channelIds)}::uuid[])
      and a.taken_at >= ${input.from} and a.taken_at < ${input.to}
    order by a.channel_id, day, a.taken_at desc`.execute(db);
  return rows;
}

/** Clicks counted on a workspace's short links, by campaign (links of no campaign left out). */
export async function campaignClicks(db: Db, workspaceId: string, campaignIds: string[]): Promise<Map<string, number>> {
  if (campaignIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('short_links as l')
    .innerJoin('short_link_clicks as k', 'k.code', 'l.code')
    .select(['l.campaign_id', sql<number>`count(k.id)::int`.as('clicks')])
    .where('l.workspace_id', '=', workspaceId)
    .where('l.campaign_id', 'in', campaignIds)
    .where('k.excluded', 'is', null)
    .groupBy('l.campaign_id')
    .execute();
  return new Map(rows.map((r) => [r.campaign_id!, r.clicks]));
}

/**
 * The listening and engagement figures the analytics overview puts beside publishing's: mentions
 * stored in the range by sentiment (a person's correction over the computed label), and the inbox's
 * conversations that started in it, with their first responses against the SLA.
 */
export async function listeningAndInboxFigures(db: Db, input: { workspaceId: string; from: Date; to: Date }) {
  const [mentions, conversations] = await Promise.all([
    sql<{ label: string; mentions: number; leads: number }>`
      select coalesce(corrected_label, sentiment_label) as label, count(*)::int as mentions,
        count(*) filter (where lead)::int as leads
      from mentions
      where workspace_id = ${input.workspaceId} and posted_at >= ${input.from} and posted_at < ${input.to}
      group by 1 order by 1`.execute(db),
    sql<{
      conversations: number;
      responded: number;
      breached: number;
      median_first_response_minutes: number | null;
    }>`
      select count(*)::int as conversations,
        count(first_response_at)::int as responded,
        count(first_response_breached_at)::int as breached,
        (percentile_cont(0.5) within group (
          order by extract(epoch from first_response_at - first_inbound_at) / 60
        ) filter (where first_response_at is not null))::float8 as median_first_response_minutes
      from inbox_conversations
      where workspace_id = ${input.workspaceId} and not spam
        and first_inbound_at >= ${input.from} and first_inbound_at < ${input.to}`.execute(db),
  ]);
  return { mentions: mentions.rows, conversations: conversations.rows[0]! };
}

/** Each measurable channel's latest followers read, and its first in the range (for growth). */
export async function audienceNow(db: Db, input: { workspaceId: string; from: Date; to: Date }) {
  const { rows } = await sql<{ channel_id: string; latest: number | null; first: number | null }>`
    select c.id as channel_id,
      (select a.followers from audience_snapshots a where a.channel_id = c.id and a.taken_at < ${input.to}
        order by a.taken_at desc limit 1) as latest,
      (select a.followers from audience_snapshots a where a.channel_id = c.id and a.taken_at >= ${input.from}
        and a.taken_at < ${input.to} order by a.taken_at limit 1) as first
    from channels c
    where c.workspace_id = ${input.workspaceId} and c.deleted_at is null and ${measuresAudience}`.execute(db);
  return rows;
}
