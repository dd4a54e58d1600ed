import { Context } from '@temporalio/activity';
import { sql } from 'kysely';
import { appendAudit } from '../db/audit';
import type { AlertingRule } from '../db/database';
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
  if (current.volume >= rule.minVolume && current.volume > rule.volumeFactor * Math.max(1, mean)) reasons.push('volume');
  const baselineVolume = baseline.reduce((sum, w) => sum + w.volume, 0);
  const baselineShare = baselineVolume === 0 ? 0 : baseline.reduce((sum, w) => sum + w.negative, 0) / baselineVolume;
  const share = current.volume === 0 ? 0 : current.negative / current.volume;
  if (current.volume >= rule.minVolume && share >= 0.5 && share >= baselineShare + rule.negativeShareIncrease) reasons.push('negative_share');
  return reasons;
}

/** The I/O of crisis alerts: counting windows, opening and closing episodes, notifying. */
export function createAlertActivities(deps: NotificationDeps) {
  const { db } = deps;
  /** The alert's notification, delivered by whatever route has not had it yet (a retry finishes the job). */
  const notifyOpened = async (alertId: string) => {
    const notification = await db.selectFrom('notifications').select('id').where('key', '=', `alert:${alertId}:opened`).executeTakeFirst();
    if (!notification) return;
    try {
      await deliverNotification(deps, notification.id);
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
      const query = await db.selectFrom('listening_queries').select(['workspace_id', 'name', 'alerting', 'listening_since']).where('id', '=', queryId).executeTakeFirstOrThrow();
      const rule = alertingRule(query.alerting);
      const now = Date.now();
      // A baseline window the query did not listen through holds no real zero, and a backfill's old
      // mentions arrive all at once: neither can make a spike. Until every window has been watched
      // nothing is decided, so an open episode stays open too.
      if (now < alertsFrom(query.listening_since, rule).getTime()) return { opened: false, closed: false };
      const windowMs = rule.windowSeconds * 1000;
      const since = new Date(now - windowMs * (rule.baselineWindows + 1));
      // Counted in the database, one row per window: a busy query has many mentions in thirteen hours.
      const counted = await db
        .selectFrom('mentions')
        .select([
          sql<number>`floor(extract(epoch from (${new Date(now)}::timestamptz - posted_at)) * 1000 / ${windowMs})::int`.as('window'),
          sql<number>`count(*)::int`.as('volume'),
          sql<number>`count(*) filter (where coalesce(corrected_label, sentiment_label) = 'negative')::int`.as('negative'),
        ])
        .where('query_id', '=', queryId)
        .where('posted_at', '>=', since)
        .groupBy('window')
        .execute();
      const windows: WindowCounts[] = Array.from({ length: rule.baselineWindows + 1 }, () => ({ volume: 0, negative: 0 }));
      for (const w of counted) {
        if (w.window >= 0 && w.window < windows.length) windows[w.window] = { volume: w.volume, negative: w.negative };
      }
      const [current, ...baseline] = windows;
      const reasons = spikeReasons(current!, baseline, rule);
      const open = await db.selectFrom('alerts').select('id').where('query_id', '=', queryId).where('status', '=', 'open').executeTakeFirst();

      if (reasons.length === 0) {
        if (!open) return { opened: false, closed: false };
        await db.updateTable('alerts').set({ status: 'closed', closed_at: new Date() }).where('id', '=', open.id).where('status', '=', 'open').execute();
        return { opened: false, closed: true };
      }
      if (open) {
        await notifyOpened(open.id);
        return { opened: false, closed: false };
      }
      const details = { window: current, baselineMean: baseline.reduce((s, w) => s + w.volume, 0) / Math.max(1, baseline.length), rule };
      const alert = await db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('alerts')
          .values({ workspace_id: query.workspace_id, query_id: queryId, status: 'open', reasons, details: JSON.stringify(details) })
          .onConflict((oc) => oc.column('query_id').where('status', '=', 'open').doNothing())
          .returning('id')
          .executeTakeFirst();
        if (inserted) {
          await appendAudit(trx, { workspaceId: query.workspace_id, actorId: null, action: 'alert.opened', subjectType: 'alert', subjectId: inserted.id, after: { queryId, reasons } });
          const managers = await trx.selectFrom('memberships').select('user_id').where('workspace_id', '=', query.workspace_id).where('role', 'in', ['owner', 'admin']).execute();
          const payload = { type: 'listening.spike', timestamp: new Date().toISOString(), data: { alertId: inserted.id, queryId, query: query.name, reasons, ...details } };
          await trx
            .insertInto('notifications')
            .values({ workspace_id: query.workspace_id, key: `alert:${inserted.id}:opened`, kind: 'listening.spike', subject_type: 'alert', subject_id: inserted.id, recipient_ids: managers.map((m) => m.user_id), payload: JSON.stringify(payload) })
            .execute();
        }
        return inserted;
      });
      if (!alert) return { opened: false, closed: false };
      await notifyOpened(alert.id);
      return { opened: true, closed: false };
    },
  };
}

export type AlertActivities = ReturnType<typeof createAlertActivities>;
