import { z } from 'zod';
import { findCampaign } from '../db/campaigns';
import { findChannel, findChannels } from '../db/channels';
import type { Db } from '../db/database';
import {
  audienceByDay,
  audienceNow,
  engagementBySlot,
  listeningAndInboxFigures,
  snapshotSeries,
  targetFigures,
  targetTotals,
  totalsByOffset,
  type TargetFigures,
  type TargetSums,
  type TotalsRow,
} from '../db/metrics';
import { findPost } from '../db/posts';
import { NotFound } from '../contracts/errors';
import { METRIC_STATUSES, OFFSET_LABELS } from '../contracts/analytics';
import { PROVIDERS } from '../contracts/domain';

// ---- What the reports say (the API's response schemas) ----

const counts = {
  likes: z.number().int(),
  reposts: z.number().int(),
  replies: z.number().int(),
  quotes: z.number().int().describe('Bluesky only; 0 on Mastodon, which has no quote count'),
  engagements: z.number().int().describe('likes + reposts + replies + quotes'),
  clicks: z.number().int().describe('Short-link clicks, bots and repeats excluded'),
};

/** Which networks give impressions, for the descriptions. */
const IMPRESSIONS_SOURCES =
  "X's impression_count, a LinkedIn organization's share statistics, Facebook's post_impressions, Instagram's and Threads' views";

export const totalsView = z
  .object({
    posts: z.number().int().describe('Published posts'),
    targets: z.number().int().describe('Published posts × channels'),
    ...counts,
    impressions: z
      .number()
      .int()
      .nullable()
      .describe(
        `Sum of the impressions of the targets whose network gives them (${IMPRESSIONS_SOURCES}); targets without impressions (Bluesky, Mastodon, a LinkedIn member's posts, a post whose insights the network refused) are not counted; null when none has them`,
      ),
    targetsWithImpressions: z.number().int().describe('How many targets the impressions sum is over'),
    followersAtPublish: z
      .number()
      .int()
      .describe("Sum over targets of the channel's followers when each was published (targets with a read)"),
    engagementRate: z
      .number()
      .nullable()
      .describe('Engagements of the targets with a followers read / their followersAtPublish; null when none has one'),
  })
  .describe('Sums over published targets, from the latest snapshot with counts of each');
export type Totals = z.infer<typeof totalsView>;

export const targetFiguresView = z.object({
  targetId: z.uuid(),
  postId: z.uuid(),
  campaignId: z.uuid().nullable(),
  channelId: z.uuid(),
  channelName: z.string(),
  provider: z.enum(PROVIDERS),
  publishedAt: z.string(),
  status: z
    .enum(METRIC_STATUSES)
    .nullable()
    .describe('The latest snapshot: ok, missing (the network does not show it), deleted; null before the first'),
  offsetLabel: z.enum(OFFSET_LABELS).nullable().describe('The offset of the snapshot the counts come from'),
  ...counts,
  impressions: z
    .number()
    .int()
    .nullable()
    .describe(
      `Times the network showed it (${IMPRESSIONS_SOURCES}); null where the network does not say (Bluesky, Mastodon, a LinkedIn member's posts) or refused to for this post`,
    ),
  followersAtPublish: z.number().int().nullable(),
  engagementRate: z.number().nullable().describe('engagements / followersAtPublish'),
});
type TargetView = z.infer<typeof targetFiguresView>;

const snapshotView = z.object({
  offsetLabel: z.enum(OFFSET_LABELS),
  takenAt: z.string(),
  status: z.enum(METRIC_STATUSES),
  likes: z.number().int().nullable(),
  reposts: z.number().int().nullable(),
  replies: z.number().int().nullable(),
  quotes: z.number().int().nullable(),
  impressions: z.number().int().nullable().describe('Null where the network does not say'),
});

export const postReportView = z.object({
  postId: z.uuid(),
  campaignId: z.uuid().nullable(),
  totals: totalsView,
  targets: z.array(targetFiguresView.extend({ snapshots: z.array(snapshotView).describe('Growth over time') })),
});

const dayView = z.object({ day: z.string().describe('YYYY-MM-DD in the timeZone asked for'), ...totalsView.shape });
const audienceDayView = z.object({
  day: z.string(),
  followers: z.number().int(),
  change: z.number().int().nullable().describe('Since the previous day with a read; null on the first'),
});

