import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findCampaign } from '../../db/campaigns';
import { channelView, findChannel, setChannelSlots, toChannelView } from '../../db/channels';
import { findPost } from '../../db/posts';
import { findShortLink, insertShortLink, listShortLinks, recordClick } from '../../db/short-links';
import {
  audienceReport,
  audienceReportView,
  bestTimes,
  bestTimesView,
  campaignReport,
  campaignReportView,
  channelReport,
  channelReportView,
  compareCampaigns,
  comparisonView,
  DEFAULT_RANGE_DAYS,
  MAX_RANGE_DAYS,
  overview,
  overviewView,
  postReport,
  postReportView,
  type ReportRange,
} from '../../services/analytics';
import { callerOf, requireRole, Roles } from '../plugins/auth';
import { conflict, invalidField, invalidFields, notFound } from '../problems';
import { idParams, isoInstant } from '../schemas';

const format = z
  .enum(['json', 'csv'])
  .default('json')
  .describe('csv: the same figures as a CSV table (text/csv), one row per item');

const rangeQuery = {
  from: isoInstant.optional().describe(`Default: ${DEFAULT_RANGE_DAYS} days before to`),
  to: isoInstant.optional().describe('Default: now'),
  timeZone: z.string().min(1).max(64).optional().describe('IANA time zone the days are counted in; default UTC'),
};

/** The range asked for, checked: `from` before `to`, at most MAX_RANGE_DAYS apart, a known time zone. */
export function reportRange(
  query: { from?: string; to?: string; timeZone?: string },
  defaultDays = DEFAULT_RANGE_DAYS,
): ReportRange {
  const to = query.to ? new Date(query.to) : new Date();
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - defaultDays * 86_400_000);
  const timeZone = query.timeZone ?? 'UTC';
  const problems = [];
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    problems.push({
      field: 'querystring.timeZone',
      rule: 'iana',
      message: `"${timeZone}" is not an IANA time zone (e.g. Europe/Berlin)`,
    });
  }
  if (to <= from) problems.push({ field: 'querystring.to', rule: 'after_from', message: 'must be after from' });
  else if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000)
    problems.push({
      field: 'querystring.to',
      rule: 'max_range',
      message: `the range may span at most ${MAX_RANGE_DAYS} days`,
    });
  if (problems.length > 0) throw invalidFields(problems, 400);
  return { from, to, timeZone };
}

export type Cell = string | number | boolean | null | undefined;

