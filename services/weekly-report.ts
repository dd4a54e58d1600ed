import { DateTime, type WeekdayNumbers } from 'luxon';
import { z } from 'zod';
import type { Db } from '../db/database';
import { targetFigures } from '../db/metrics';
import { findWorkspaceName, postTexts, type WeeklyReportSettings } from '../db/analytics-events';
import type { WeeklyReportDue } from '../contracts/analytics-reports';
import { audienceReport, overview, overviewView, sumsOf, totalsOf } from './analytics';

const WEEK_MS = 7 * 86_400_000;

/**
 * When the next weekly report after `now` is due, and the week it covers. At scale 1: the next
 * `weekday` at `hour`:00 in the settings' zone (wall-clock, so it stays 09:00 across daylight-saving
 * changes), the week being the seven local days before it, keyed by its ISO week (`2026-W48`). At a
 * test's scale the week is 7 days ÷ scale long, on a grid from the epoch: keyed by its number.
 */
export function nextWeeklyReport(settings: WeeklyReportSettings, now: Date, timeScale = 1): WeeklyReportDue {
  if (timeScale > 1) {
    const period = Math.round(WEEK_MS / timeScale);
    const phase = Math.round((((settings.weekday - 1) * 24 + settings.hour) * 3_600_000) / timeScale) % period;
    const n = Math.floor((now.getTime() - phase) / period) + 1;
    const end = n * period + phase;
    return {
      dueInMs: end - now.getTime(),
      periodKey: `x${timeScale}-${n}`,
      periodStart: new Date(end - period).toISOString(),
      periodEnd: new Date(end).toISOString(),
      timeZone: settings.timeZone,
    };
  }
  const local = DateTime.fromJSDate(now, { zone: settings.timeZone });
  const at = (week: DateTime) =>
    DateTime.fromObject(
      {
        weekYear: week.weekYear,
        weekNumber: week.weekNumber,
        weekday: settings.weekday as WeekdayNumbers,
        hour: settings.hour,
      },
      { zone: settings.timeZone },
    );
  let end = at(local);
  if (end.toMillis() <= now.getTime()) end = at(local.plus({ weeks: 1 }));
  return {
    dueInMs: end.toMillis() - now.getTime(),
    periodKey: `${end.weekYear}-W${String(end.weekNumber).padStart(2, '0')}`,
    periodStart: end.minus({ weeks: 1 }).toJSDate().toISOString(),
    periodEnd: end.toJSDate().toISOString(),
    timeZone: settings.timeZone,
  };
}

// ---- The report ----

const TOP_POSTS = 3;

const change = z.object({
  current: z.number().nullable(),
  previous: z.number().nullable(),
  change: z.number().nullable().describe('current − previous; null when either is'),
});

export const weeklyReportView = z.object({
  workspaceId: z.uuid(),
  workspaceName: z.string(),
  periodKey: z.string(),
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  dashboardUrl: z.string(),
  thisWeek: overviewView,
  weekBefore: overviewView,
  compared: z.object({
    posts: change,
    engagements: change,
    engagementRate: change,
    clicks: change,
    followerGrowth: change,
    mentions: change,
    firstResponseBreached: change,
  }),
  topPosts: z.array(
    z.object({
      postId: z.uuid(),
      text: z.string(),
      channels: z.array(z.string()),
      engagements: z.number().int(),
      engagementRate: z.number().nullable(),
      clicks: z.number().int(),
      url: z.string(),
    }),
  ),
  audience: z.array(
    z.object({
      channelId: z.uuid(),
      channelName: z.string(),
      followers: z.number().int().nullable(),
      growth: z.number().int().nullable(),
    }),
  ),
  summary: z.string().describe('The same, as plain text (the email body)'),
});
export type WeeklyReport = z.infer<typeof weeklyReportView>;

const diff = (current: number | null, previous: number | null) => ({
  current,
  previous,
  change: current === null || previous === null ? null : current - previous,
});

/**
 * A workspace's week against the week before, from the same figures as the dashboard
 * (services/analytics.ts: overview, audience, per-target totals): posts, engagements and rate,
 * clicks, top posts, followers per channel, listening volume and sentiment, inbox SLA.
 */
