import { z } from 'zod';
import { exportAudience, exportCampaigns, exportClicks, exportSnapshots } from '../db/analytics-export';
import type { Db } from '../db/database';
import { targetFigures } from '../db/metrics';
import { METRIC_STATUSES, OFFSET_LABELS } from '../contracts/analytics';
import type { ExportDataset } from '../contracts/analytics-reports';
import { CAMPAIGN_STATUSES, PROVIDERS } from '../contracts/domain';
import { sumsOf, totalsOf, totalsView } from './analytics';

// ---- The rows of each dataset (flat, so that CSV, NDJSON and JSON carry the same columns) ----

const snapshotRow = z.object({
  snapshotId: z.string(),
  takenAt: z.string(),
  offsetLabel: z.enum(OFFSET_LABELS),
  status: z.enum(METRIC_STATUSES),
  likes: z.number().int().nullable(),
  reposts: z.number().int().nullable(),
  replies: z.number().int().nullable(),
  quotes: z.number().int().nullable(),
  impressions: z.number().int().nullable().describe('Null where the network does not say'),
  targetId: z.uuid(),
  postId: z.uuid(),
  channelId: z.uuid(),
  campaignId: z.uuid().nullable(),
});

const postRow = z.object({
  targetId: z.uuid(),
  postId: z.uuid(),
  campaignId: z.uuid().nullable(),
  channelId: z.uuid(),
  channelName: z.string(),
  provider: z.enum(PROVIDERS),
  publishedAt: z.string(),
  status: z.enum(METRIC_STATUSES).nullable(),
  offsetLabel: z.enum(OFFSET_LABELS).nullable(),
  likes: z.number().int(),
  reposts: z.number().int(),
  replies: z.number().int(),
  quotes: z.number().int(),
  engagements: z.number().int(),
  impressions: z.number().int().nullable().describe('Null where the network does not say'),
  clicks: z.number().int(),
  followersAtPublish: z.number().int().nullable(),
  engagementRate: z.number().nullable(),
});

const campaignRow = z.object({
  campaignId: z.uuid(),
  name: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  startsAt: z.string(),
  endsAt: z.string(),
  tags: z.string().describe('Comma-separated'),
  ...totalsView.shape,
});

const audienceRow = z.object({
  takenAt: z.string(),
  channelId: z.uuid(),
  channelName: z.string(),
  provider: z.enum(PROVIDERS),
  followers: z.number().int(),
});

const clickRow = z.object({
  clickId: z.string(),
  clickedAt: z.string(),
  code: z.string(),
  counted: z.boolean(),
  excluded: z.enum(['bot', 'repeat']).nullable().describe('Why the click is not counted'),
  visitor: z.string().describe('A hash of address and user agent, never the address'),
  targetUrl: z.string(),
  campaignId: z.uuid().nullable(),
  postId: z.uuid().nullable(),
  channelId: z.uuid().nullable(),
});

export const exportRowView = z.union([snapshotRow, postRow, campaignRow, audienceRow, clickRow]);
export type ExportRow = z.infer<typeof exportRowView>;

export const DATASET_DESCRIPTIONS: Record<ExportDataset, string> = {
  snapshots: 'every metrics snapshot taken in the range (a post target at an offset), by id',
  posts:
    'every published post target of the range with its latest counts, engagement rate and clicks, by publishing time',
  campaigns: 'campaigns running in the range with their totals, by start (pages of at most 100)',
  audience: "every followers read of the workspace's channels in the range, by time",
  clicks: 'every short-link click in the range, counted or not, by id',
};

/** Campaign pages are smaller: each campaign's totals read all its targets. */
const CAMPAIGN_PAGE_MAX = 100;

// ---- Cursors: opaque to the client, the last row's sort key and the dataset it is for ----

type Key = (string | number)[];

export function encodeCursor(dataset: ExportDataset, key: Key): string {
  return Buffer.from(JSON.stringify({ d: dataset, k: key })).toString('base64url');
}

/** The key in a cursor of this dataset; undefined when it is not one (forged, truncated, another dataset's). */
export function decodeCursor(dataset: ExportDataset, cursor: string): Key | undefined {
  try {
    const parsed = z
      .strictObject({
        d: z.string(),
        k: z
          .array(z.union([z.string().max(100), z.number()]))
          .min(1)
          .max(2),
      })
      .parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.d !== dataset) return undefined;
    const [first, second] = parsed.k;
    const isId = (v: unknown) => typeof v === 'string' && /^\d{1,18}$/.test(v);
    const isUuid = (v: unknown) => typeof v === 'string' && z.uuid().safeParse(v).success;
    const isTime = (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v));
    const ok =
      dataset === 'snapshots' || dataset === 'clicks'
        ? parsed.k.length === 1 && isId(first)
        : parsed.k.length === 2 && isTime(first) && isUuid(second);
    return ok ? parsed.k : undefined;
  } catch {
    return undefined;
  }
}

