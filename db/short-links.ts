import { sql, type Generated } from 'kysely';
import type { CreatedAt, Timestamp } from './columns';
import type { Db } from './database';

export interface ShortLinksTable {
  code: string;
  workspace_id: string;
  target_url: string;
  campaign_id: string | null;
  post_id: string | null;
  channel_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  /** The target (post × channel) a campaign's publish made this link for (migration 0036); null for links made by hand. */
  target_id: Generated<string | null>;
}

export type ClickExclusion = 'bot' | 'repeat';

export interface ShortLinkClicksTable {
  id: Generated<string>;
  code: string;
  clicked_at: Generated<Timestamp>;
  visitor: string;
  excluded: ClickExclusion | null;
}

export interface NewShortLink {
  code: string;
  workspaceId: string;
  targetUrl: string;
  campaignId: string | null;
  postId: string | null;
  channelId: string | null;
  createdBy: string | null;
}

export async function insertShortLink(db: Db, link: NewShortLink): Promise<void> {
  await db
    .insertInto('short_links')
    .values({
      code: link.code,
      workspace_id: link.workspaceId,
      target_url: link.targetUrl,
      campaign_id: link.campaignId,
      post_id: link.postId,
      channel_id: link.channelId,
      created_by: link.createdBy,
    })
    .execute();
}

export async function findShortLink(db: Db, code: string) {
  return db.selectFrom('short_links').selectAll().where('code', '=', code).executeTakeFirst();
}

/** A workspace's short links with their counted clicks, newest first. */
export async function listShortLinks(
  db: Db,
  workspaceId: string,
  filter: { campaignId?: string; postId?: string } = {},
) {
  let query = db
    .selectFrom('short_links as l')
    .leftJoin('short_link_clicks as k', (join) => join.onRef('k.code', '=', 'l.code').on('k.excluded', 'is', null))
    .selectAll('l')
    .select(sql<number>`count(k.id)::int`.as('clicks'))
    .where('l.workspace_id', '=', workspaceId)
    .groupBy('l.code')
    .orderBy('l.created_at', 'desc')
    .limit(1000);
  if (filter.campaignId) query = query.where('l.campaign_id', '=', filter.campaignId);
  if (filter.postId) query = query.where('l.post_id', '=', filter.postId);
  return query.execute();
}

/**
 * Records a click: excluded as `bot` when the caller says so, or as `repeat` when the same visitor
 * clicked the same link within `repeatWindowMs` (counted or not: a visitor clicking every few
 * seconds stays one click). A lock on the (link, visitor) pair makes two clicks at once one.
 */
export async function recordClick(
  db: Db,
  input: { code: string; visitor: string; bot: boolean; repeatWindowMs: number },
): Promise<ClickExclusion | null> {
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`${input.code}\n${input.visitor}`}, 0))`.execute(tx);
    const row = await sql<{ excluded: ClickExclusion | null }>`
    insert into short_link_clicks (code, visitor, excluded)
    select ${input.code}, ${input.visitor},
      case
        when ${input.bot} then 'bot'
        when exists (
          select 1 from short_link_clicks
          where code = ${input.code} and visitor = ${input.visitor}
            and clicked_at > now() - ${input.repeatWindowMs} * interval '1 millisecond'
        ) then 'repeat'
      end
    returning excluded`.execute(tx);
    return row.rows[0]?.excluded ?? null;
  });
}

/** The campaign whose posts publish their links as short links, when this post is in one (else undefined). */
export async function shortLinkCampaignOf(db: Db, postId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('posts as p')
    .innerJoin('campaigns as c', 'c.id', 'p.campaign_id')
    .select('c.id')
    .where('p.id', '=', postId)
    .where('c.short_links', '=', true)
    .executeTakeFirst();
  return row?.id;
}

/**
 * The short link of each URL of one target, made the first time and found again after: the key is
 * (target, URL), so a retried or replayed publish reuses the codes, and the text it sends is the same.
 * `newCode` is asked for a code per URL not linked yet.
 */
export async function targetShortLinks(
  db: Db,
  input: {
    workspaceId: string;
    targetId: string;
    postId: string;
    channelId: string;
    campaignId: string;
    urls: string[];
    newCode: () => string;
  },
): Promise<Map<string, string>> {
  const urls = [...new Set(input.urls)];
  if (urls.length === 0) return new Map();
  await db
    .insertInto('short_links')
    .values(
      urls.map((url) => ({
        code: input.newCode(),
        workspace_id: input.workspaceId,
        target_url: url,
        campaign_id: input.campaignId,
        post_id: input.postId,
        channel_id: input.channelId,
        created_by: null,
        target_id: input.targetId,
      })),
    )
    .onConflict((oc) => oc.columns(['target_id', 'target_url']).where('target_id', 'is not', null).doNothing())
    .execute();
  const rows = await db
    .selectFrom('short_links')
    .select(['code', 'target_url'])
    .where('target_id', '=', input.targetId)
    .where('target_url', 'in', urls)
    .execute();
  return new Map(rows.map((r) => [r.target_url, r.code]));
}
