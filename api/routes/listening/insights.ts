import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { mentionsSince, sentimentByQuery, volumeByQuery } from '../../../db/listening';
import { trends } from '../../../listening/trends';
import { callerOf, requireRole, Roles } from '../../plugins/auth';

/** From and to of a time series: both required, and a missing one says so. */
const requiredInstant = z.iso.datetime({
  offset: true,
  error: (issue) =>
    issue.input === undefined
      ? 'is required: an ISO-8601 date-time with a UTC offset, e.g. 2026-12-01T09:00:00+01:00'
      : 'must be an ISO-8601 date-time with a UTC offset, e.g. 2026-12-01T09:00:00+01:00',
});

const trendItems = z.array(
  z.object({
    value: z.string(),
    count: z.number().int(),
    previous: z.number().int(),
    change: z.number().int().describe('count − previous'),
  }),
);

/** What the mentions add up to: trends, share of voice, volume and sentiment over time. */
export const listeningInsightRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/listening/trends',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Top terms, hashtags, links and authors in a window against the previous one, rising first',
        tags: ['listening'],
        querystring: z.strictObject({
          queryId: z.uuid().optional(),
          hours: z.coerce
            .number()
            .int()
            .min(1)
            .max(24 * 30)
            .default(24),
          limit: z.coerce.number().int().min(1).max(100).default(20),
        }),
        response: {
          200: z.object({
            window: z.object({ from: z.string(), to: z.string(), previousFrom: z.string() }),
            terms: trendItems,
            hashtags: trendItems,
            links: trendItems,
            authors: trendItems,
          }),
        },
      },
    },
    async (request) => {
      const { queryId, hours, limit } = request.query;
      const windowMs = hours * 3600_000;
      const now = Date.now();
      const rows = await mentionsSince(app.db, callerOf(request).workspaceId, new Date(now - 2 * windowMs), queryId);
      const cut = now - windowMs;
      return {
        window: {
          from: new Date(cut).toISOString(),
          to: new Date(now).toISOString(),
          previousFrom: new Date(now - 2 * windowMs).toISOString(),
        },
        ...trends(
          rows.filter((r) => r.posted_at.getTime() >= cut),
          rows.filter((r) => r.posted_at.getTime() < cut),
          limit,
        ),
      };
    },
  );

  app.get(
    '/listening/share-of-voice',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Share of voice over time across brand and competitor queries',
        tags: ['listening'],
        querystring: z.strictObject({
          from: requiredInstant,
          to: requiredInstant,
          interval: z.enum(['hour', 'day', 'week']).default('day'),
        }),
        response: {
          200: z.object({
            series: z.array(
              z.object({
                at: z.string(),
                total: z.number().int(),
                queries: z.array(
                  z.object({
                    queryId: z.uuid(),
                    name: z.string(),
                    kind: z.string(),
                    volume: z.number().int(),
                    share: z.number(),
                  }),
                ),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const rows = await volumeByQuery(app.db, callerOf(request).workspaceId, request.query);
      const buckets = [...new Set(rows.map((r) => new Date(r.bucket).toISOString()))];
      return {
        series: buckets.map((at) => {
          const inBucket = rows.filter((r) => new Date(r.bucket).toISOString() === at);
          const total = inBucket.reduce((sum, r) => sum + r.volume, 0);
          return {
            at,
            total,
            queries: inBucket.map((r) => ({
              queryId: r.queryId,
              name: r.name,
              kind: r.kind,
              volume: r.volume,
              share: total ? r.volume / total : 0,
            })),
          };
        }),
      };
    },
  );

  app.get(
    '/listening/stats',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Volume and sentiment mix per query over time (corrections count)',
        tags: ['listening'],
        querystring: z.strictObject({
          queryId: z.uuid().optional(),
          from: requiredInstant,
          to: requiredInstant,
          interval: z.enum(['hour', 'day']).default('day'),
        }),
        response: {
          200: z.object({
            series: z.array(
              z.object({
                queryId: z.uuid(),
                at: z.string(),
                volume: z.number().int(),
                positive: z.number().int(),
                negative: z.number().int(),
                neutral: z.number().int(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const rows = await sentimentByQuery(app.db, callerOf(request).workspaceId, request.query);
      return {
        series: rows.map((r) => ({
          queryId: r.query_id,
          at: new Date(r.bucket).toISOString(),
          volume: r.volume,
          positive: r.positive,
          negative: r.negative,
          neutral: r.neutral,
        })),
      };
    },
  );
};
