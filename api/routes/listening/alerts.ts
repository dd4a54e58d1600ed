import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { acknowledgeAlert, listAlerts } from '../../../db/listening';
import { ownedOr404 } from '../../owned';
import { callerOf, requireRole, Roles } from '../../plugins/auth';
import { idParams } from '../../schemas';

const alertView = z.object({
  id: z.uuid(),
  queryId: z.uuid(),
  status: z.enum(['open', 'closed']),
  reasons: z.array(z.string()),
  details: z.unknown().describe('What the window and its baseline held when the alert opened'),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
});

/** Spike (crisis) alerts: read and acknowledge them. */
export const alertRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/alerts',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Spike (crisis) alerts, newest first: one per episode',
        tags: ['listening'],
        querystring: z.strictObject({ status: z.enum(['open', 'closed']).optional(), queryId: z.uuid().optional() }),
        response: { 200: z.object({ alerts: z.array(alertView) }) },
      },
    },
    async (request) => {
      const rows = await listAlerts(app.db, callerOf(request).workspaceId, request.query);
      return {
        alerts: rows.map((a): z.infer<typeof alertView> => ({
          id: a.id,
          queryId: a.query_id,
          status: a.status,
          reasons: a.reasons,
          details: a.details,
          openedAt: a.opened_at.toISOString(),
          closedAt: a.closed_at?.toISOString() ?? null,
          acknowledgedBy: a.acknowledged_by,
          acknowledgedAt: a.acknowledged_at?.toISOString() ?? null,
        })),
      };
    },
  );

  app.post(
    '/alerts/:id/acknowledge',
    {
      onRequest: requireRole(Roles.listen),
      schema: {
        summary: 'Acknowledge an alert (someone is on it)',
        tags: ['listening'],
        params: idParams,
        response: { 200: z.object({ id: z.uuid(), acknowledgedBy: z.string() }) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const acknowledged = await ownedOr404(
        acknowledgeAlert(app.db, caller.workspaceId, request.params.id, caller.userId),
        'Unacknowledged alert',
      );
      return { id: acknowledged.id, acknowledgedBy: caller.userId };
    },
  );
};