export interface ExportPage {
  rows: ExportRow[];
  nextCursor: string | null;
}

/**
 * One page of a dataset: rows in the dataset's total order after the cursor's row, at most `limit`,
 * and the cursor of the next page (null on the last). Read-only.
 */
export async function exportPage(
  db: Db,
  input: { workspaceId: string; dataset: ExportDataset; from: Date; to: Date; limit: number; after?: Key },
): Promise<ExportPage> {
  const { workspaceId, dataset, from, to, after } = input;
  const page = <T>(rows: T[], limit: number, key: (row: T) => Key, view: (row: T) => ExportRow): ExportPage => {
    const more = rows.length > limit;
    const kept = more ? rows.slice(0, limit) : rows;
    return {
      rows: kept.map(view),
      nextCursor: more ? encodeCursor(dataset, key(kept[kept.length - 1]!)) : null,
    };
  };
  switch (dataset) {
    case 'snapshots': {
      const limit = input.limit;
      const rows = await exportSnapshots(db, { workspaceId, from, to, limit, afterId: after?.[0] as string });
      return page(
        rows,
        limit,
        (r) => [r.id],
        (r) => ({
          snapshotId: r.id,
          takenAt: r.taken_at.toISOString(),
          offsetLabel: r.offset_label,
          status: r.status,
          likes: r.likes,
          reposts: r.reposts,
          replies: r.replies,
          quotes: r.quotes,
          impressions: r.impressions,
          targetId: r.target_id,
          postId: r.post_id,
          channelId: r.channel_id,
          campaignId: r.campaign_id,
        }),
      );
    }
    case 'posts': {
      const limit = input.limit;
      const rows = await targetFigures(
        db,
        workspaceId,
        { from, to },
        {
          limit: limit + 1,
          after: after ? { publishedAt: new Date(after[0] as string), targetId: after[1] as string } : undefined,
        },
      );
      return page(
        rows,
        limit,
        (r) => [r.publishedAt.toISOString(), r.targetId],
        (r) => {
          const engagements = r.likes + r.reposts + r.replies + r.quotes;
          return {
            ...r,
            publishedAt: r.publishedAt.toISOString(),
            engagements,
            engagementRate:
              r.followersAtPublish === null || r.followersAtPublish === 0 ? null : engagements / r.followersAtPublish,
          };
        },
      );
    }
    case 'campaigns': {
      const limit = Math.min(input.limit, CAMPAIGN_PAGE_MAX);
      const rows = await exportCampaigns(db, {
        workspaceId,
        from,
        to,
        limit,
        after: after ? { startsAt: new Date(after[0] as string), id: after[1] as string } : undefined,
      });
      const kept = rows.slice(0, limit);
      const figures = await targetFigures(db, workspaceId, { campaignIds: kept.map((c) => c.id) });
      return page(
        rows,
        limit,
        (c) => [c.starts_at.toISOString(), c.id],
        (c) => ({
          campaignId: c.id,
          name: c.name,
          status: c.status,
          startsAt: c.starts_at.toISOString(),
          endsAt: c.ends_at.toISOString(),
          tags: c.tags.join(','),
          ...totalsOf(sumsOf(figures.filter((t) => t.campaignId === c.id))),
        }),
      );
    }
    case 'audience': {
      const limit = input.limit;
      const rows = await exportAudience(db, {
        workspaceId,
        from,
        to,
        limit,
        after: after ? { takenAt: new Date(after[0] as string), channelId: after[1] as string } : undefined,
      });
      return page(
        rows,
        limit,
        (r) => [r.taken_at.toISOString(), r.channel_id],
        (r) => ({
          takenAt: r.taken_at.toISOString(),
          channelId: r.channel_id,
          channelName: r.channel_name,
          provider: r.provider,
          followers: r.followers,
        }),
      );
    }
    case 'clicks': {
      const limit = input.limit;
      const rows = await exportClicks(db, { workspaceId, from, to, limit, afterId: after?.[0] as string });
      return page(
        rows,
        limit,
        (r) => [r.id],
        (r) => ({
          clickId: r.id,
          clickedAt: new Date(r.clicked_at as unknown as Date).toISOString(),
          code: r.code,
          counted: r.excluded === null,
          excluded: r.excluded,
          visitor: r.visitor,
          targetUrl: r.target_url,
          campaignId: r.campaign_id,
          postId: r.post_id,
          channelId: r.channel_id,
        }),
      );
    }
  }
}
