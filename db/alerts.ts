import { sql, type ColumnType, type Generated } from 'kysely';
import { appendAudit } from './audit';
import type { Db } from './database';
import type { CreatedAt, Timestamp } from './columns';

/**
 * Spike detection: the last window against the mean of the windows before it. A spike when the
 * window has at least `minVolume` mentions and `volumeFactor` times the baseline, or when its share
 * of negative mentions is at least 0.5 and `negativeShareIncrease` above the baseline's.
 */
export interface AlertingRule {
  windowSeconds: number;
  baselineWindows: number;
  minVolume: number;
  volumeFactor: number;
  negativeShareIncrease: number;
}

export interface AlertsTable {
  id: Generated<string>;
  workspace_id: string;
  query_id: string;
  status: 'open' | 'closed';
  reasons: string[];
  details: ColumnType<unknown, string, string>;
  opened_at: CreatedAt;
  closed_at: Timestamp | null;
  acknowledged_by: string | null;
  acknowledged_at: Timestamp | null;
}

/** What spike detection needs of a listening query. */
export async function findAlertingQuery(db: Db, queryId: string) {
  return db
    .selectFrom('listening_queries')
    .select(['workspace_id', 'name', 'alerting', 'listening_since'])
    .where('id', '=', queryId)
    .executeTakeFirstOrThrow();
}

/**
 * A query's mentions since `since`, counted per window of `windowMs` back from `now` (window 0 the
 * latest): in the database, one row per window, as a busy query has many mentions in thirteen hours.
 */
export async function countMentionWindows(
  db: Db,
  { queryId, now, since, windowMs }: { queryId: string; now: number; since: Date; windowMs: number },
) {
  return db
    .selectFrom('mentions')
    .select([
      sql<number>`floor(extract(epoch from (${new Date(now)}::timestamptz - posted_at)) * 1000 / ${windowMs})::int`.as(
        'window',
      ),
      sql<number>`count(*)::int`.as('volume'),
      sql<number>`count(*) filter (where coalesce(corrected_label, sentiment_label) = 'negative')::int`.as('negative'),
    ])
    .where('query_id', '=', queryId)
    .where('posted_at', '>=', since)
    .groupBy('window')
    .execute();
}

export async function findOpenAlert(db: Db, queryId: string) {
  return db
    .selectFrom('alerts')
    .select('id')
    .where('query_id', '=', queryId)
    .where('status', '=', 'open')
    .executeTakeFirst();
}

export async function closeAlert(db: Db, alertId: string): Promise<void> {
  await db
    .updateTable('alerts')
    .set({ status: 'closed', closed_at: new Date() })
    .where('id', '=', alertId)
    .where('status', '=', 'open')
    .execute();
}

/**
 * Opens an alert with its audit entry and the notification of the workspace's owners and admins,
 * unless the query has one open already (a partial unique index allows one): then returns undefined.
 */
export async function openAlert(
  db: Db,
  {
    workspaceId,
    queryId,
    queryName,
    reasons,
    details,
  }: { workspaceId: string; queryId: string; queryName: string; reasons: string[]; details: Record<string, unknown> },
): Promise<{ id: string } | undefined> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('alerts')
      .values({
        workspace_id: workspaceId,
        query_id: queryId,
        status: 'open',
        reasons,
        details: JSON.stringify(details),
      })
      .onConflict((oc) => oc.column('query_id').where('status', '=', 'open').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) {
      await appendAudit(trx, {
        workspaceId,
        actorId: null,
        action: 'alert.opened',
        subjectType: 'alert',
        subjectId: inserted.id,
        after: { queryId, reasons },
      });
      const managers = await trx
        .selectFrom('memberships')
        .select('user_id')
        .where('workspace_id', '=', workspaceId)
        .where('role', 'in', ['owner', 'admin'])
        .execute();
      const payload = {
        type: 'listening.spike',
        timestamp: new Date().toISOString(),
        data: { alertId: inserted.id, queryId, query: queryName, reasons, ...details },
      };
      await trx
        .insertInto('notifications')
        .values({
          workspace_id: workspaceId,
          key: `alert:${inserted.id}:opened`,
          kind: 'listening.spike',
          subject_type: 'alert',
          subject_id: inserted.id,
          recipient_ids: managers.map((m) => m.user_id),
          payload: JSON.stringify(payload),
        })
        .execute();
    }
    return inserted;
  });
}