/** RFC 4180: fields with a comma, quote or line break quoted, quotes doubled; a leading =+-@ defused for spreadsheets. */
export function toCsv(rows: Record<string, Cell>[]): string {
  if (rows.length === 0) return '';
  const headers = Object.keys(rows[0]!);
  const cell = (value: Cell) => {
    if (value === null || value === undefined) return '';
    let text = String(value);
    if (typeof value === 'string' && /^[=+\-@]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [headers.join(','), ...rows.map((r) => headers.map((h) => cell(r[h])).join(','))].join('\r\n') + '\r\n';
}

function sendCsv(reply: FastifyReply, name: string, rows: Record<string, Cell>[]) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .send(toCsv(rows));
}

/** Nested objects flattened (`totals.likes`), arrays left out: one CSV row. */
function flat(record: Record<string, unknown>, prefix = ''): Record<string, Cell> {
  const out: Record<string, Cell> = {};
  for (const [key, value] of Object.entries(record)) {
    if (Array.isArray(value)) continue;
    if (value !== null && typeof value === 'object')
      Object.assign(out, flat(value as Record<string, unknown>, `${prefix}${key}.`));
    else out[`${prefix}${key}`] = value as Cell;
  }
  return out;
}

/** Best times look further back than the other reports by default: a slot needs several posts. */
const BEST_TIMES_DAYS = 180;

const csvNote = 'With `format=csv`: the same figures as a CSV table (text/csv).';

/** Clicks from the same visitor within this window count once. */
export const CLICK_REPEAT_WINDOW_MS = 30 * 60_000;

/**
 * User agents of link-preview fetchers, crawlers and scripts: the networks fetch every link of a
 * post for its card (Bluesky's cardyb, Mastodon's http.rb, Chorus's own link cards), which are not
 * people clicking.
 */
const BOT_AGENT =
  /bot|crawl|spider|slurp|preview|facebookexternalhit|embedly|cardyb|mastodon\/|pleroma|misskey|chorus[-/]|curl\/|wget|python-|httpclient|okhttp|go-http-client|node-fetch|undici|axios|headless|lighthouse|pingdom|uptime/i;

export const isBotAgent = (agent: string | undefined) => !agent || agent.trim().length < 8 || BOT_AGENT.test(agent);

const shortLinkView = z.object({
  code: z.string(),
  shortUrl: z.string().describe('`/l/<code>` on this server'),
  targetUrl: z.string().describe('Where the redirect goes, UTM parameters included'),
  campaignId: z.uuid().nullable(),
  postId: z.uuid().nullable(),
  channelId: z.uuid().nullable(),
  clicks: z.number().int().describe('Bots and repeats within 30 minutes excluded'),
  createdAt: z.string(),
});

export const analyticsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/analytics/overview',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'The dashboard: publishing, audience, listening and inbox figures of a range',
        description: `${csvNote} One row. The range is at most ${MAX_RANGE_DAYS} days.`,
        tags: ['analytics'],
        querystring: z.strictObject({ ...rangeQuery, format }),
        response: { 200: overviewView },
      },
    },
    async (request, reply) => {
      const report = await overview(app.db, callerOf(request).workspaceId, reportRange(request.query));
      if (request.query.format === 'csv') return sendCsv(reply, 'overview', [flat(report)]);
      return report;
    },
  );

  app.get(
    '/analytics/posts/:id',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: "A post's figures per channel: counts, engagement rate, clicks, and each snapshot",
        description: csvNote,
        tags: ['analytics'],
        params: idParams,
        querystring: z.strictObject({ format }),
        response: { 200: postReportView },
      },
    },
    async (request, reply) => {
      const report = await postReport(app.db, callerOf(request).workspaceId, request.params.id);
      if (request.query.format === 'csv')
        return sendCsv(
          reply,
          `post-${report.postId}`,
          report.targets.map(({ snapshots: _snapshots, ...t }) => flat(t)),
        );
      return report;
    },
  );

  app.get(
    '/analytics/channels/:id',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: "A channel's figures over a range: per post, per day, and its followers",
        description: `${csvNote} The range is at most ${MAX_RANGE_DAYS} days.`,
        tags: ['analytics'],
        params: idParams,
        querystring: z.strictObject({ ...rangeQuery, format }),
        response: { 200: channelReportView },
      },
    },
    async (request, reply) => {
      const range = reportRange(request.query);
      const report = await channelReport(app.db, callerOf(request).workspaceId, request.params.id, range);
      if (request.query.format === 'csv')
        return sendCsv(
          reply,
          `channel-${report.channelId}`,
          report.targets.map((t) => flat(t)),
        );
      return report;
    },
  );

  app.get(
    '/analytics/channels/:id/best-times',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Best times to post on a channel: engagement rate by weekday × hour, and suggested queue slots',
        description: `From the workspace's own posts on the channel in the range (default: the last ${BEST_TIMES_DAYS} days), in the channel's time zone. ${csvNote}`,
        tags: ['analytics'],
        params: idParams,
        querystring: z.strictObject({ from: rangeQuery.from, to: rangeQuery.to, format }),
        response: { 200: bestTimesView },
      },
    },
    async (request, reply) => {
      const range = reportRange(request.query, BEST_TIMES_DAYS);
      const report = await bestTimes(app.db, callerOf(request).workspaceId, request.params.id, range);
      if (request.query.format === 'csv') return sendCsv(reply, `best-times-${report.channelId}`, report.slots);
      return report;
    },
  );

  app.post(
    '/analytics/channels/:id/best-times/accept',
    {
      onRequest: requireRole(Roles.manageChannels),
      schema: {
        summary: "Add the suggested best times to the channel's queue slots, in one call",
        description:
          'The suggestions of GET …/best-times (default range) are added to the queue slots (or replace them with `replace: true`); refused (409) when there are none.',
        tags: ['analytics'],
        params: idParams,
        body: z.strictObject({ replace: z.boolean().default(false).describe('Replace the queue slots instead') }),
        response: { 200: channelView },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const report = await bestTimes(app.db, caller.workspaceId, request.params.id, reportRange({}, BEST_TIMES_DAYS));
      if (report.suggestions.length === 0)
        throw conflict(report.note ?? 'No suggested times yet', [
          { field: 'params.id', rule: 'suggestions', message: 'the channel has no suggested times yet' },
        ]);
      const channel = (await findChannel(app.db, caller.workspaceId, request.params.id))!;
      const suggested = report.suggestions.map(({ day, time }) => ({ day, time }));
      const slots = [
        ...new Map(
          [...(request.body.replace ? [] : channel.slots), ...suggested].map((s) => [`${s.day}@${s.time}`, s]),
        ).values(),
      ].sort((a, b) => a.day - b.day || a.time.localeCompare(b.time));
      const updated = await setChannelSlots(app.db, {
        workspaceId: caller.workspaceId,
        channelId: channel.id,
        actorId: caller.userId,
        timezone: channel.timezone,
        slots,
        minGapMinutes: channel.min_gap_minutes,
      });
      if (!updated) throw notFound('Channel');
      return toChannelView(updated);
    },
  );

  app.get(
    '/analytics/campaigns/compare',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Campaigns side by side, normalised per post and per follower',
        description: csvNote,
        tags: ['analytics'],
        querystring: z.strictObject({
          ids: z
            .union([z.uuid(), z.array(z.uuid()).min(1).max(10)])
            .describe('Campaign ids, the key repeated (`ids=…&ids=…`): 1 to 10'),
          format,
        }),
        response: { 200: comparisonView },
      },
    },
    async (request, reply) => {
      const ids = [request.query.ids].flat();
      if (new Set(ids).size !== ids.length)
        throw invalidField('querystring.ids', 'unique', 'names a campaign more than once', 400);
      const report = await compareCampaigns(app.db, callerOf(request).workspaceId, ids);
      if (request.query.format === 'csv')
        return sendCsv(
          reply,
          'campaigns-compared',
          report.campaigns.map((c) => flat(c)),
        );
      return report;
    },
  );

  app.get(
    '/analytics/campaigns/:id',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: "A campaign's figures: totals, per channel, per post, and over time",
        description: `${csvNote} The CSV has one row per post.`,
        tags: ['analytics'],
        params: idParams,
        querystring: z.strictObject({ format }),
        response: { 200: campaignReportView },
      },
    },
    async (request, reply) => {
      const report = await campaignReport(app.db, callerOf(request).workspaceId, request.params.id);
      if (request.query.format === 'csv')
        return sendCsv(
          reply,
          `campaign-${report.campaignId}`,
          report.posts.map((p) => flat(p)),
        );
      return report;
    },
  );

  app.get(
    '/analytics/audience',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: "Each channel's followers per day and its growth over a range",
        description: `${csvNote} One row per channel and day. The range is at most ${MAX_RANGE_DAYS} days.`,
        tags: ['analytics'],
        querystring: z.strictObject({
          ...rangeQuery,
          channelId: z
            .union([z.uuid(), z.array(z.uuid()).min(1).max(50)])
            .optional()
            .describe('Channel ids (the key repeated); default: every channel'),
          format,
        }),
        response: { 200: audienceReportView },
      },
    },
    async (request, reply) => {
      const range = reportRange(request.query);
      const channelIds = request.query.channelId === undefined ? undefined : [request.query.channelId].flat();
      const report = await audienceReport(app.db, callerOf(request).workspaceId, channelIds, range);
      if (request.query.format === 'csv')
        return sendCsv(
          reply,
          'audience',
          report.channels.flatMap((c) =>
            c.days.map((d) => ({ channelId: c.channelId, channelName: c.channelName, ...d })),
          ),
        );
      return report;
    },
  );

  app.post(
    '/analytics/short-links',
    {
      onRequest: requireRole(Roles.writeContent),
      schema: {
        summary: 'Make a Chorus short link (`/l/<code>`) whose clicks are counted',
        description:
          'The target URL is kept as given, UTM parameters included; the redirect sends visitors there. Name the campaign, post and channel the clicks count for.',
        tags: ['analytics'],
        body: z.strictObject({
          url: z.url({ protocol: /^https?$/ }).max(2000),
          campaignId: z.uuid().optional(),
          postId: z.uuid().optional(),
          channelId: z.uuid().optional(),
        }),
        response: { 201: shortLinkView },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { url, campaignId, postId, channelId } = request.body;
      const [campaign, post, channel] = await Promise.all([
        campaignId ? findCampaign(app.db, caller.workspaceId, campaignId) : undefined,
        postId ? findPost(app.db, caller.workspaceId, postId) : undefined,
        channelId ? findChannel(app.db, caller.workspaceId, channelId) : undefined,
      ]);
      const unknown = [
        campaignId && !campaign ? 'campaignId' : undefined,
        postId && !post ? 'postId' : undefined,
        channelId && !channel ? 'channelId' : undefined,
      ].filter((f): f is string => f !== undefined);
      if (unknown.length > 0)
        throw invalidFields(
          unknown.map((f) => ({ field: `body.${f}`, rule: 'exists', message: 'is not one of this workspace' })),
        );
      const code = randomBytes(6).toString('base64url');
      await insertShortLink(app.db, {
        code,
        workspaceId: caller.workspaceId,
        targetUrl: url,
        campaignId: campaignId ?? post?.campaignId ?? null,
        postId: postId ?? null,
        channelId: channelId ?? null,
        createdBy: caller.userId,
      });
      return reply.code(201).send({
        code,
        shortUrl: `/l/${code}`,
        targetUrl: url,
        campaignId: campaignId ?? post?.campaignId ?? null,
        postId: postId ?? null,
        channelId: channelId ?? null,
        clicks: 0,
        createdAt: new Date().toISOString(),
      });
    },
  );

  app.get(
    '/analytics/short-links',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: "The workspace's short links with their counted clicks, newest first (at most 1,000)",
        description: csvNote,
        tags: ['analytics'],
        querystring: z.strictObject({ campaignId: z.uuid().optional(), postId: z.uuid().optional(), format }),
        response: { 200: z.object({ links: z.array(shortLinkView) }) },
      },
    },
    async (request, reply) => {
      const rows = await listShortLinks(app.db, callerOf(request).workspaceId, request.query);
      const links = rows.map((l) => ({
        code: l.code,
        shortUrl: `/l/${l.code}`,
        targetUrl: l.target_url,
        campaignId: l.campaign_id,
        postId: l.post_id,
        channelId: l.channel_id,
        clicks: l.clicks,
        createdAt: l.created_at.toISOString(),
      }));
      if (request.query.format === 'csv') return sendCsv(reply, 'short-links', links);
      return { links };
    },
  );
};

