import type { WebhookAdapter, WebhookCredentials } from '../channels/webhook';
import type { Db } from '../db/database';
import {
  campaignPostStatuses,
  completedCampaignsWithoutEvent,
  findWeeklyReportSettings,
  hasNotificationWebhook,
  markAnalyticsEventDelivered,
  pendingAnalyticsEvents,
  recordAnalyticsEvents,
  recordWeeklyReportNotification,
  snapshotsForEvents,
  workspaceManagerIds,
  type NewAnalyticsEvent,
  type SnapshotForEvent,
} from '../db/analytics-events';
import { findNotificationIdByKey } from '../db/notifications';
import { deliverNotification, type NotificationDeps } from '../notifications/deliver';
import type { WeeklyReportDue } from '../contracts/analytics-reports';
import { campaignReport } from '../services/analytics';
import { buildWeeklyReport, nextWeeklyReport } from '../services/weekly-report';
import { DEFAULT_APP_URL } from '../contracts/shared';

export interface AnalyticsReportDeps extends NotificationDeps {
  /** WEEKLY_REPORT_TIME_SCALE (else METRICS_TIME_SCALE): a test's week is 7 days ÷ this. */
  weeklyReportTimeScale?: number;
  /** Where the web app is (CHORUS_APP_URL): the report links to its dashboard. */
  appUrl?: string;
}

export const weeklyReportKey = (workspaceId: string, periodKey: string) =>
  `analytics.weekly_report:${workspaceId}:${periodKey}`;

/** The activities of the weekly report (workflows/weekly-report.ts). */
export function createWeeklyReportActivities(deps: AnalyticsReportDeps) {
  const { db } = deps;
  return {
    /**
     * When the workspace's next report is due and which week it covers; null when the report is
     * off. A week whose report exists already (settings changed after it went out) is skipped.
     */
    async nextWeeklyReportDue({ workspaceId }: { workspaceId: string }): Promise<WeeklyReportDue | null> {
      const settings = await findWeeklyReportSettings(db, workspaceId);
      if (!settings.enabled) return null;
      let now = new Date();
      for (;;) {
        const next = nextWeeklyReport(settings, now, deps.weeklyReportTimeScale ?? 1);
        if (!(await findNotificationIdByKey(db, weeklyReportKey(workspaceId, next.periodKey)))) return next;
        now = new Date(next.periodEnd);
      }
    },

    /**
     * Builds the week's report, records it once (keyed by workspace and week) and delivers it by each
     * route once: the notification webhook (signed, webhook-id `ntf_<id>`) and email to the owners
     * and admins when SMTP is set. A retry, a replay or a second run of the same week finds the
     * record and sends only what has not gone yet.
     */
    async sendWeeklyReport(input: {
      workspaceId: string;
      periodKey: string;
      periodStart: string;
      periodEnd: string;
      timeZone: string;
    }): Promise<{ notificationId: string }> {
      const key = weeklyReportKey(input.workspaceId, input.periodKey);
      let notificationId = await findNotificationIdByKey(db, key);
      if (!notificationId) {
        const report = await buildWeeklyReport(db, {
          workspaceId: input.workspaceId,
          periodKey: input.periodKey,
          from: new Date(input.periodStart),
          to: new Date(input.periodEnd),
          timeZone: input.timeZone,
          appUrl: deps.appUrl ?? DEFAULT_APP_URL,
        });
        notificationId = await recordWeeklyReportNotification(db, {
          workspaceId: input.workspaceId,
          key,
          recipientIds: await workspaceManagerIds(db, input.workspaceId),
          payload: { type: 'analytics.weekly_report', timestamp: new Date().toISOString(), data: report },
        });
      }
      await deliverNotification(deps, notificationId);
      return { notificationId };
    },
  };
}

export type WeeklyReportActivities = ReturnType<typeof createWeeklyReportActivities>;

// ---- Outbound analytics events (called by the metrics collector's round) ----

const counts = (s: {
  likes: number;
  reposts: number;
  replies: number;
  quotes: number | null;
  impressions: number | null;
}) => ({
  likes: s.likes,
  reposts: s.reposts,
  replies: s.replies,
  quotes: s.quotes,
  engagements: s.likes + s.reposts + s.replies + (s.quotes ?? 0),
  // Null where the network does not give them (Bluesky, Mastodon, a LinkedIn member's posts).
  impressions: s.impressions,
});

