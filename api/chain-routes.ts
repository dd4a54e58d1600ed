import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { approvalQuery } from '../contracts/approval';
import { approvalViewSchema, approvalWithPeople } from './people';
import { callerOf, requireRole, Roles } from './plugins/auth';
import { decisionBody, idParams } from './schemas';
import { answerOnce, approvalChainView, approvalView, idempotencyHeaders, runDecision } from './workflow-updates';

type App = Parameters<FastifyPluginAsyncZod>[0];

/** A record whose workflow runs an approval chain (a post, a campaign plan, a library item). */
interface ChainHolder {
  workflowId: string;
  status: string;
}

export interface ChainRoutes<T extends ChainHolder> {
  /** The route, with an :id parameter, e.g. '/library/:id/approval'. */
  path: string;
  tags: string[];
  /** The summaries of POST (decide) and GET (the chain). */
  decide: string;
  view: string;
  /** The record in the caller's workspace, or a 404. */
  find: (workspaceId: string, id: string) => Promise<T>;
  /** What a decision is told once the record's workflow has finished. */
  finished: (record: T) => string;
  /** The record's route registers its own GET, with more than the chain (a post's texts, for a diff). */
  ownView?: boolean;
}

/**
 * POST and GET of a record's approval chain: a caller's decision on its current step (at most once
 * per Idempotency-Key), and the chain with each person named.
 */
export function chainRoutes<T extends ChainHolder>(app: App, routes: ChainRoutes<T>): void {
  app.post(
    routes.path,
    {
      onRequest: requireRole(Roles.decide),
      schema: {
        summary: routes.decide,
        tags: routes.tags,
        params: idParams,
        headers: idempotencyHeaders,
        body: decisionBody,
        response: { 200: approvalChainView },
      },
    },
    async (request, reply) =>
      answerOnce(app, request, reply, async (updateId) => {
        const caller = callerOf(request);
        const record = await routes.find(caller.workspaceId, request.params.id);
        return runDecision(app.temporal, record.workflowId, caller, request.body, routes.finished(record), updateId);
      }),
  );

  if (routes.ownView) return;
  app.get(
    routes.path,
    {
      onRequest: requireRole(Roles.read),
      schema: { summary: routes.view, tags: routes.tags, params: idParams, response: { 200: approvalViewSchema } },
    },
    async (request) => {
      const { workspaceId } = callerOf(request);
      const record = await routes.find(workspaceId, request.params.id);
      return approvalWithPeople(
        app.db,
        workspaceId,
        approvalView(await app.temporal.workflow.getHandle(record.workflowId).query(approvalQuery)),
      );
    },
  );
}
