import { sql, type ColumnType, type Generated } from 'kysely';
import type { CreatedAt, Timestamp } from './columns';
import type { Db } from './database';
import { recordNotificationOnce } from './notifications';
import type { MetricStatus, OffsetLabel } from '../contracts/analytics';
import type { AnalyticsEventType } from '../contracts/analytics-reports';
import type { Provider } from '../contracts/domain';

export interface WeeklyReportSettingsTable {
  workspace_id: string;
  enabled: boolean;
  /** ISO weekday, Monday = 1. */
  weekday: number;
  hour: number;
  time_zone: string;
  updated_by: string | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface AnalyticsEventsTable {
  id: Generated<string>;
  workspace_id: string;
  /** Once per cause: `post.metrics:<targetId>:<offset>`, `campaign.completed:<campaignId>`. */
  key: string;
  type: AnalyticsEventType;
  payload: ColumnType<unknown, string, string>;
  created_at: CreatedAt;
  delivered_at: Timestamp | null;
}

// ---- Weekly report settings ----

export interface WeeklyReportSettings {
  enabled: boolean;
  weekday: number;
  hour: number;
  timeZone: string;
  updatedAt: Date | null;
}

/** Off until someone turns it on: Monday 09:00 UTC is only what the form starts with. */
export const DEFAULT_WEEKLY_REPORT: WeeklyReportSettings = {
  enabled: false,
  weekday: 1,
  hour: 9,
  timeZone: 'UTC',
  updatedAt: null,
};

export async function findWeeklyReportSettings(db: Db, workspaceId: string): Promise<WeeklyReportSettings> {
  const row = await db
    .selectFrom('weekly_report_settings')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!row) return DEFAULT_WEEKLY_REPORT;
  return {
    enabled: row.enabled,
    weekday: row.weekday,
    hour: row.hour,
    timeZone: row.time_zone,
    updatedAt: row.updated_at,
  };
}

export async function saveWeeklyReportSettings(
  db: Db,
  input: { workspaceId: string; actorId: string; enabled: boolean; weekday: number; hour: number; timeZone: string },
): Promise<WeeklyReportSettings> {
  const values = {
    enabled: input.enabled,
    weekday: input.weekday,
    hour: input.hour,
    time_zone: input.timeZone,
    updated_by: input.actorId,
    updated_at: new Date(),
  };
  await db
    .insertInto('weekly_report_settings')
    .values({ workspace_id: input.workspaceId, ...values })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
    .execute();
  return findWeeklyReportSettings(db, input.workspaceId);
}

/** The owners and admins of a workspace: who the weekly report is addressed to. */
export async function workspaceManagerIds(db: Db, workspaceId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('memberships')
    .select('user_id')
    .where('workspace_id', '=', workspaceId)
    .where('role', 'in', ['owner', 'admin'])
    .orderBy('user_id')
    .execute();
  return rows.map((r) => r.user_id);
}

export async function findWorkspaceName(db: Db, workspaceId: string): Promise<string | undefined> {
  const row = await db.selectFrom('workspaces').select('name').where('id', '=', workspaceId).executeTakeFirst();
  return row?.name;
}

/**
 * Records the week's report as a notification about the workspace, once: its key names the
 * workspace and the week, so a retried activity, a replayed workflow or a second run finds it.
 */
export async function recordWeeklyReportNotification(
  db: Db,
  input: { workspaceId: string; key: string; recipientIds: string[]; payload: unknown },
): Promise<string> {
  return recordNotificationOnce(db, {
    ...input,
    kind: 'analytics.weekly_report',
    subject: { type: 'workspace', id: input.workspaceId },
  });
}

