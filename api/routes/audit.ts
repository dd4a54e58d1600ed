import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AUDIT_ACTIONS, findAudit, verifyAuditChain } from '../../db/audit';
import { peopleNamer, personSchema } from '../people';
import { callerOf, requireRole, Roles } from '../plugins/auth';
import { isoInstant } from '../schemas';

const auditEntrySchema = z.object({
  id: z.string(),
  actorId: z.string().nullable().describe('null: done by Chorus itself (a workflow)'),
  actor: personSchema.nullable(),
  action: z.string().describe('<subject type>.<what happened>; see the README for the list'),
  recordedAs: z.string().optional().describe('The name an older row was stored under, when it differs from action'),
  subjectType: z.string(),
  subjectId: z.string(),
  at: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  hash: z.string(),
});

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
          action: z.enum(AUDIT_ACTIONS).optional().describe("Also finds rows stored under the action's older name"),
          from: isoInstant.optional(),
          to: isoInstant.optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
        response: { 200: z.object({ entries: z.array(auditEntrySchema) }) },
      },
    },
    async (request) => {
      const q = request.query;
      const { workspaceId } = callerOf(request);
      const entries = await findAudit(app.db, workspaceId, {
        subject: q.subject,
        actor: q.actor,
        action: q.action,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        limit: q.limit,
      });
      const person = await peopleNamer(
        app.db,
        workspaceId,
        entries.map((e) => e.actorId),
      );
      return { entries: entries.map((e) => ({ ...e, actor: e.actorId ? person(e.actorId) : null })) };
    },
  );

  app.get(
    '/audit/verify',
    {
      onRequest: requireRole(Roles.audit),
      schema: {
        summary: "Check the hash chain of your workspace's audit log; names the first broken row",
        tags: ['audit'],
        response: {
          200: z.object({
            ok: z.boolean(),
            checked: z.number().int(),
            firstBroken: z.object({ id: z.string(), reason: z.string() }).optional(),
          }),
        },
      },
    },
    async (request) => verifyAuditChain(app.db, callerOf(request).workspaceId),
  );
};
