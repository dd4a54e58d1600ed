import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findChannels } from '../../db/channels';
import { ROLES } from '../../contracts/domain';
import { NOTIFICATION_SUBJECT_TYPES } from '../../contracts/domain';
import {
  createContentRule,
  deleteContentRule,
  listContentRules,
  listPolicies,
  resolveSteps,
  savePolicy,
  stepWithoutDistinctApprovers,
  type PolicyStep,
} from '../../db/approvals';
import { setNotificationWebhook } from '../../db/workspaces';
import type { Db } from '../../db/database';
import { ChannelError } from '../../channels/errors';
import { webhookCredentialsSchema } from '../../channels/webhook';
import { findCampaign } from '../../db/campaigns';
import { listNotifications } from '../../db/notifications';
import { findPost, findPosts, postView, previousRoundText } from '../../db/posts';
import { approvalQuery, approvalsNeeded, APPROVAL_MODES } from '../../contracts/approval';
import { chainRoutes } from '../chain-routes';
import { ownedOr404 } from '../owned';
import { callerOf, requireRole, Roles } from '../plugins/auth';
import { noContent } from '../schemas';
import { approvalView } from '../workflow-updates';
import { invalidField, invalidFields, notFound, type FieldProblem } from '../problems';
import { approvalViewSchema, approvalWithPeople, peopleNamer, personSchema } from '../people';

const notificationSchema = z.object({
  id: z.string(),
  kind: z.string().describe('approval.reminder, approval.escalated, listening.spike'),
  subjectType: z.enum(NOTIFICATION_SUBJECT_TYPES).describe('What subjectId is the id of'),
  subjectId: z.string(),
  recipientIds: z.array(z.string()),
  recipients: z.array(personSchema),
  payload: z.unknown(),
  deliveredAt: z.string().nullable().describe('Delivered to the notification webhook'),
  createdAt: z.string(),
});

/** A post's chain, with the text this round decides on and the one the previous round saw (for a diff). */
const postApprovalView = approvalViewSchema.extend({
  text: z.string().describe("The post's text now, the one this round decides on"),
  previousRound: z
    .object({ round: z.number().int(), text: z.string() })
    .nullable()
    .describe('The text the previous round decided on (replaced by the edit that started this round); null in round 0'),
});

const approvers = z.strictObject({ userIds: z.array(z.uuid()).optional(), roles: z.array(z.enum(ROLES)).optional() });
export const policyStep = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    mode: z.enum(APPROVAL_MODES),
    quorum: z.number().int().min(1).optional(),
    approvers,
    deadlineSeconds: z
      .number()
      .int()
      .min(1)
      .max(90 * 24 * 3600)
      .optional()
      .describe('Time the step may take before it escalates'),
    remindBeforeSeconds: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Remind pending approvers this long before the deadline'),
    escalateTo: approvers.optional().describe('Notified at the deadline, and eligible to decide from then on'),
  })
  .refine((s) => (s.mode === 'quorum') === (s.quorum !== undefined), {
    message: 'quorum is required with mode "quorum" and only then',
    path: ['quorum'],
  })
  .refine(
    (s) =>
      s.remindBeforeSeconds === undefined ||
      (s.deadlineSeconds !== undefined && s.remindBeforeSeconds < s.deadlineSeconds),
    {
      message: 'needs a deadlineSeconds larger than itself',
      path: ['remindBeforeSeconds'],
    },
  )
  .refine((s) => s.escalateTo === undefined || s.deadlineSeconds !== undefined, {
    message: 'needs a deadlineSeconds',
    path: ['escalateTo'],
  });

/**
 * Checks steps against today's members: named users must be members, each step must be
 * satisfiable, an escalation must reach someone, and with distinct approvers the chain must be
 * satisfiable by different people for every approval it needs.
 */