export const channelReportView = z.object({
  channelId: z.uuid(),
  channelName: z.string(),
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  totals: totalsView,
  targets: z.array(targetFiguresView),
  byDay: z.array(dayView).describe('By day of publishing'),
  audience: z.array(audienceDayView),
});

const offsetTotalsView = z.object({
  offsetLabel: z.enum(OFFSET_LABELS),
  targets: z.number().int().describe('Targets with counts at this offset'),
  likes: z.number().int(),
  reposts: z.number().int(),
  replies: z.number().int(),
  quotes: z.number().int(),
  engagements: z.number().int(),
  impressions: z
    .number()
    .int()
    .nullable()
    .describe('Over the targets read then whose network gives impressions (the others not counted); null when none'),
});

export const campaignReportView = z.object({
  campaignId: z.uuid(),
  name: z.string(),
  totals: totalsView,
  channels: z.array(z.object({ channelId: z.uuid(), channelName: z.string(), ...totalsView.shape })),
  posts: z.array(z.object({ postId: z.uuid(), publishedAt: z.string(), ...totalsView.shape })),
  overTime: z.object({
    byOffset: z.array(offsetTotalsView).describe('Counts at +1h, +6h, ... summed over the targets read then'),
    byDay: z.array(dayView).describe('By day of publishing (UTC)'),
  }),
});

export const comparisonView = z.object({
  campaigns: z.array(
    z.object({
      campaignId: z.uuid(),
      name: z.string(),
      ...totalsView.shape,
      engagementsPerPost: z.number().nullable(),
      engagementsPerFollower: z
        .number()
        .nullable()
        .describe('Same as engagementRate: engagements / followers at publishing'),
      clicksPerPost: z.number().nullable(),
    }),
  ),
});

export const audienceReportView = z.object({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  channels: z.array(
    z.object({
      channelId: z.uuid(),
      channelName: z.string(),
      days: z.array(audienceDayView),
      growth: z.number().int().nullable().describe('Last day minus first day; null with fewer than one read'),
    }),
  ),
});

// ---- Building them ----

const engagementsOf = (t: Pick<TargetFigures, 'likes' | 'reposts' | 'replies' | 'quotes'>) =>
  t.likes + t.reposts + t.replies + t.quotes;

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/** A report's totals from PostgreSQL's sums (the engagement rate over the targets with a followers read). */
export function totalsOf(found: TargetSums | undefined): Totals {
  const sums = found ?? EMPTY_SUMS;
  return {
    posts: sums.posts,
    targets: sums.targets,
    likes: sums.likes,
    reposts: sums.reposts,
    replies: sums.replies,
    quotes: sums.quotes,
    engagements: sums.engagements,
    impressions: sums.targetsWithImpressions > 0 ? sums.impressions : null,
    targetsWithImpressions: sums.targetsWithImpressions,
    clicks: sums.clicks,
    followersAtPublish: sums.followersAtPublish,
    engagementRate: ratio(sums.engagementsWithFollowers, sums.followersAtPublish),
  };
}

/** The same sums over targets already read (a handful: a week's top posts, one export page's campaigns). */
export function sumsOf(rows: TargetFigures[]): TargetSums {
  const sum = (pick: (t: TargetFigures) => number) => rows.reduce((acc, t) => acc + pick(t), 0);
  const withFollowers = rows.filter((t) => t.followersAtPublish !== null && t.followersAtPublish > 0);
  const withImpressions = rows.filter((t) => t.impressions !== null);
  return {
    posts: new Set(rows.map((t) => t.postId)).size,
    targets: rows.length,
    likes: sum((t) => t.likes),
    reposts: sum((t) => t.reposts),
    replies: sum((t) => t.replies),
    quotes: sum((t) => t.quotes),
    engagements: sum(engagementsOf),
    impressions: withImpressions.reduce((acc, t) => acc + t.impressions!, 0),
    targetsWithImpressions: withImpressions.length,
    clicks: sum((t) => t.clicks),
    followersAtPublish: withFollowers.reduce((acc, t) => acc + t.followersAtPublish!, 0),
    engagementsWithFollowers: withFollowers.reduce((acc, t) => acc + engagementsOf(t), 0),
  };
}

const EMPTY_SUMS: TargetSums = {
  posts: 0,
  targets: 0,
  likes: 0,
  reposts: 0,
  replies: 0,
  quotes: 0,
  engagements: 0,
  impressions: 0,
  targetsWithImpressions: 0,
  clicks: 0,
  followersAtPublish: 0,
  engagementsWithFollowers: 0,
};