/** The post.metrics event of a snapshot: the target's counts, and how they moved since its previous reading. */
export function postMetricsEvent(workspaceId: string, s: SnapshotForEvent): NewAnalyticsEvent {
  const now = s.status === 'ok' ? counts({ ...s, likes: s.likes!, reposts: s.reposts!, replies: s.replies! }) : null;
  const before = s.previous ? counts(s.previous) : null;
  return {
    key: `post.metrics:${s.targetId}:${s.offsetLabel}`,
    type: 'post.metrics',
    payload: {
      type: 'post.metrics',
      timestamp: new Date().toISOString(),
      data: {
        workspaceId,
        postId: s.postId,
        targetId: s.targetId,
        campaignId: s.campaignId,
        channelId: s.channelId,
        provider: s.provider,
        externalId: s.externalId,
        publishedAt: s.publishedAt.toISOString(),
        offsetLabel: s.offsetLabel,
        takenAt: s.takenAt.toISOString(),
        status: s.status,
        counts: now,
        previous: s.previous
          ? { offsetLabel: s.previous.offsetLabel, takenAt: s.previous.takenAt.toISOString(), counts: before }
          : null,
        deltas:
          now && before
            ? {
                likes: now.likes - before.likes,
                reposts: now.reposts - before.reposts,
                replies: now.replies - before.replies,
                quotes: now.quotes === null || before.quotes === null ? null : now.quotes - before.quotes,
                engagements: now.engagements - before.engagements,
                impressions:
                  now.impressions === null || before.impressions === null ? null : now.impressions - before.impressions,
              }
            : null,
      },
    },
  };
}

/** Events older than this are not sent for campaigns completed before the webhook was set. */
const CAMPAIGN_EVENT_WINDOW_MS = 30 * 86_400_000;
/** Events one round delivers at most (the rest go with the next round). */
const DELIVERY_BATCH = 500;

/**
 * Records the post.metrics events of the snapshots a round just wrote, in the same transaction as
 * them (a round that dies after the snapshots leaves no snapshot without its event). Nothing is
 * recorded while the workspace has no notification webhook.
 */
export async function recordPostMetricsEvents(
  db: Db,
  input: { workspaceId: string; takenAt: Date; targetIds: string[] },
): Promise<number> {
  if (!(await hasNotificationWebhook(db, input.workspaceId))) return 0;
  const snapshots = await snapshotsForEvents(db, input);
  return recordAnalyticsEvents(
    db,
    input.workspaceId,
    snapshots.map((s) => postMetricsEvent(input.workspaceId, s)),
  );
}

/**
 * Records a campaign.completed event for each campaign of the workspace that completed (its end
 * passed and none of its posts is pending) and has none yet, with its totals at that moment.
 */
export async function recordCampaignCompletedEvents(db: Db, workspaceId: string, appUrl?: string): Promise<number> {
  if (!(await hasNotificationWebhook(db, workspaceId))) return 0;
  const campaigns = await completedCampaignsWithoutEvent(db, workspaceId, CAMPAIGN_EVENT_WINDOW_MS);
  let recorded = 0;
  for (const c of campaigns) {
    const [report, posts] = await Promise.all([campaignReport(db, workspaceId, c.id), campaignPostStatuses(db, c.id)]);
    recorded += await recordAnalyticsEvents(db, workspaceId, [
      {
        key: `campaign.completed:${c.id}`,
        type: 'campaign.completed',
        payload: {
          type: 'campaign.completed',
          timestamp: new Date().toISOString(),
          data: {
            workspaceId,
            campaignId: c.id,
            name: c.name,
            startsAt: c.starts_at.toISOString(),
            endsAt: c.ends_at.toISOString(),
            completedAt: c.updated_at.toISOString(),
            posts,
            totals: report.totals,
            channels: report.channels,
            reportUrl: `${(appUrl ?? DEFAULT_APP_URL).replace(/\/+$/, '')}/campaigns/${c.id}`,
          },
        },
      },
    ]);
  }
  return recorded;
}

/**
 * Delivers the workspace's pending events in order, each signed (Standard Webhooks) with webhook-id
 * `evt_<id>`, the same on every attempt, and marked when the receiver took it. Stops at the first
 * failure (the next round goes on from there), so a receiver sees them in order.
 */
export async function deliverAnalyticsEvents(
  deps: Pick<NotificationDeps, 'db' | 'adapters' | 'sealer'>,
  workspaceId: string,
): Promise<{ delivered: number; failure: string | null }> {
  const { events, webhookSealed } = await pendingAnalyticsEvents(deps.db, workspaceId, DELIVERY_BATCH);
  if (!webhookSealed || events.length === 0) return { delivered: 0, failure: null };
  const webhook = deps.adapters.webhook as unknown as WebhookAdapter;
  const credentials = deps.sealer.open<WebhookCredentials>(webhookSealed);
  let delivered = 0;
  for (const event of events) {
    try {
      await webhook.deliver(credentials, `evt_${event.id}`, event.payload);
    } catch (err) {
      return { delivered, failure: err instanceof Error ? err.message : String(err) };
    }
    await markAnalyticsEventDelivered(deps.db, event.id);
    delivered++;
  }
  return { delivered, failure: null };
}