export async function checkSteps(
  db: Db,
  workspaceId: string,
  steps: PolicyStep[],
  prefix: string,
  distinctApprovers = false,
): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  const resolved = await resolveSteps(db, workspaceId, steps);
  resolved.forEach((step, i) => {
    const named = [
      ...(steps[i]!.approvers.userIds ?? []).map((id, j) => [id, `${prefix}${i}.approvers.userIds.${j}`]),
      ...(steps[i]!.escalateTo?.userIds ?? []).map((id, j) => [id, `${prefix}${i}.escalateTo.userIds.${j}`]),
    ];
    const members = new Set([...step.eligibleUserIds, ...(step.escalateToUserIds ?? [])]);
    for (const [id, field] of named)
      if (!members.has(id!))
        problems.push({ field: field!, rule: 'member', message: `${id} is not a member of this workspace` });
    if (step.eligibleUserIds.length === 0)
      problems.push({
        field: `${prefix}${i}.approvers`,
        rule: 'eligible',
        message: 'no member is eligible to approve this step',
      });
    else if (approvalsNeeded(step) > step.eligibleUserIds.length) {
      problems.push({
        field: `${prefix}${i}.quorum`,
        rule: 'at_most_eligible',
        message: `a quorum of ${step.quorum} is more than the ${step.eligibleUserIds.length} eligible approver(s)`,
      });
    }
    if (steps[i]!.escalateTo && step.escalateToUserIds?.length === 0)
      problems.push({
        field: `${prefix}${i}.escalateTo`,
        rule: 'has_members',
        message: 'no member of the workspace is among these users and roles: the escalation would reach nobody',
      });
  });
  const short = distinctApprovers && problems.length === 0 ? stepWithoutDistinctApprovers(resolved) : undefined;
  if (short !== undefined) {
    problems.push({
      field: `${prefix}${short}.approvers`,
      rule: 'distinct_approvers',
      message: `with distinctApprovers, one person approves at most one step of a round, and step ${short + 1} ("${resolved[short]!.name}") cannot get its ${approvalsNeeded(resolved[short]!)} approval(s) from people the earlier steps do not need; add approvers or set distinctApprovers to false`,
    });
  }
  return problems;
}

const ruleBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  match: z
    .strictObject({
      keywords: z.array(z.string().trim().min(1).max(100)).max(100).optional(),
      regex: z
        .string()
        .max(200)
        .refine((r) => {
          try {
            new RegExp(r, 'iu');
            return true;
          } catch {
            return false;
          }
        }, 'must be a valid regular expression')
        .optional(),
      linkDomains: z
        .array(z.string().regex(/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/i, 'must be a domain name such as example.com'))
        .max(100)
        .optional(),
      channelIds: z.array(z.uuid()).max(50).optional(),
    })
    .refine(
      (m) => Object.values(m).some((v) => v !== undefined && (!Array.isArray(v) || v.length > 0)),
      'needs at least one condition',
    ),
  step: policyStep,
  position: z.enum(['first', 'last']).default('last').describe('Where the step goes in the chain'),
});

const policyBody = z
  .strictObject({
    channelId: z
      .uuid()
      .nullable()
      .default(null)
      .describe("A channel's policy; omit both ids for the workspace-wide policy"),
    campaignId: z
      .uuid()
      .nullable()
      .default(null)
      .describe("A campaign's policy: its posts and its plan's review take it instead of any other"),
    steps: z.array(policyStep).max(10).describe('Ordered; an empty list removes approval'),
    distinctApprovers: z
      .boolean()
      .default(true)
      .describe(
        'One person approves at most one step of a round (as multi-tier approvals do); the chain must be satisfiable that way',
      ),
  })
  .refine((b) => b.channelId === null || b.campaignId === null, {
    message: 'a policy is for a channel or for a campaign, not both',
    path: ['campaignId'],
  });