/** The rows of one grouping, and the totals over every target. */
function splitTotals(rows: TotalsRow[]) {
  return {
    all: totalsOf(rows.find((r) => r.group === 'all')),
    of: (group: TotalsRow['group']) => rows.filter((r) => r.group === group),
  };
}

const byDay = (rows: TotalsRow[]) => rows.map((r) => ({ day: r.day!, ...totalsOf(r) }));

function targetView(t: TargetFigures): TargetView {
  const engagements = engagementsOf(t);
  return {
    ...t,
    publishedAt: t.publishedAt.toISOString(),
    engagements,
    engagementRate: t.followersAtPublish === null ? null : ratio(engagements, t.followersAtPublish),
  };
}

function groupBy<T, K>(rows: T[], key: (row: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}

function audienceDays(rows: { day: string; followers: number }[]) {
  return rows.map((r, i) => ({
    day: r.day,
    followers: r.followers,
    change: i === 0 ? null : r.followers - rows[i - 1]!.followers,
  }));
}

/** A report range: `from` before `to`, at most MAX_RANGE_DAYS long, in a known time zone. */
export interface ReportRange {
  from: Date;
  to: Date;
  timeZone: string;
}

export const MAX_RANGE_DAYS = 366;
export const DEFAULT_RANGE_DAYS = 30;

const missing = (field: string, what: string) =>
  new NotFound(`${what} not found in this workspace`, [
    { field, rule: 'exists', message: `no such ${what.toLowerCase()} in this workspace` },
  ]);

export async function postReport(db: Db, workspaceId: string, postId: string): Promise<z.infer<typeof postReportView>> {
  const post = await findPost(db, workspaceId, postId);
  if (!post) throw missing('params.id', 'Post');
  const [rows, sums] = await Promise.all([
    targetFigures(db, workspaceId, { postId }),
    targetTotals(db, workspaceId, { postId }, { groups: [] }),
  ]);
  const series = groupBy(
    await snapshotSeries(
      db,
      workspaceId,
      rows.map((r) => r.targetId),
    ),
    (s) => s.target_id,
  );
  return {
    postId,
    campaignId: post.campaignId ?? null,
    totals: splitTotals(sums).all,
    targets: rows.map((t) => ({
      ...targetView(t),
      snapshots: (series.get(t.targetId) ?? []).map((s) => ({
        offsetLabel: s.offset_label,
        takenAt: s.taken_at.toISOString(),
        status: s.status,
        likes: s.likes,
        reposts: s.reposts,
        replies: s.replies,
        quotes: s.quotes,
        impressions: s.impressions,
      })),
    })),
  };
}

export async function channelReport(
  db: Db,
  workspaceId: string,
  channelId: string,
  range: ReportRange,
): Promise<z.infer<typeof channelReportView>> {
  const channel = await findChannel(db, workspaceId, channelId);
  if (!channel) throw missing('params.id', 'Channel');
  const filter = { channelId, from: range.from, to: range.to };
  const [rows, sums, audience] = await Promise.all([
    targetFigures(db, workspaceId, filter),
    targetTotals(db, workspaceId, filter, { groups: ['day'], timeZone: range.timeZone }).then(splitTotals),
    audienceByDay(db, { workspaceId, channelIds: [channelId], ...range }),
  ]);
  return {
    channelId,
    channelName: channel.name,
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    timeZone: range.timeZone,
    totals: sums.all,
    targets: rows.map(targetView),
    byDay: byDay(sums.of('day')),
    audience: audienceDays(audience),
  };
}

export async function campaignReport(
  db: Db,
  workspaceId: string,
  campaignId: string,
): Promise<z.infer<typeof campaignReportView>> {
  const campaign = await findCampaign(db, workspaceId, campaignId);
  if (!campaign) throw missing('params.id', 'Campaign');
  const filter = { campaignIds: [campaignId] };
  const [sums, offsets] = await Promise.all([
    targetTotals(db, workspaceId, filter, { groups: ['channel', 'post', 'day'], timeZone: 'UTC' }).then(splitTotals),
    totalsByOffset(db, workspaceId, filter),
  ]);
  const byOffset = OFFSET_LABELS.flatMap((offsetLabel) => {
    const at = offsets.find((o) => o.offset_label === offsetLabel);
    if (!at) return [];
    const { targets, likes, reposts, replies, quotes, impressions } = at;
    const engagements = likes + reposts + replies + quotes;
    return [{ offsetLabel, targets, likes, reposts, replies, quotes, engagements, impressions }];
  });
  return {
    campaignId,
    name: campaign.name,
    totals: sums.all,
    channels: sums.of('channel').map((r) => ({
      channelId: r.channelId!,
      channelName: r.channelName!,
      ...totalsOf(r),
    })),
    posts: sums.of('post').map((r) => ({
      postId: r.postId!,
      publishedAt: r.publishedAt.toISOString(),
      ...totalsOf(r),
    })),
    overTime: { byOffset, byDay: byDay(sums.of('day')) },
  };
}

export async function compareCampaigns(
  db: Db,
  workspaceId: string,
  campaignIds: string[],
): Promise<z.infer<typeof comparisonView>> {
  const campaigns = await Promise.all(campaignIds.map((id) => findCampaign(db, workspaceId, id)));
  const unknown = campaignIds.flatMap((id, i) =>
    campaigns[i]
      ? []
      : [{ field: `querystring.ids.${i}`, rule: 'exists', message: `no campaign ${id} in this workspace` }],
  );
  if (unknown.length > 0) throw new NotFound('Campaign not found in this workspace', unknown);
  const sums = splitTotals(await targetTotals(db, workspaceId, { campaignIds }, { groups: ['campaign'] }));
  const byCampaign = new Map(sums.of('campaign').map((r) => [r.campaignId, r]));
  return {
    campaigns: campaigns.map((campaign) => {
      const totals = totalsOf(byCampaign.get(campaign!.id));
      return {
        campaignId: campaign!.id,
        name: campaign!.name,
        ...totals,
        engagementsPerPost: ratio(totals.engagements, totals.posts),
        engagementsPerFollower: totals.engagementRate,
        clicksPerPost: ratio(totals.clicks, totals.posts),
      };
    }),
  };
}

export async function audienceReport(
  db: Db,
  workspaceId: string,
  channelIds: string[] | undefined,
  range: ReportRange,
): Promise<z.infer<typeof audienceReportView>> {
  const channels = await findChannels(db, workspaceId, channelIds);
  if (channelIds) {
    const known = new Set(channels.map((c) => c.id));
    const unknown = channelIds.flatMap((id, i) =>
      known.has(id)
        ? []
        : [{ field: `querystring.channelId.${i}`, rule: 'exists', message: `no channel ${id} in this workspace` }],
    );
    if (unknown.length > 0) throw new NotFound('Channel not found in this workspace', unknown);
  }
  const rows = await audienceByDay(db, { workspaceId, channelIds: channels.map((c) => c.id), ...range });
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    timeZone: range.timeZone,
    channels: channels.map((c) => {
      const days = audienceDays(rows.filter((r) => r.channel_id === c.id));
      return {
        channelId: c.id,
        channelName: c.name,
        days,
        growth: days.length > 0 ? days[days.length - 1]!.followers - days[0]!.followers : null,
      };
    }),
  };
}

