import { Context } from '@temporalio/activity';
import { closeAlert, countMentionWindows, findAlertingQuery, findOpenAlert, openAlert } from '../db/alerts';
import type { AlertingRule } from '../db/alerts';
import { findNotificationIdByKey } from '../db/notifications';
import { alertingRule, alertsFrom } from '../listening/alerting';
import { deliverNotification, type NotificationDeps } from '../notifications/deliver';

interface WindowCounts {
  volume: number;
  negative: number;
}

/** Spike reasons for the current window against its baseline windows (pure, for tests and reuse). */
export function spikeReasons(current: WindowCounts, baseline: WindowCounts[], rule: AlertingRule): string[] {
  const reasons: string[] = [];
  const mean = baseline.reduce((sum, w) => sum + w.volume, 0) / Math.max(1, baseline.length);
  if (current.volume >= rule.minVolume && current.volume > rule.volumeFactor * Math.max(1, mean))
    reasons.push('volume');
  const baselineVolume = baseline.reduce((sum, w) => sum + w.volume, 0);
  const baselineShare = baselineVolume === 0 ? 0 : baseline.reduce((sum, w) => sum + w.negative, 0) / baselineVolume;
  const share = current.volume === 0 ? 0 : current.negative / current.volume;
  if (current.volume >= rule.minVolume && share >= 0.5 && share >= baselineShare + rule.negativeShareIncrease)
    reasons.push('negative_share');
  return reasons;
}

/** The I/O of crisis alerts: counting windows, opening and closing episodes, notifying. */
export function createAlertActivities(deps: NotificationDeps) {
  const { db } = deps;
  /** The alert's notification, delivered by whatever route has not had it yet (a retry finishes the job). */
  const notifyOpened = async (alertId: string) => {
    const notificationId = await findNotificationIdByKey(db, `alert:${alertId}:opened`);
    if (!notificationId) return;
    try {
      await deliverNotification(deps, notificationId);
    } catch (err) {
      // Never a reason to stop listening: the next turn of the loop tries again while the alert is open.
      Context.current().log.warn('Alert notification not delivered yet', { alertId, error: String(err) });
    }
  };

  return {
    /**
     * Opens an alert when a spike starts (once per episode: a partial unique index allows one open
     * alert per query) and closes it when the spike is over; a new episode can then raise a new one.
     * The workspace's owners and admins are notified (webhook and email), once. Sentiment
     * corrections count. Safe to run twice.
     */
    async detectSpikes({ queryId }: { queryId: string }): Promise<{ opened: boolean; closed: boolean }> {
      const query = await findAlertingQuery(db, queryId);
      const rule = alertingRule(query.alerting);
      const now = Date.now();
      // A baseline window the query did not listen through holds no real zero, and a backfill's old
      // mentions arrive all at once: neither can make a spike. Until every window has been watched
      // nothing is decided, so an open episode stays open too.
      if (now < alertsFrom(query.listening_since, rule).getTime()) return { opened: false, closed: false };
      const windowMs = rule.windowSeconds * 1000;
      const since = new Date(now - windowMs * (rule.baselineWindows + 1));
      const counted = await countMentionWindows(db, { queryId, now, since, windowMs });
      const windows: WindowCounts[] = Array.from({ length: rule.baselineWindows + 1 }, () => ({
        volume: 0,
        negative: 0,
      }));
      for (const w of counted) {
        if (w.window >= 0 && w.window < windows.length) windows[w.window] = { volume: w.volume, negative: w.negative };
      }
      const [current, ...baseline] = windows;
      const reasons = spikeReasons(current!, baseline, rule);
      const open = await findOpenAlert(db, queryId);

      if (reasons.length === 0) {
        if (!open) return { opened: false, closed: false };
        await closeAlert(db, open.id);
        return { opened: false, closed: true };
      }
      if (open) {
        await notifyOpened(open.id);
        return { opened: false, closed: false };
      }
      const details = {
        window: current,
        baselineMean: baseline.reduce((s, w) => s + w.volume, 0) / Math.max(1, baseline.length),
        rule,
      };
      const alert = await openAlert(db, {
        workspaceId: query.workspace_id,
        queryId,
        queryName: query.name,
        reasons,
        details,
      });
      if (!alert) return { opened: false, closed: false };
      await notifyOpened(alert.id);
      return { opened: true, closed: false };
    },
  };
}

export type AlertActivities = ReturnType<typeof createAlertActivities>;