const approversView = z.object({ userIds: z.array(z.string()).optional(), roles: z.array(z.enum(ROLES)).optional() });
export const policyStepView = z.object({
  name: z.string(),
  mode: z.enum(APPROVAL_MODES),
  quorum: z.number().int().optional(),
  approvers: approversView,
  deadlineSeconds: z.number().int().optional(),
  remindBeforeSeconds: z.number().int().optional(),
  escalateTo: approversView.optional(),
  source: z.string().optional().describe('Set on steps a content rule inserted'),
});
const policyView = z.object({
  id: z.uuid(),
  channelId: z.uuid().nullable(),
  campaignId: z.uuid().nullable(),
  steps: z.array(policyStepView),
  distinctApprovers: z.boolean(),
  updatedBy: z.string(),
  updatedAt: z.string(),
});
const contentRuleView = z.object({
  id: z.uuid(),
  name: z.string(),
  match: z.object({
    keywords: z.array(z.string()).optional(),
    regex: z.string().optional(),
    linkDomains: z.array(z.string()).optional(),
    channelIds: z.array(z.uuid()).optional(),
  }),
  step: policyStepView,
  position: z.enum(['first', 'last']),
  createdBy: z.string(),
  createdAt: z.string(),
});

export const approvalRoutes: FastifyPluginAsyncZod = async (app) => {
  app.put(
    '/approval-policies',
    {
      onRequest: requireRole(Roles.manageMembers),
      schema: {
        summary: 'Set the approval chain for the workspace, one channel or one campaign',
        tags: ['approvals'],
        body: policyBody,
        response: { 200: policyView },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { channelId, campaignId, steps, distinctApprovers } = request.body;
      const problems: FieldProblem[] = [];
      if (channelId && (await findChannels(app.db, caller.workspaceId, [channelId])).length === 0) {
        problems.push({ field: 'channelId', rule: 'exists', message: `no channel ${channelId} in this workspace` });
      }
      if (campaignId && !(await findCampaign(app.db, caller.workspaceId, campaignId))) {
        problems.push({ field: 'campaignId', rule: 'exists', message: `no campaign ${campaignId} in this workspace` });
      }
      problems.push(...(await checkSteps(app.db, caller.workspaceId, steps, 'steps.', distinctApprovers)));
      if (problems.length > 0) throw invalidFields(problems);
      return savePolicy(app.db, {
        workspaceId: caller.workspaceId,
        channelId,
        campaignId,
        steps,
        distinctApprovers,
        actorId: caller.userId,
      });
    },
  );

  app.get(
    '/approval-policies',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Approval policies of your workspace',
        tags: ['approvals'],
        response: { 200: z.object({ policies: z.array(policyView) }) },
      },
    },
    async (request) => ({ policies: await listPolicies(app.db, callerOf(request).workspaceId) }),
  );

  chainRoutes(app, {
    path: '/posts/:id/approval',
    tags: ['approvals'],
    decide:
      "Approve or reject the current step of a post's chain (eligible approvers, never the author or an editor of the round, once per step)",
    view: 'The chain, its current step (from 1) and round, and every decision (who, when, comment), each person named',
    find: (workspaceId, id) => ownedOr404(findPost(app.db, workspaceId, id), 'Post'),
    finished: (post) => `The post is ${post.status}; no approval is pending`,
    ownView: true,
  });

  app.get(
    '/posts/:id/approval',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary:
          "The chain, its current step (from 1) and round, and every decision (who, when, comment), each person named; the text under decision and the previous round's",
        tags: ['approvals'],
        params: z.strictObject({ id: z.uuid() }),
        response: { 200: postApprovalView },
      },
    },
    async (request) => {
      const { workspaceId } = callerOf(request);
      const post = await ownedOr404(findPost(app.db, workspaceId, request.params.id), 'Post');
      const chain = await approvalWithPeople(
        app.db,
        workspaceId,
        approvalView(await app.temporal.workflow.getHandle(post.workflowId).query(approvalQuery)),
      );
      const previous = await previousRoundText(app.db, workspaceId, post.id, chain.round);
      return {
        ...chain,
        text: post.text,
        previousRound: previous === null ? null : { round: chain.round - 1, text: previous },
      };
    },
  );

  app.post(
    '/content-rules',
    {
      onRequest: requireRole(Roles.manageMembers),
      schema: {
        summary: 'Add a content rule: posts that match get its approval step (e.g. legal)',
        tags: ['approvals'],
        body: ruleBody,
        response: { 201: contentRuleView },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { match, step, name, position } = request.body;
      const problems = await checkSteps(app.db, caller.workspaceId, [step], 'step.');
      const known = match.channelIds?.length ? await findChannels(app.db, caller.workspaceId, match.channelIds) : [];
      match.channelIds?.forEach((id, i) => {
        if (!known.some((c) => c.id === id))
          problems.push({
            field: `match.channelIds.${i}`,
            rule: 'exists',
            message: `no channel ${id} in this workspace`,
          });
      });
      if (problems.length > 0)
        throw invalidFields(problems.map((p) => ({ ...p, field: p.field.replace(/^step\.0\./, 'step.') })));
      return reply.code(201).send(
        await createContentRule(app.db, {
          workspaceId: caller.workspaceId,
          actorId: caller.userId,
          name,
          match,
          step,
          position,
        }),
      );
    },
  );

  app.get(
    '/content-rules',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Content rules of your workspace',
        tags: ['approvals'],
        response: { 200: z.object({ rules: z.array(contentRuleView) }) },
      },
    },
    async (request) => ({ rules: await listContentRules(app.db, callerOf(request).workspaceId) }),
  );

  app.delete(
    '/content-rules/:id',
    {
      onRequest: requireRole(Roles.manageMembers),
      schema: {
        summary: 'Remove a content rule (posts already created keep their chain)',
        tags: ['approvals'],
        params: z.strictObject({ id: z.uuid() }),
        response: { 204: noContent('Removed') },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (!(await deleteContentRule(app.db, caller.workspaceId, request.params.id, caller.userId)))
        throw notFound('Content rule');
      return reply.code(204).send(undefined);
    },
  );

  app.put(
    '/notifications/webhook',
    {
      onRequest: requireRole(Roles.manageMembers),
      schema: {
        summary: 'Where approval reminders and escalations are delivered (Standard Webhooks; verified with a ping)',
        tags: ['approvals'],
        body: webhookCredentialsSchema,
        response: { 204: noContent('Verified and saved') },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      try {
        await app.adapters.webhook.verify(request.body);
      } catch (err) {
        if (err instanceof ChannelError)
          throw invalidField('url', 'verified', `did not accept a signed ping: ${err.message}`);
        throw err;
      }
      await setNotificationWebhook(app.db, {
        workspaceId: caller.workspaceId,
        actorId: caller.userId,
        webhookSealed: app.sealer.seal(request.body),
        host: new URL(request.body.url).host,
      });
      return reply.code(204).send(undefined);
    },
  );

  app.get(
    '/notifications',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary:
          'Approval reminders and escalations, spike alerts (mine=true: addressed to me); each names its subject and its recipients',
        tags: ['approvals'],
        querystring: z.strictObject({ mine: z.enum(['true', 'false']).default('false') }),
        response: { 200: z.object({ notifications: z.array(notificationSchema) }) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const notifications = await listNotifications(app.db, caller.workspaceId, {
        recipientId: request.query.mine === 'true' ? caller.userId : undefined,
      });
      const person = await peopleNamer(
        app.db,
        caller.workspaceId,
        notifications.flatMap((n) => n.recipientIds),
      );
      return { notifications: notifications.map((n) => ({ ...n, recipients: n.recipientIds.map(person) })) };
    },
  );

  app.get(
    '/approvals',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Posts awaiting approval (mine=true: waiting for me) or expired before approval',
        tags: ['approvals'],
        querystring: z.strictObject({
          state: z.enum(['pending', 'expired']).default('pending'),
          mine: z.enum(['true', 'false']).default('false'),
        }),
        response: { 200: z.object({ posts: z.array(postView) }) },
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
