import { sql, type Generated } from 'kysely';
import type { Timestamp } from './columns';
import type { Db } from './database';
import type { Provider } from '../contracts/domain';
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
export const MEASURED_PROVIDERS = ['bluesky', 'mastodon'] as const satisfies readonly Provider[];

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

/** The pairs (target, offset) still to take: published, measurable, not known deleted. */
function pendingPairs(db: Db, workspaceId: string, offsets: ScaledOffset[]) {
  const labels = offsets.map((o) => o.label);
  const afters = offsets.map((o) => o.afterMs);
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
  counts: { likes: number; reposts: number; replies: number; quotes: number | null } | null;
}

/** Writes snapshots; one already taken for the same target and offset stays as it was (a retried round). */
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
    .where('c.provider', 'in', MEASURED_PROVIDERS)
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
    .where('c.provider', 'in', MEASURED_PROVIDERS)
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