export async function buildWeeklyReport(
  db: Db,
  input: { workspaceId: string; periodKey: string; from: Date; to: Date; timeZone: string; appUrl: string },
): Promise<WeeklyReport> {
  const { workspaceId, from, to, timeZone } = input;
  const before = { from: new Date(from.getTime() - (to.getTime() - from.getTime())), to: from, timeZone };
  const [name, thisWeek, weekBefore, audience, targets] = await Promise.all([
    findWorkspaceName(db, workspaceId),
    overview(db, workspaceId, { from, to, timeZone }),
    overview(db, workspaceId, before),
    audienceReport(db, workspaceId, undefined, { from, to, timeZone }),
    targetFigures(db, workspaceId, { from, to }),
  ]);
  const byPost = new Map<string, typeof targets>();
  for (const t of targets) byPost.set(t.postId, [...(byPost.get(t.postId) ?? []), t]);
  const ranked = [...byPost]
    .map(([postId, rows]) => ({ postId, rows, totals: totalsOf(sumsOf(rows)) }))
    .sort((a, b) => b.totals.engagements - a.totals.engagements || b.totals.clicks - a.totals.clicks)
    .slice(0, TOP_POSTS);
  const texts = await postTexts(
    db,
    workspaceId,
    ranked.map((p) => p.postId),
  );
  const appUrl = input.appUrl.replace(/\/+$/, '');
  const dashboardUrl = `${appUrl}/analytics?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
  const report: Omit<WeeklyReport, 'summary'> = {
    workspaceId,
    workspaceName: name ?? workspaceId,
    periodKey: input.periodKey,
    from: from.toISOString(),
    to: to.toISOString(),
    timeZone,
    dashboardUrl,
    thisWeek,
    weekBefore,
    compared: {
      posts: diff(thisWeek.publishing.posts, weekBefore.publishing.posts),
      engagements: diff(thisWeek.publishing.engagements, weekBefore.publishing.engagements),
      engagementRate: diff(thisWeek.publishing.engagementRate, weekBefore.publishing.engagementRate),
      clicks: diff(thisWeek.publishing.clicks, weekBefore.publishing.clicks),
      followerGrowth: diff(thisWeek.audience.growth, weekBefore.audience.growth),
      mentions: diff(thisWeek.listening.mentions, weekBefore.listening.mentions),
      firstResponseBreached: diff(thisWeek.inbox.firstResponseBreached, weekBefore.inbox.firstResponseBreached),
    },
    topPosts: ranked.map((p) => ({
      postId: p.postId,
      text: texts.get(p.postId) ?? '',
      channels: [...new Set(p.rows.map((r) => r.channelName))],
      engagements: p.totals.engagements,
      engagementRate: p.totals.engagementRate,
      clicks: p.totals.clicks,
      url: `${appUrl}/posts/${p.postId}`,
    })),
    audience: audience.channels.map((c) => ({
      channelId: c.channelId,
      channelName: c.channelName,
      followers: c.days.length > 0 ? c.days[c.days.length - 1]!.followers : null,
      growth: c.growth,
    })),
  };
  return { ...report, summary: weeklySummary(report) };
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
const percent = (rate: number | null) => (rate === null ? 'n/a' : `${(rate * 100).toFixed(2)}%`);
const vs = (
  c: { current: number | null; previous: number | null; change: number | null },
  show: (n: number) => string = String,
) =>
  `${c.current === null ? 'n/a' : show(c.current)} (week before: ${c.previous === null ? 'n/a' : show(c.previous)}${c.change === null || c.change === 0 ? '' : `, ${c.change > 0 ? 'up' : 'down'}`})`;

/** The report as plain text: what an email says and what a chat tool can post as is. */
export function weeklySummary(r: Omit<WeeklyReport, 'summary'>): string {
  const day = (iso: string) => DateTime.fromISO(iso, { zone: r.timeZone }).toFormat('ccc d LLL yyyy, HH:mm');
  const w = r.thisWeek;
  const lines = [
    `${r.workspaceName}: your week on Chorus`,
    `${day(r.from)} to ${day(r.to)} (${r.timeZone})`,
    '',
    'Publishing',
    `  Posts published: ${vs(r.compared.posts)}`,
    `  Engagements (likes, reposts, replies, quotes): ${vs(r.compared.engagements)}`,
    `  Engagement rate: ${vs(r.compared.engagementRate, (n) => percent(n))}`,
    `  Link clicks: ${vs(r.compared.clicks)}`,
    '',
    'Top posts',
    ...(r.topPosts.length === 0
      ? ['  No post was published this week.']
      : r.topPosts.map((p, i) => {
          const text = p.text.replace(/\s+/g, ' ').trim();
          return `  ${i + 1}. "${text.length > 80 ? `${text.slice(0, 79)}…` : text}" (${p.channels.join(', ')}): ${p.engagements} engagements, rate ${percent(p.engagementRate)}, ${p.clicks} clicks\n     ${p.url}`;
        })),
    '',
    'Audience',
    ...(r.audience.length === 0
      ? ['  No channel whose network reports followers.']
      : r.audience.map(
          (c) =>
            `  ${c.channelName}: ${c.followers ?? 'n/a'} followers${c.growth === null ? '' : ` (${signed(c.growth)} this week)`}`,
        )),
    `  Growth over all channels: ${vs(r.compared.followerGrowth, signed)}`,
    '',
    'Listening',
    `  Mentions: ${vs(r.compared.mentions)}`,
    ...Object.entries(w.listening.bySentiment).map(([label, n]) => `    ${label}: ${n}`),
    `  Sales leads: ${w.listening.leads}`,
    '',
    'Inbox',
    `  Conversations: ${w.inbox.conversations}, answered ${w.inbox.responded}`,
    `  First responses later than the SLA: ${vs(r.compared.firstResponseBreached)}`,
    `  Median first response: ${w.inbox.medianFirstResponseMinutes === null ? 'n/a' : `${Math.round(w.inbox.medianFirstResponseMinutes)} min`}`,
    '',
    `The dashboard: ${r.dashboardUrl}`,
  ];
  return lines.join('\n');
}
