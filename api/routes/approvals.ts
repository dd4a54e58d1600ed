import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findChannels } from '../../db/channels';
import { ROLES } from '../../db/database';
import { listPolicies, resolveSteps, savePolicy } from '../../db/approvals';
import { findPost, findPosts } from '../../db/posts';
import { approvalQuery, approvalsNeeded, APPROVAL_MODES, decideUpdate, FailureType } from '../../workflows/messages';
import { callerOf, requireRole, Roles } from '../plugins/auth';
import { conflict, forbidden, invalidFields, notFound, type FieldProblem } from '../problems';

const policyStep = z
  .object({
    name: z.string().trim().min(1).max(100),
    mode: z.enum(APPROVAL_MODES),
    quorum: z.number().int().min(1).optional(),
    approvers: z.object({ userIds: z.array(z.uuid()).optional(), roles: z.array(z.enum(ROLES)).optional() }),
  })
  .refine((s) => (s.mode === 'quorum') === (s.quorum !== undefined), { message: 'quorum is required with mode "quorum" and only then', path: ['quorum'] });

const policyBody = z.object({
  channelId: z.uuid().nullable().default(null).describe('Omit or null for the workspace-wide policy'),
  steps: z.array(policyStep).max(10).describe('Ordered; an empty list removes approval'),
});

export const approvalRoutes: FastifyPluginAsyncZod = async (app) => {
  app.put(
    '/approval-policies',
    {
      onRequest: requireRole(Roles.manageMembers),
      schema: { summary: 'Set the approval chain for the workspace or for one channel', tags: ['approvals'], body: policyBody },
    },
    async (request) => {
      const caller = callerOf(request);
      const { channelId, steps } = request.body;
      const problems: FieldProblem[] = [];
      if (channelId && (await findChannels(app.db, caller.workspaceId, [channelId])).length === 0) {
        problems.push({ field: 'channelId', rule: 'exists', message: `no channel ${channelId} in this workspace` });
      }
      const resolved = await resolveSteps(app.db, caller.workspaceId, steps);
      resolved.forEach((step, i) => {
        const named = steps[i]!.approvers.userIds ?? [];
        named.forEach((id, j) => {
          if (!step.eligibleUserIds.includes(id)) problems.push({ field: `steps.${i}.approvers.userIds.${j}`, rule: 'member', message: `${id} is not a member of this workspace` });
        });
        if (step.eligibleUserIds.length === 0) problems.push({ field: `steps.${i}.approvers`, rule: 'eligible', message: 'no member is eligible to approve this step' });
        else if (approvalsNeeded(step) > step.eligibleUserIds.length) {
          problems.push({ field: `steps.${i}.quorum`, rule: 'at_most_eligible', message: `a quorum of ${step.quorum} is more than the ${step.eligibleUserIds.length} eligible approver(s)` });
        }
      });
      if (problems.length > 0) throw invalidFields(problems);
      return savePolicy(app.db, { workspaceId: caller.workspaceId, channelId, steps, actorId: caller.userId });
    },
  );

  app.get(
    '/approval-policies',
    { onRequest: requireRole(Roles.read), schema: { summary: 'Approval policies of your workspace', tags: ['approvals'] } },
    async (request) => ({ policies: await listPolicies(app.db, callerOf(request).workspaceId) }),
  );

  app.post(
    '/posts/:id/approval',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Approve or reject the current step of a post\'s chain (eligible approvers, never the author, once per step)',
        tags: ['approvals'],
        params: z.object({ id: z.uuid() }),
        body: z.object({ decision: z.enum(['approve', 'reject']), comment: z.string().max(2000).optional() }),
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const post = await findPost(app.db, caller.workspaceId, request.params.id);
      if (!post) throw notFound('Post');
      try {
        return await app.temporal.workflow
          .getHandle(post.workflowId)
          .executeUpdate(decideUpdate, { args: [{ userId: caller.userId, decision: request.body.decision, comment: request.body.comment }] });
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) {
          const cause = err.cause;
          if (cause instanceof ApplicationFailure && cause.type === FailureType.NotEligible) throw forbidden(cause.message);
          throw conflict(cause?.message ?? err.message);
        }
        throw conflict(`The post is ${post.status}; no approval is pending`);
      }
    },
  );

  app.get(
    '/posts/:id/approval',
    { onRequest: requireRole(Roles.read), schema: { summary: 'The chain, its current step and every decision (who, when, comment)', tags: ['approvals'], params: z.object({ id: z.uuid() }) } },
    async (request) => {
      const post = await findPost(app.db, callerOf(request).workspaceId, request.params.id);
      if (!post) throw notFound('Post');
      return app.temporal.workflow.getHandle(post.workflowId).query(approvalQuery);
    },
  );

  app.get(
    '/approvals',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Posts awaiting approval (mine=true: waiting for me) or expired before approval',
        tags: ['approvals'],
        querystring: z.object({ state: z.enum(['pending', 'expired']).default('pending'), mine: z.enum(['true', 'false']).default('false') }),
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { state, mine } = request.query;
      const posts = await findPosts(app.db, caller.workspaceId, {
        status: state === 'pending' ? 'awaiting_approval' : 'expired',
        awaitingUserId: mine === 'true' ? caller.userId : undefined,
      });
      return { posts };
    },
  );
};