// ---- Best time to post ----

/** A weekday × hour slot is ranked only with at least this many posts with an engagement rate. */
export const MIN_SLOT_SAMPLE = 3;
/** Below this many posts in the range, suggestions come with a note that the data is thin. */
export const MIN_TOTAL_SAMPLE = 20;
const SUGGESTIONS = 3;

const slotView = z.object({
  day: z.number().int().describe('1 = Monday … 7 = Sunday, in the channel’s time zone'),
  hour: z.number().int().describe('0–23, in the channel’s time zone'),
  posts: z.number().int().describe('Posts published in this slot with an engagement rate'),
  engagementRate: z.number().describe('Mean of their engagement rates'),
});

export const bestTimesView = z.object({
  channelId: z.uuid(),
  channelName: z.string(),
  timeZone: z.string().describe("The channel's time zone (its queue's)"),
  from: z.string(),
  to: z.string(),
  sample: z.number().int().describe('Posts in the range with counts and a followers read'),
  confidence: z
    .enum(['enough', 'thin', 'none'])
    .describe(
      `none: no slot has ${MIN_SLOT_SAMPLE} posts; thin: fewer than ${MIN_TOTAL_SAMPLE} posts in all, or the best slot has fewer than 5`,
    ),
  note: z.string().nullable().describe('Why the suggestions should be taken with care, when they should'),
  slots: z.array(slotView).describe('Every slot with posts, best first'),
  suggestions: z
    .array(z.object({ day: z.number().int(), time: z.string(), posts: z.number().int(), engagementRate: z.number() }))
    .describe(`Up to ${SUGGESTIONS} queue slots (ranked slots with at least ${MIN_SLOT_SAMPLE} posts), best first`),
});
export type BestTimes = z.infer<typeof bestTimesView>;

