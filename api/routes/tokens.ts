import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { issueToken, listTokens, revokeToken } from '../../db/tokens';
import { callerOf, requireRole, Roles } from '../plugins/auth';
import { isoInstant } from '../schemas';
import { invalidField, notFound } from '../problems';

const tokenView = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('The first characters of the token, to tell tokens apart'),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});

export const tokenRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/tokens',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Your API tokens (owners and admins: everyone\'s, with all=true)',
        tags: ['tokens'],
        querystring: z.strictObject({ all: z.enum(['true', 'false']).default('false') }),
        response: { 200: z.object({ tokens: z.array(tokenView) }) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const everyone = request.query.all === 'true' && (Roles.manageMembers as readonly string[]).includes(caller.role);
      return { tokens: await listTokens(app.db, caller.workspaceId, everyone ? undefined : caller.userId) };
    },
  );

  app.post(
    '/tokens',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Create an API token for yourself; the token is shown in this response only',
        tags: ['tokens'],
        body: z.strictObject({ name: z.string().trim().min(1).max(100), expiresAt: isoInstant.optional() }),
        response: { 201: tokenView.extend({ token: z.string() }) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const expiresAt = request.body.expiresAt ? new Date(request.body.expiresAt) : null;
      if (expiresAt && expiresAt.getTime() <= Date.now()) throw invalidField('expiresAt', 'future', 'must be in the future');
      const { token, view } = await app.db.transaction().execute((trx) =>
        issueToken(trx, { userId: caller.userId, workspaceId: caller.workspaceId, name: request.body.name, expiresAt, actorId: caller.userId }),
      );
      return reply.code(201).send({ ...view, token });
    },
  );

  app.delete(
    '/tokens/:id',
    { onRequest: requireRole(Roles.read), schema: { summary: 'Revoke a token (yours; owners and admins: anyone\'s)', tags: ['tokens'], params: z.strictObject({ id: z.uuid() }) } },
    async (request, reply) => {
      const caller = callerOf(request);
      const anyUser = (Roles.manageMembers as readonly string[]).includes(caller.role);
      if (!(await revokeToken(app.db, { workspaceId: caller.workspaceId, tokenId: request.params.id, actorId: caller.userId, anyUser }))) throw notFound('Token');
      return reply.code(204).send();
    },
  );
};
