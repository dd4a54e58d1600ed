import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { correctMention, listMentions } from '../../../db/listening';
import { ownedOr404 } from '../../owned';
import { callerOf, requireRole, Roles } from '../../plugins/auth';
import { bigintId, isoInstant } from '../../schemas';

const SENTIMENTS = ['positive', 'negative', 'neutral'] as const;

const mentionView = z.object({
  id: z.string(),
  queryId: z.uuid(),
  source: z.string(),
  sourceId: z.string(),
  author: z.string(),
  text: z.string(),
  lang: z.string().nullable(),
  url: z.string().nullable(),
  postedAt: z.string(),
  sentiment: z.object({
    score: z.number(),
    label: z.string().describe('The correction where there is one, else the computed label'),
    computed: z.string(),
    corrected: z.boolean(),
  }),
  lead: z.boolean().describe('Buying intent'),
  tags: z.array(z.string()),
});

/** Mentions: read them, correct their sentiment, tag them. */
export const mentionRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/mentions',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Mentions, newest first',
        tags: ['listening'],
        querystring: z.strictObject({
          queryId: z.uuid().optional(),
          source: z.string().optional(),
          sentiment: z.enum(SENTIMENTS).optional(),
          from: isoInstant.optional(),
          to: isoInstant.optional(),
          lead: z.enum(['true', 'false']).optional().describe('Only mentions with buying intent'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: z.object({ mentions: z.array(mentionView) }) },
      },
    },
    async (request) => {
      const { lead, ...filter } = request.query;
      const rows = await listMentions(app.db, callerOf(request).workspaceId, {
        ...filter,
        ...(lead ? { lead: lead === 'true' } : {}),
      });
      return {
        mentions: rows.map((m): z.infer<typeof mentionView> => ({
          id: m.id,
          queryId: m.query_id,
          source: m.source,
          sourceId: m.source_id,
          author: m.author,
          text: m.text,
          lang: m.lang,
          url: m.url,
          postedAt: m.posted_at.toISOString(),
          sentiment: {
            score: m.sentiment_score,
            label: m.corrected_label ?? m.sentiment_label,
            computed: m.sentiment_label,
            corrected: m.corrected_label !== null,
          },
          lead: m.lead,
          tags: m.tags,
        })),
      };
    },
  );

  app.patch(
    '/mentions/:id',
    {
      onRequest: requireRole(Roles.listen),
      schema: {
        summary: "Correct a mention's sentiment (statistics use the correction) or tag it",
        tags: ['listening'],
        params: z.strictObject({ id: bigintId }),
        body: z.strictObject({
          sentiment: z.enum(SENTIMENTS).optional(),
          tags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
        }),
        response: { 200: z.object({ id: z.string(), sentiment: z.string(), tags: z.array(z.string()) }) },
      },
    },
    async (request) => {
      const updated = await ownedOr404(
        correctMention(app.db, callerOf(request).workspaceId, request.params.id, request.body),
        'Mention',
      );
      return { id: updated.id, sentiment: updated.corrected_label ?? updated.sentiment_label, tags: updated.tags };
    },
  );
};