/** The texts of these posts (the weekly report quotes its top posts). */
export async function postTexts(db: Db, workspaceId: string, postIds: string[]): Promise<Map<string, string>> {
  if (postIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('posts')
    .select(['id', 'text'])
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', postIds)
    .execute();
  return new Map(rows.map((r) => [r.id, r.text]));
}

// ---- Outbound analytics events ----

export async function hasNotificationWebhook(db: Db, workspaceId: string): Promise<boolean> {
  const row = await db
    .selectFrom('workspaces')
    .select('notification_webhook_sealed')
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  return Boolean(row?.notification_webhook_sealed);
}

/** A snapshot just written with the target's previous one with counts (for the deltas). */
export interface SnapshotForEvent {
  targetId: string;
  postId: string;
  campaignId: string | null;
  channelId: string;
  provider: Provider;
  externalId: string | null;
  publishedAt: Date;
  offsetLabel: OffsetLabel;
  takenAt: Date;
  status: MetricStatus;
  likes: number | null;
  reposts: number | null;
  replies: number | null;
  quotes: number | null;
  impressions: number | null;
  previous: {
    offsetLabel: OffsetLabel;
    takenAt: Date;
    likes: number;
    reposts: number;
    replies: number;
    quotes: number | null;
    impressions: number | null;
  } | null;
}

/**
 * The snapshots a round wrote at `takenAt` for these targets, one per target (its latest offset
 * when it took several at once), each with the target's previous snapshot with counts.
 */
export async function snapshotsForEvents(
  db: Db,
  input: { workspaceId: string; takenAt: Date; targetIds: string[] },
): Promise<SnapshotForEvent[]> {
  if (input.targetIds.length === 0) return [];
  const { rows } = await sql<{
    target_id: string;
    post_id: string;
    campaign_id: string | null;
    channel_id: string;
    provider: Provider;
    external_id: string | null;
    published_at: Date;
    offset_label: OffsetLabel;
    taken_at: Date;
    status: MetricStatus;
    likes: number | null;
    reposts: number | null;
    replies: number | null;
    quotes: number | null;
    impressions: number | null;
    prev_offset_label: OffsetLabel | null;
    prev_taken_at: Date | null;
    prev_likes: number | null;
    prev_reposts: number | null;
    prev_replies: number | null;
    prev_quotes: number | null;
    prev_impressions: number | null;
  }>`
    select s.target_id, t.post_id, p.campaign_id, t.channel_id, c.provider, t.external_id, t.published_at,
      s.offset_label, s.taken_at, s.status, s.likes, s.reposts, s.replies, s.quotes, s.impressions,
      prev.offset_label as prev_offset_label, prev.taken_at as prev_taken_at, prev.likes as prev_likes,
      prev.reposts as prev_reposts, prev.replies as prev_replies, prev.quotes as prev_quotes,
      prev.impressions as prev_impressions
    from (
      select distinct on (target_id) * from metric_snapshots
      where workspace_id = ${input.workspaceId} and taken_at = ${input.takenAt}
        and target_id = any(${sql.val(input.targetIds)}::uuid[])
      order by target_id, id desc
    ) s
    join post_targets t on t.id = s.target_id
    join posts p on p.id = t.post_id
    join channels c on c.id = t.channel_id
    left join lateral (
      select q.offset_label, q.taken_at, q.likes, q.reposts, q.replies, q.quotes, q.impressions from metric_snapshots q
      where q.target_id = s.target_id and q.status = 'ok' and q.taken_at < s.taken_at
      order by q.taken_at desc, q.id desc limit 1
    ) prev on true
    order by s.target_id`.execute(db);
  return rows.map((r) => ({
    targetId: r.target_id,
    postId: r.post_id,
    campaignId: r.campaign_id,
    channelId: r.channel_id,
    provider: r.provider,
    externalId: r.external_id,
    publishedAt: r.published_at,
    offsetLabel: r.offset_label,
    takenAt: r.taken_at,
    status: r.status,
    likes: r.likes,
    reposts: r.reposts,
    replies: r.replies,
    quotes: r.quotes,
    impressions: r.impressions,
    previous:
      r.prev_taken_at === null
        ? null
        : {
            offsetLabel: r.prev_offset_label!,
            takenAt: r.prev_taken_at,
            likes: r.prev_likes!,
            reposts: r.prev_reposts!,
            replies: r.prev_replies!,
            quotes: r.prev_quotes,
            impressions: r.prev_impressions,
          },
  }));
}

export interface NewAnalyticsEvent {
  key: string;
  type: AnalyticsEventType;
  payload: unknown;
}

/** Records events once each (a key already there stays as it was); returns how many are new. */
export async function recordAnalyticsEvents(db: Db, workspaceId: string, events: NewAnalyticsEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const rows = await db
    .insertInto('analytics_events')
    .values(
      events.map((e) => ({
        workspace_id: workspaceId,
        key: e.key,
        type: e.type,
        payload: JSON.stringify(e.payload),
      })),
    )
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('id')
    .execute();
  return rows.length;
}

/**
 * Campaigns of the workspace that are `completed` (their end passed and none of their posts is
 * pending) and have no campaign.completed event yet; only those completed in the last `withinMs`,
 * so a webhook set today is not sent every campaign of the past.
 */
export async function completedCampaignsWithoutEvent(db: Db, workspaceId: string, withinMs: number) {
  return db
    .selectFrom('campaigns as c')
    .select(['c.id', 'c.name', 'c.starts_at', 'c.ends_at', 'c.updated_at'])
    .where('c.workspace_id', '=', workspaceId)
    .where('c.status', '=', 'completed')
    .where('c.updated_at', '>', new Date(Date.now() - withinMs))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('analytics_events as e')
            .select('e.id')
            .whereRef('e.key', '=', sql<string>`'campaign.completed:' || c.id`),
        ),
      ),
    )
    .orderBy('c.updated_at')
    .execute();
}

/** Posts of a campaign by status (a campaign.completed event says how its posts ended). */
export async function campaignPostStatuses(db: Db, campaignId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('posts')
    .select(['status', sql<number>`count(*)::int`.as('posts')])
    .where('campaign_id', '=', campaignId)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, r.posts]));
}

/** The workspace's events not yet delivered, oldest first, with its webhook's sealed credentials. */
export async function pendingAnalyticsEvents(db: Db, workspaceId: string, limit: number) {
  const [events, workspace] = await Promise.all([
    db
      .selectFrom('analytics_events')
      .select(['id', 'key', 'type', 'payload'])
      .where('workspace_id', '=', workspaceId)
      .where('delivered_at', 'is', null)
      .orderBy('id')
      .limit(limit)
      .execute(),
    db.selectFrom('workspaces').select('notification_webhook_sealed').where('id', '=', workspaceId).executeTakeFirst(),
  ]);
  return { events, webhookSealed: workspace?.notification_webhook_sealed ?? null };
}

export async function markAnalyticsEventDelivered(db: Db, id: string): Promise<void> {
  await db
    .updateTable('analytics_events')
    .set({ delivered_at: new Date() })
    .where('id', '=', id)
    .where('delivered_at', 'is', null)
    .execute();
}
