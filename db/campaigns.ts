import { sql, type Insertable } from 'kysely';
import { z } from 'zod';
import { appendAudit } from './audit';
import { CAMPAIGN_STATUSES, type CampaignsTable, type CampaignStatus, type CampaignUtm, type Db } from './database';

export const campaignView = z.object({
  id: z.uuid(),
  name: z.string(),
  objective: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  channelIds: z.array(z.uuid()),
  ownerId: z.uuid(),
  tags: z.array(z.string()),
  utm: z.object({ medium: z.string(), campaign: z.string(), sources: z.record(z.string(), z.string()).optional() }).nullable(),
  enforceDates: z.boolean(),
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
    status: r.status,
    workflowId: r.workflow_id,
    createdAt: r.created_at.toISOString(),
  };
}

export async function findCampaign(db: Db, workspaceId: string, campaignId: string): Promise<CampaignView | undefined> {
  const row = await db.selectFrom('campaigns').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', campaignId).executeTakeFirst();
  return row ? toCampaignView(row) : undefined;
}

export async function listCampaigns(db: Db, workspaceId: string, filter: { status?: CampaignStatus } = {}): Promise<CampaignView[]> {
  let query = db.selectFrom('campaigns').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.status) query = query.where('status', '=', filter.status);
  return (await query.orderBy('starts_at').execute()).map(toCampaignView);
}

/** Posts of a campaign by status, overall and per channel (a post counts once per channel it targets). */
export async function campaignProgress(db: Db, campaignId: string): Promise<CampaignProgress> {
  const byStatus = await db.selectFrom('posts').select(['status', sql<number>`count(*)::int`.as('n')]).where('campaign_id', '=', campaignId).groupBy('status').execute();
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

export async function insertCampaign(db: Db, row: Insertable<CampaignsTable>): Promise<void> {
  await db.insertInto('campaigns').values(row).execute();
}

/** Puts the posts in the campaign, audited. */
export async function addPostsToCampaign(db: Db, input: { workspaceId: string; actorId: string; campaignId: string; postIds: string[] }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('posts').set({ campaign_id: input.campaignId, updated_at: new Date() }).where('id', 'in', input.postIds).execute();
    await appendAudit(trx, { workspaceId: input.workspaceId, actorId: input.actorId, action: 'campaign.posts_added', subjectType: 'campaign', subjectId: input.campaignId, after: { postIds: input.postIds } });
  });
}
