import { sql, type Insertable } from 'kysely';
import { z } from 'zod';
import { appendAudit } from './audit';
import type { Db } from './database';
import { type CampaignsTable, type CampaignStatus, type CampaignUtm } from './campaigns.types';
import { CAMPAIGN_STATUSES } from '../contracts/domain';

export const campaignView = z.object({
  id: z.uuid(),
  name: z.string(),
  objective: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  channelIds: z.array(z.uuid()),
  ownerId: z.uuid(),
  tags: z.array(z.string()),
  utm: z
    .object({ medium: z.string(), campaign: z.string(), sources: z.record(z.string(), z.string()).optional() })
    .nullable(),
  enforceDates: z.boolean(),
  shortLinks: z
    .boolean()
    .describe("Every link of the campaign's posts goes out as a Chorus short link (`/l/<code>`), its clicks counted"),
  status: z.enum(CAMPAIGN_STATUSES),
  workflowId: z.string(),
  createdAt: z.string(),
});
export type CampaignView = z.infer<typeof campaignView>;

export const campaignProgressView = z.object({
  total: z.number().int(),
  byStatus: z.record(z.string(), z.number().int()),
  byChannel: z.record(z.string(), z.record(z.string(), z.number().int())),
});
export type CampaignProgress = z.infer<typeof campaignProgressView>;

type CampaignRow = {
  id: string;
  name: string;
  objective: string | null;
  starts_at: Date;
  ends_at: Date;
  channel_ids: string[];
  owner_id: string;
  tags: string[];
  utm: CampaignUtm | null;
  enforce_dates: boolean;
  short_links: boolean;
  status: CampaignStatus;
  workflow_id: string;
  created_at: Date;
};

export function toCampaignView(r: CampaignRow): CampaignView {
  return {
    id: r.id,
    name: r.name,
    objective: r.objective,
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at.toISOString(),
    channelIds: r.channel_ids,
    ownerId: r.owner_id,
    tags: r.tags,
    utm: r.utm,
    enforceDates: r.enforce_dates,
    shortLinks: r.short_links,
    status: r.status,
    workflowId: r.workflow_id,
    createdAt: r.created_at.toISOString(),
  };
}

export async function findCampaign(db: Db, workspaceId: string, campaignId: string): Promise<CampaignView | undefined> {
  const row = await db
    .selectFrom('campaigns')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', campaignId)
    .executeTakeFirst();
  return row ? toCampaignView(row) : undefined;
}

export async function listCampaigns(
  db: Db,
  workspaceId: string,
  filter: { status?: CampaignStatus } = {},
): Promise<CampaignView[]> {
  let query = db.selectFrom('campaigns').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.status) query = query.where('status', '=', filter.status);
  return (await query.orderBy('starts_at').execute()).map(toCampaignView);
}

/** Posts of a campaign by status, overall and per channel (a post counts once per channel it targets). */
export async function campaignProgress(db: Db, campaignId: string): Promise<CampaignProgress> {
  const byStatus = await db
    .selectFrom('posts')
    .select(['status', sql<number>`count(*)::int`.as('n')])
    .where('campaign_id', '=', campaignId)
    .groupBy('status')
    .execute();
  const byChannel = await db
    .selectFrom('post_targets as t')
    .innerJoin('posts as p', 'p.id', 't.post_id')
    .select(['t.channel_id', 't.status', sql<number>`count(*)::int`.as('n')])
    .where('p.campaign_id', '=', campaignId)
    .groupBy(['t.channel_id', 't.status'])
    .execute();
  const channels: Record<string, Record<string, number>> = {};
  for (const row of byChannel) (channels[row.channel_id] ??= {})[row.status] = row.n;
  return {
    total: byStatus.reduce((sum, r) => sum + r.n, 0),
    byStatus: Object.fromEntries(byStatus.map((r) => [r.status, r.n])),
    byChannel: channels,
  };
}

/** Posts that can still publish: what a pause holds, a cancel stops and completion waits for. */
export const PENDING_POST_STATUSES = [
  'awaiting_approval',
  'changes_requested',
  'scheduled',
  'held',
  'publishing',
] as const;

/** Sets a campaign's status, with its audit entry; nothing when it has it already. */
export async function saveCampaignStatus(
  db: Db,
  { campaignId, status, actorId }: { campaignId: string; status: CampaignStatus; actorId?: string },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('campaigns')
      .select(['workspace_id', 'status'])
      .where('id', '=', campaignId)
      .executeTakeFirstOrThrow();
    if (before.status === status) return;
    await trx.updateTable('campaigns').set({ status, updated_at: new Date() }).where('id', '=', campaignId).execute();
    await appendAudit(trx, {
      workspaceId: before.workspace_id,
      actorId: actorId ?? null,
      action: 'campaign.status_changed',
      subjectType: 'campaign',
      subjectId: campaignId,
      before: { status: before.status },
      after: { status },
    });
  });
}

/** The campaign's posts that can still publish, by publish time. */
export async function pendingCampaignPosts(db: Db, campaignId: string) {
  return db
    .selectFrom('posts')
    .select(['id', 'workflow_id'])
    .where('campaign_id', '=', campaignId)
    .where('status', 'in', [...PENDING_POST_STATUSES])
    .orderBy('publish_at')
    .execute();
}

/** The campaign's posts that can still publish, in publish order, with their times. */
export async function pendingCampaignPostTimes(db: Db, campaignId: string) {
  return db
    .selectFrom('posts')
    .select(['id', 'workflow_id', 'publish_at'])
    .where('campaign_id', '=', campaignId)
    .where('status', 'in', [...PENDING_POST_STATUSES])
    .orderBy('publish_at')
    .orderBy('id')
    .execute();
}

/** The channels of these posts' targets, with each channel's minimum gap between posts. */
export async function targetChannelGaps(db: Db, postIds: string[]) {
  return db
    .selectFrom('post_targets as t')
    .innerJoin('channels as c', 'c.id', 't.channel_id')
    .select(['t.post_id', 't.channel_id', 'c.min_gap_minutes'])
    .where('t.post_id', 'in', postIds)
    .execute();
}

export async function insertCampaign(db: Db, row: Insertable<CampaignsTable>): Promise<void> {
  await db.insertInto('campaigns').values(row).execute();
}

/** Puts the posts in the campaign, audited. */
export async function addPostsToCampaign(
  db: Db,
  input: { workspaceId: string; actorId: string; campaignId: string; postIds: string[] },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('posts')
      .set({ campaign_id: input.campaignId, updated_at: new Date() })
      .where('id', 'in', input.postIds)
      .execute();
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: 'campaign.posts_added',
      subjectType: 'campaign',
      subjectId: input.campaignId,
      after: { postIds: input.postIds },
    });
  });
}
