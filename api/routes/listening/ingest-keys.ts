import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createIngestKey, listIngestKeys, revokeIngestKey, type IngestKeyRow } from '../../../db/ingest';
import { ownedOr404 } from '../../owned';
import { callerOf, requireRole, Roles } from '../../plugins/auth';
import { idParams, noContent } from '../../schemas';
import { INGEST_KEY_HEADER } from './ingest';

const keyView = z.object({
  id: z.uuid(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

const toKeyView = (k: IngestKeyRow): z.infer<typeof keyView> => ({
  id: k.id,
  name: k.name,
  createdAt: k.created_at.toISOString(),
  lastUsedAt: k.last_used_at?.toISOString() ?? null,
  revokedAt: k.revoked_at?.toISOString() ?? null,
});

/** The keys other systems sign their pushed mentions with. */
export const ingestKeyRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/listening/ingest-keys',
    {
      onRequest: requireRole(Roles.manageIntegrations),
      schema: {
        summary: 'Create a key for pushing mentions; its signing secret is shown once',
        tags: ['listening'],
        body: z.strictObject({ name: z.string().trim().min(1).max(100) }),
        response: {
          201: keyView.extend({
            secret: z.string().describe('The signing secret (whsec_…), shown only now'),
            header: z.string().describe('The header that names the key'),
          }),
        },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const secret = `whsec_${randomBytes(32).toString('base64')}`;
      const key = await createIngestKey(app.db, {
        workspaceId: caller.workspaceId,
        name: request.body.name,
        secretSealed: app.sealer.seal(secret),
        actorId: caller.userId,
      });
      return reply.code(201).send({ ...toKeyView(key), secret, header: INGEST_KEY_HEADER });
    },
  );

  app.get(
    '/listening/ingest-keys',
    {
      onRequest: requireRole(Roles.manageIntegrations),
      schema: {
        summary: 'Ingest keys of your workspace (never their secrets)',
        tags: ['listening'],
        response: { 200: z.object({ keys: z.array(keyView) }) },
      },
    },
    async (request) => {
      const rows = await listIngestKeys(app.db, callerOf(request).workspaceId);
      return { keys: rows.map(toKeyView) };
    },
  );

  app.delete(
    '/listening/ingest-keys/:id',
    {
      onRequest: requireRole(Roles.manageIntegrations),
      schema: {
        summary: 'Revoke an ingest key: its pushes are refused from now on',
        tags: ['listening'],
        params: idParams,
        response: { 204: noContent('Revoked') },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      await ownedOr404(
        revokeIngestKey(app.db, caller.workspaceId, request.params.id, caller.userId),
        'Active ingest key',
      );
      return reply.code(204).send(undefined);
    },
  );
};
