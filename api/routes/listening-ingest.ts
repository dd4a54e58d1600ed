import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { z } from 'zod';
import { appendAudit } from '../../db/audit';
import { linksIn } from '../../listening/noise';
import { compileQuery } from '../../listening/query';
import { storeMentions } from '../../services/mention-store';
import { decodeJsonBody } from '../plugins/input';
import { callerOf, requireRole, Roles } from '../plugins/auth';
import { Problem, notFound } from '../problems';
import { idParams, isoInstant } from '../schemas';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
    ingestKey?: { id: string; workspaceId: string; secretSealed: string };
  }
}

const INGEST_BODY_LIMIT = 5 * 1024 * 1024;
const KEY_HEADER = 'chorus-ingest-key';

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
  lang: z.string().regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code').optional(),
  postedAt: isoInstant.optional().describe('Default: when it arrives'),
  links: z.array(z.url()).max(50).optional().describe('Default: the links in the text'),
  bot: z.boolean().optional().describe('The source says the author is automated'),
});

const keyView = (k: { id: string; name: string; created_at: Date; last_used_at: Date | null; revoked_at: Date | null }) => ({
  id: k.id,
  name: k.name,
  createdAt: k.created_at.toISOString(),
  lastUsedAt: k.last_used_at?.toISOString() ?? null,
  revokedAt: k.revoked_at?.toISOString() ?? null,
});

/**
 * Push ingest: other systems send mentions, signed per Standard Webhooks with an ingest key's
 * secret, and Chorus matches them against every active query of the key's workspace that takes
 * pushed mentions (`sources.push`), through the same filter-score-store path as its own sources.
 */
export const ingestRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/listening/ingest-keys',
    {
      onRequest: requireRole(Roles.manageIntegrations),
      schema: { summary: 'Create a key for pushing mentions; its signing secret is shown once', tags: ['listening'], body: z.strictObject({ name: z.string().trim().min(1).max(100) }) },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const secret = `whsec_${randomBytes(32).toString('base64')}`;
      const key = await app.db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('ingest_keys')
          .values({ workspace_id: caller.workspaceId, name: request.body.name, secret_sealed: app.sealer.seal(secret), created_by: caller.userId })
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendAudit(trx, { workspaceId: caller.workspaceId, actorId: caller.userId, action: 'ingest_key.created', subjectType: 'ingest_key', subjectId: row.id, after: { name: row.name } });
        return row;
      });
      return reply.code(201).send({ ...keyView(key), secret, header: KEY_HEADER });
    },
  );

  app.get(
    '/listening/ingest-keys',
    { onRequest: requireRole(Roles.manageIntegrations), schema: { summary: 'Ingest keys of your workspace (never their secrets)', tags: ['listening'] } },
    async (request) => {
      const rows = await app.db.selectFrom('ingest_keys').selectAll().where('workspace_id', '=', callerOf(request).workspaceId).orderBy('created_at').execute();
      return { keys: rows.map(keyView) };
    },
  );

  app.delete(
    '/listening/ingest-keys/:id',
    { onRequest: requireRole(Roles.manageIntegrations), schema: { summary: 'Revoke an ingest key: its pushes are refused from now on', tags: ['listening'], params: idParams } },
    async (request, reply) => {
      const caller = callerOf(request);
      const revoked = await app.db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('ingest_keys')
          .set({ revoked_at: new Date() })
          .where('id', '=', request.params.id)
          .where('workspace_id', '=', caller.workspaceId)
          .where('revoked_at', 'is', null)
          .returning(['id', 'name'])
          .executeTakeFirst();
        if (row) await appendAudit(trx, { workspaceId: caller.workspaceId, actorId: caller.userId, action: 'ingest_key.revoked', subjectType: 'ingest_key', subjectId: row.id, before: { name: row.name } });
        return row;
      });
      if (!revoked) throw notFound('Active ingest key');
      return reply.code(204).send();
    },
  );

  // The signature covers the exact bytes sent: the body stays a string until it has verified.
  await app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: INGEST_BODY_LIMIT }, (request, body, done) => {
      try {
        request.rawBody = decodeJsonBody(body as Buffer);
      } catch (err) {
        done(err as Error, undefined);
        return;
      }
      done(null, request.rawBody);
    });

    scope.withTypeProvider<ZodTypeProvider>().post(
      '/listening/ingest',
      {
        bodyLimit: INGEST_BODY_LIMIT,
        /**
         * Authenticated by signature, not bearer token. Before the body is read: the
         * `chorus-ingest-key` header must name an active key. Then webhook-id / webhook-timestamp /
         * webhook-signature must verify with its secret over the raw body, within five minutes of
         * the timestamp; only then is the body parsed and validated.
         */
        onRequest: async (request) => {
          const keyId = request.headers[KEY_HEADER];
          if (typeof keyId !== 'string' || !z.uuid().safeParse(keyId).success) throw refused(`Name your ingest key in the ${KEY_HEADER} header`);
          const key = await app.db.selectFrom('ingest_keys').select(['id', 'workspace_id', 'secret_sealed']).where('id', '=', keyId).where('revoked_at', 'is', null).executeTakeFirst();
          if (!key) throw refused('The ingest key is unknown or revoked');
          request.ingestKey = { id: key.id, workspaceId: key.workspace_id, secretSealed: key.secret_sealed };
        },
        preValidation: async (request) => {
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
            throw new Problem(400, 'Bad Request', 'The request body is not valid JSON', [{ field: 'body', rule: 'json', message: err instanceof Error ? err.message : String(err) }]);
          }
        },
        schema: {
          summary: 'Push mentions from another system (signed per Standard Webhooks with an ingest key)',
          tags: ['listening'],
          body: z.strictObject({ mentions: z.array(pushedMention).min(1).max(1000) }),
        },
      },
      async (request) => {
        const key = request.ingestKey!;
        const deliveryId = String(request.headers['webhook-id']);
        return app.db.transaction().execute(async (trx) => {
          // Claim the delivery first: a concurrent retry of it waits here, then reads this one's result.
          const claimed = await trx
            .insertInto('ingest_deliveries')
            .values({ key_id: key.id, delivery_id: deliveryId, result: '{}' })
            .onConflict((oc) => oc.doNothing())
            .returning('delivery_id')
            .executeTakeFirst();
          if (!claimed) {
            const earlier = await trx.selectFrom('ingest_deliveries').select(['result']).where('key_id', '=', key.id).where('delivery_id', '=', deliveryId).executeTakeFirstOrThrow();
            return { ...(earlier.result as object), repeatedDelivery: true };
          }

          const queries = (await trx.selectFrom('listening_queries').selectAll().where('workspace_id', '=', key.workspaceId).where('status', '=', 'active').orderBy('created_at').execute()).filter(
            (q) => q.sources.push === true,
          );
          const now = new Date();
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
          for (const query of queries) perQuery.push({ queryId: query.id, ...(await storeMentions(trx, query, compileQuery(query.expression), items)) });
          const result = { deliveryId, received: items.length, queries: perQuery };
          await trx.updateTable('ingest_deliveries').set({ result: JSON.stringify(result) }).where('key_id', '=', key.id).where('delivery_id', '=', deliveryId).execute();
          await trx.updateTable('ingest_keys').set({ last_used_at: now }).where('id', '=', key.id).execute();
          return { ...result, repeatedDelivery: false };
        });
      },
    );
  });
};
