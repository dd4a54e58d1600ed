import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { z } from 'zod';
import { deliverOnce, findActiveIngestKey } from '../../../db/ingest';
import { listActiveQueries } from '../../../db/listening';
import { linksIn } from '../../../listening/noise';
import { compileQuery } from '../../../listening/query';
import { storeMentions } from '../../../services/mention-store';
import { decodeJsonBody } from '../../plugins/input';
import { Problem } from '../../problems';
import { isoInstant } from '../../schemas';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
    ingestKey?: { id: string; workspaceId: string; secretSealed: string };
  }
}

export const INGEST_BODY_LIMIT = 5 * 1024 * 1024;
export const INGEST_KEY_HEADER = 'chorus-ingest-key';

const refused = (detail: string) => new Problem(401, 'Unauthorized', detail);

const pushedMention = z.strictObject({
  id: z.string().min(1).max(500).describe("The item's id at its source: a second push of it is stored once"),
  source: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]{0,39}$/, 'must be a short lower-case name such as reddit or support-desk')
    .default('push')
    .describe('Where it comes from; stored as push:<source>'),
  text: z.string().trim().min(1).max(10_000),
  author: z.string().trim().min(1).max(200),
  url: z.url({ protocol: /^https?$/ }).optional(),
  lang: z
    .string()
    .regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code')
    .optional(),
  postedAt: isoInstant.optional().describe('Default: when it arrives'),
  links: z.array(z.url()).max(50).optional().describe('Default: the links in the text'),
  bot: z.boolean().optional().describe('The source says the author is automated'),
});

const deliveryView = z.object({
  deliveryId: z.string(),
  received: z.number().int(),
  queries: z.array(
    z.object({
      queryId: z.uuid(),
      unmatched: z.number().int(),
      filtered: z.number().int(),
      stored: z.number().int(),
      duplicate: z.number().int(),
    }),
  ),
  repeatedDelivery: z.boolean().describe('A retry of a delivery already taken: its first answer, nothing stored again'),
});

/** The signature covers the exact bytes sent: in `scope`, a JSON body stays a string (`rawBody`) until it has verified. */
export function keepRawJson(scope: FastifyInstance): void {
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: INGEST_BODY_LIMIT },
    (request, body, done) => {
      try {
        request.rawBody = decodeJsonBody(body as Buffer);
      } catch (err) {
        done(err as Error, undefined);
        return;
      }
      done(null, request.rawBody);
    },
  );
}

/**
 * Authenticated by signature, not bearer token. Before the body is read: the `chorus-ingest-key`
 * header must name an active key. Then webhook-id / webhook-timestamp / webhook-signature must
 * verify with its secret over the raw body, within five minutes of the timestamp; only then is
 * the body parsed (and validated by the route's schema). Sets `request.ingestKey`.
 */
export function signedIngestHooks(app: FastifyInstance) {
  return {
    onRequest: async (request: FastifyRequest) => {
      const keyId = request.headers[INGEST_KEY_HEADER];
      if (typeof keyId !== 'string' || !z.uuid().safeParse(keyId).success)
        throw refused(`Name your ingest key in the ${INGEST_KEY_HEADER} header`);
      const key = await findActiveIngestKey(app.db, keyId);
      if (!key) throw refused('The ingest key is unknown or revoked');
      request.ingestKey = { id: key.id, workspaceId: key.workspace_id, secretSealed: key.secret_sealed };
    },
    preValidation: async (request: FastifyRequest) => {
      try {
        new Webhook(app.sealer.open<string>(request.ingestKey!.secretSealed)).verify(request.rawBody ?? '', {
          'webhook-id': String(request.headers['webhook-id'] ?? ''),
          'webhook-timestamp': String(request.headers['webhook-timestamp'] ?? ''),
          'webhook-signature': String(request.headers['webhook-signature'] ?? ''),
        });
      } catch (err) {
        if (err instanceof WebhookVerificationError) throw refused(`The signature does not verify: ${err.message}`);
        throw err;
      }
      try {
        request.body = JSON.parse(request.rawBody ?? '');
      } catch (err) {
        throw new Problem(400, 'Bad Request', 'The request body is not valid JSON', [
          { field: 'body', rule: 'json', message: err instanceof Error ? err.message : String(err) },
        ]);
      }
    },
  };
}

/**
 * Push ingest: other systems send mentions, signed per Standard Webhooks with an ingest key's
 * secret, and Chorus matches them against every active query of the key's workspace that takes
 * pushed mentions (`sources.push`), through the same filter-score-store path as its own sources.
 */
export const ingestRoutes: FastifyPluginAsyncZod = async (app) => {
  await app.register(async (scope) => {
    keepRawJson(scope);

    scope.withTypeProvider<ZodTypeProvider>().post(
      '/listening/ingest',
      {
        bodyLimit: INGEST_BODY_LIMIT,
        // Authenticated by signature, not bearer token (see signedIngestHooks).
        ...signedIngestHooks(app),
        schema: {
          summary: 'Push mentions from another system (signed per Standard Webhooks with an ingest key)',
          tags: ['listening'],
          body: z.strictObject({ mentions: z.array(pushedMention).min(1).max(1000) }),
          response: { 200: deliveryView },
        },
      },
      async (request) => {
        const key = request.ingestKey!;
        const deliveryId = String(request.headers['webhook-id']);
        const now = new Date();
        return deliverOnce(app.db, key.id, deliveryId, now, async (trx) => {
          const queries = (await listActiveQueries(trx, key.workspaceId)).filter((q) => q.sources.push === true);
          const items = request.body.mentions.map((m) => ({
            source: `push:${m.source}`,
            sourceId: m.id,
            text: m.text,
            author: m.author,
            lang: m.lang,
            links: m.links ?? linksIn(m.text),
            postedAt: m.postedAt ? new Date(m.postedAt) : now,
            url: m.url ?? null,
            bot: m.bot,
          }));
          const perQuery = [];
          // Query ids only: the key's holder learns what its mentions did, not how the workspace listens.
          for (const query of queries)
            perQuery.push({
              queryId: query.id,
              ...(await storeMentions(trx, query, compileQuery(query.expression), items)),
            });
          return { deliveryId, received: items.length, queries: perQuery };
        });
      },
    );
  });
};
