import { sql } from 'kysely';
import type { CampaignStatus, CampaignUtm, Db } from './database';

export interface CampaignView {
  id: string;
  name: string;
  objective: string | null;
  startsAt: string;
  endsAt: string;
  channelIds: string[];
  ownerId: string;
  tags: string[];
  utm: CampaignUtm | null;
  enforceDates: boolean;
  status: CampaignStatus;
  workflowId: string;
  createdAt: string;
}

export interface CampaignProgress {
  total: number;
  byStatus: Record<string, number>;
  byChannel: Record<string, Record<string, number>>;
}

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
