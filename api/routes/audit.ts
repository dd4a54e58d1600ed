import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findAudit, verifyAuditChain } from '../../db/audit';
import { callerOf, requireRole, Roles } from '../plugins/auth';
import { isoInstant } from '../schemas';


export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/audit',
    {
      onRequest: requireRole(Roles.audit),
      schema: {
        summary: 'The audit log, newest first',
        tags: ['audit'],
        querystring: z.strictObject({
          subject: z.string().optional().describe('Subject id, e.g. a post id'),
          actor: z.uuid().optional().describe('User id'),
          from: isoInstant.optional(),
          to: isoInstant.optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      return {
        entries: await findAudit(app.db, callerOf(request).workspaceId, {
          subject: q.subject,
          actor: q.actor,
          from: q.from ? new Date(q.from) : undefined,
          to: q.to ? new Date(q.to) : undefined,
          limit: q.limit,
        }),
      };
    },
  );

  app.get(
    '/audit/verify',
    {
      onRequest: requireRole(Roles.audit),
      schema: {
        summary: 'Check the hash chain of your workspace\'s audit log; names the first broken row',
        tags: ['audit'],
        response: { 200: z.object({ ok: z.boolean(), checked: z.number().int(), firstBroken: z.object({ id: z.string(), reason: z.string() }).optional() }) },
      },
    },
    async (request) => verifyAuditChain(app.db, callerOf(request).workspaceId),
  );
};