/**
 * The short links' redirect, at `/l/<code>` (no sign-in: anyone with the link follows it). Every
 * click is stored; bots and repeats are stored as such and not counted.
 */
export const shortLinkRedirect: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/l/:code',
    {
      schema: {
        // Not part of the API: the address people follow from a post, as /healthz is for probes.
        hide: true,
        summary: 'Follow a Chorus short link (302 to its target, UTM parameters kept)',
        tags: ['analytics'],
        params: z.strictObject({ code: z.string().regex(/^[A-Za-z0-9_-]{4,32}$/, 'is not a short-link code') }),
        response: { 302: z.null().optional().describe('Location: the target URL') },
      },
    },
    async (request, reply) => {
      const link = await findShortLink(app.db, request.params.code);
      if (!link) throw notFound('Short link');
      // A HEAD (a checker or preview probing the link) is answered but is no click.
      if (request.method === 'HEAD')
        return reply.code(302).header('location', link.target_url).header('cache-control', 'no-store').send(undefined);
      const agent = request.headers['user-agent'];
      const visitor = createHash('sha256')
        .update(`${request.ip}\n${agent ?? ''}`)
        .digest('base64url');
      await recordClick(app.db, {
        code: link.code,
        visitor,
        bot: isBotAgent(agent),
        repeatWindowMs: CLICK_REPEAT_WINDOW_MS,
      });
      return reply.code(302).header('location', link.target_url).header('cache-control', 'no-store').send(undefined);
    },
  );
};