/**
 * Engagement rate by weekday × hour of publishing, in the channel's time zone, from the
 * workspace's own published posts on it: each post's rate is its engagements over the channel's
 * followers when it was published (posts without both are left out).
 */
export async function bestTimes(
  db: Db,
  workspaceId: string,
  channelId: string,
  range: ReportRange,
): Promise<BestTimes> {
  const channel = await findChannel(db, workspaceId, channelId);
  if (!channel) throw missing('params.id', 'Channel');
  const slots = (
    await engagementBySlot(db, workspaceId, { channelId, from: range.from, to: range.to }, channel.timezone)
  ).sort((a, b) => b.engagementRate - a.engagementRate || b.posts - a.posts);
  const sample = slots.reduce((acc, s) => acc + s.posts, 0);
  const ranked = slots.filter((s) => s.posts >= MIN_SLOT_SAMPLE);
  const confidence =
    ranked.length === 0 ? 'none' : sample < MIN_TOTAL_SAMPLE || ranked[0]!.posts < 5 ? 'thin' : 'enough';
  const note =
    confidence === 'none'
      ? `No weekday and hour has ${MIN_SLOT_SAMPLE} posts with counts yet (${sample} in all): publish at varied times and look again`
      : confidence === 'thin'
        ? `Thin data: ${sample} posts with counts in all, ${ranked[0]!.posts} in the best slot; take the suggestions as a hint, not a finding`
        : null;
  return {
    channelId,
    channelName: channel.name,
    timeZone: channel.timezone,
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    sample,
    confidence,
    note,
    slots,
    suggestions: ranked.slice(0, SUGGESTIONS).map((s) => ({
      day: s.day,
      time: `${String(s.hour).padStart(2, '0')}:00`,
      posts: s.posts,
      engagementRate: s.engagementRate,
    })),
  };
}

// ---- The overview: publishing, audience, listening and the inbox side by side ----

export const overviewView = z.object({
  from: z.string(),
  to: z.string(),
  publishing: totalsView.describe('Posts published in the range (their latest counts)'),
  audience: z.object({
    channels: z.number().int().describe('Bluesky and Mastodon channels'),
    followers: z.number().int().describe("Sum of each channel's latest followers read"),
    growth: z.number().int().describe('Followers gained in the range, over the channels with reads in it'),
  }),
  listening: z.object({
    mentions: z.number().int().describe('Mentions posted in the range, every query'),
    leads: z.number().int(),
    bySentiment: z.record(z.string(), z.number().int()).describe("By label (a person's correction first)"),
  }),
  inbox: z.object({
    conversations: z.number().int().describe('Conversations that started in the range (spam left out)'),
    responded: z.number().int().describe('Of those, answered'),
    firstResponseBreached: z.number().int().describe('Of those, first response later than the SLA target'),
    medianFirstResponseMinutes: z.number().nullable(),
  }),
});

/** Publishing, audience, listening and inbox figures of a range, for one dashboard. */
export async function overview(db: Db, workspaceId: string, range: ReportRange): Promise<z.infer<typeof overviewView>> {
  const [sums, audience, other] = await Promise.all([
    targetTotals(db, workspaceId, { from: range.from, to: range.to }, { groups: [] }).then(splitTotals),
    audienceNow(db, { workspaceId, ...range }),
    listeningAndInboxFigures(db, { workspaceId, ...range }),
  ]);
  const c = other.conversations;
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    publishing: sums.all,
    audience: {
      channels: audience.length,
      followers: audience.reduce((acc, a) => acc + (a.latest ?? 0), 0),
      growth: audience.reduce((acc, a) => acc + (a.first !== null && a.latest !== null ? a.latest - a.first : 0), 0),
    },
    listening: {
      mentions: other.mentions.reduce((acc, m) => acc + m.mentions, 0),
      leads: other.mentions.reduce((acc, m) => acc + m.leads, 0),
      bySentiment: Object.fromEntries(other.mentions.map((m) => [m.label, m.mentions])),
    },
    inbox: {
      conversations: c.conversations,
      responded: c.responded,
      firstResponseBreached: c.breached,
      medianFirstResponseMinutes: c.median_first_response_minutes,
    },
  };
}
