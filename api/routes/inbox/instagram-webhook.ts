import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordInstagramMentions } from '../../../db/instagram-mentions';
import { forbidden, invalidFields, Problem } from '../../problems';
import { INGEST_BODY_LIMIT, keepRawJson } from '../listening/ingest';

const SIGNATURE_HEADER = 'x-hub-signature-256';

/** Equal strings, compared in constant time. */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

// Meta's delivery (https://developers.facebook.com/docs/graph-api/webhooks/getting-started,
// .../instagram-platform/webhooks): entries per account, each with its changes; Chorus takes the
// `mentions` field's and lets the rest (other fields Meta may add) through untouched. Read in the
// handler, not as the route's (strict) body schema: a key Meta adds must not make it refuse.
const mentionValue = z.object({
  media_id: z.string().min(1).max(100),
  comment_id: z.string().min(1).max(100).optional(),
});
const delivery = z.object({
  object: z.string(),
  entry: z
    .array(
      z.object({
        id: z.string().min(1).max(100).describe('The Instagram account the change is about'),
        time: z.number().optional(),
        changes: z.array(z.object({ field: z.string(), value: z.unknown() })).default([]),
      }),
    )
    .max(1000),
});

/**
 * Meta's Instagram webhook, `mentions` field: an account @mentioned in a medium's caption or in a
 * comment, which Instagram announces nowhere else. Meta checks the subscription with a GET
 * (`hub.mode=subscribe`, `hub.verify_token`, answered with `hub.challenge` only for
 * INSTAGRAM_WEBHOOK_VERIFY_TOKEN) and signs each POST with the app's secret
 * (`X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body>`; the Instagram OAuth client's secret,
 * Facebook's when Instagram has none of its own). A delivery that verifies is only recorded, once
 * per account, medium and comment however often Meta sends it; the accounts' inbox channels fetch
 * and store each mention on their next read (channels/inbox-meta.ts).
 */
export const instagramWebhookRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/inbox/webhooks/instagram',
    {
      schema: {
        summary: "Meta's subscription check of the Instagram webhook: the challenge back, for the right Verify Token",
        tags: ['inbox'],
        querystring: z.strictObject({
          'hub.mode': z.string().optional(),
          'hub.verify_token': z.string().optional(),
          'hub.challenge': z.string().max(1000).optional(),
        }),
        response: { 200: z.string().describe('hub.challenge, as text') },
      },
    },
    async (request, reply) => {
      const expected = app.instagramWebhookVerifyToken;
      const query = request.query;
      if (!expected)
        throw forbidden('The Instagram webhook is not configured here (INSTAGRAM_WEBHOOK_VERIFY_TOKEN is unset)');
      if (query['hub.mode'] !== 'subscribe' || !sameSecret(query['hub.verify_token'] ?? '', expected))
        throw forbidden('hub.mode must be subscribe and hub.verify_token the Verify Token configured for this webhook');
      return reply.type('text/plain; charset=utf-8').send(query['hub.challenge'] ?? '');
    },
  );

  await app.register(async (scope) => {
    keepRawJson(scope);
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/inbox/webhooks/instagram',
      {
        bodyLimit: INGEST_BODY_LIMIT,
        // Authenticated by Meta's signature over the raw body, not a bearer token.
        preValidation: async (request: FastifyRequest) => {
          const secret = app.oauth?.clients.instagram?.clientSecret;
          if (!secret)
            throw forbidden(
              'The Instagram webhook cannot be verified here: no Instagram (or Facebook) app secret is configured',
            );
          const given = request.headers[SIGNATURE_HEADER];
          const expected = `sha256=${createHmac('sha256', secret)
            .update(request.rawBody ?? '', 'utf8')
            .digest('hex')}`;
          if (typeof given !== 'string' || !sameSecret(given.toLowerCase(), expected))
            throw new Problem(
              401,
              'Unauthorized',
              `The ${SIGNATURE_HEADER} header must be sha256= and the HMAC-SHA256 of the body with the app's secret`,
            );
          try {
            request.body = JSON.parse(request.rawBody ?? '');
          } catch (err) {
            throw new Problem(400, 'Bad Request', 'The request body is not valid JSON', [
              { field: 'body', rule: 'json', message: err instanceof Error ? err.message : String(err) },
            ]);
          }
        },
        schema: {
          summary:
            "Meta's Instagram webhook (signed with the app's secret): caption and comment @mentions, recorded once",
          tags: ['inbox'],
          body: z
            .unknown()
            .describe(
              "Meta's delivery: {object: 'instagram', entry: [{id, time, changes: [{field: 'mentions', value: {media_id, comment_id?}}]}]}; other fields pass",
            ),
          response: {
            200: z.object({
              received: z.number().int().describe('Mentions in the delivery'),
              recorded: z.number().int().describe('Of those, the ones not recorded before'),
            }),
          },
        },
      },
      async (request) => {
        const parsed = delivery.safeParse(request.body);
        if (!parsed.success)
          throw invalidFields(
            parsed.error.issues.map((issue) => ({
              field: ['body', ...issue.path].join('.'),
              rule: issue.code,
              message: issue.message,
            })),
            400,
          );
        const mentions: { igUserId: string; mediaId: string; commentId: string | null }[] = [];
        if (parsed.data.object === 'instagram')
          for (const entry of parsed.data.entry)
            for (const change of entry.changes) {
              if (change.field !== 'mentions') continue;
              const value = mentionValue.safeParse(change.value);
              // A change Chorus cannot read is not Meta's to retry: it is skipped, the rest recorded.
              if (!value.success) {
                request.log.warn({ entry: entry.id }, 'an Instagram mention without media_id; skipped');
                continue;
              }
              mentions.push({
                igUserId: entry.id,
                mediaId: value.data.media_id,
                commentId: value.data.comment_id ?? null,
              });
            }
        const recorded = await recordInstagramMentions(app.db, mentions);
        return { received: mentions.length, recorded };
      },
    );
  });
};
