import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROLES } from '../../../contracts/domain';
import { PRIORITIES } from '../../../contracts/inbox';
import { findChannels } from '../../../db/channels';
import { membersAmong } from '../../../db/inbox';
import {
  createAssignmentRule,
  deleteAssignmentRule,
  findReplyApproval,
  listAssignmentRules,
  listAway,
  listSlaTargets,
  saveReplyApproval,
  saveSlaTargets,
  setAway,
  slaReport,
  updateAssignmentRule,
  type AssignmentRuleInput,
} from '../../../db/inbox-settings';
import { changed, signalConversation } from '../../inbox-workflow';
import { ownedOr404 } from '../../owned';
import { callerOf, requireRole, Roles } from '../../plugins/auth';
import { invalidFields, notFound, type FieldProblem } from '../../problems';
import { idParams, isoInstant, noContent } from '../../schemas';
import { checkSteps, policyStep, policyStepView } from '../approvals';

const MINUTES_A_YEAR = 365 * 24 * 60;
const minutes = z.number().int().min(1).max(MINUTES_A_YEAR);

const slaTarget = z
  .strictObject({
    priority: z.enum(PRIORITIES),
    firstResponseMinutes: minutes,
    resolutionMinutes: minutes,
    remindBeforeMinutes: z
      .number()
      .int()
      .min(0)
      .max(MINUTES_A_YEAR)
      .default(0)
      .describe('Remind the assignee this long before each deadline (0: no reminder)'),
  })
  .refine((t) => t.resolutionMinutes >= t.firstResponseMinutes, {
    message: 'must be at least firstResponseMinutes',
    path: ['resolutionMinutes'],
  })
  .refine((t) => t.remindBeforeMinutes < t.firstResponseMinutes, {
    message: 'must be less than firstResponseMinutes',
    path: ['remindBeforeMinutes'],
  });
const slaTargetView = z.object({
  priority: z.enum(PRIORITIES),
  firstResponseMinutes: z.number().int(),
  resolutionMinutes: z.number().int(),
  remindBeforeMinutes: z.number().int(),
});

const figures = {
  conversations: z.number().int().describe('Conversations that started in the period'),
  responded: z.number().int(),
  medianFirstResponseSeconds: z.number().nullable(),
  p90FirstResponseSeconds: z.number().nullable(),
  firstResponseBreaches: z.number().int(),
  resolutionBreaches: z.number().int(),
  resolved: z.number().int(),
};
const slaReportView = z.object({
  from: z.string(),
  to: z.string(),
  total: z.object(figures),
  members: z.array(
    z.object({ userId: z.uuid().nullable().describe('null: unassigned'), name: z.string().nullable(), ...figures }),
  ),
  channels: z.array(
    z.object({
      channelId: z.uuid().nullable().describe('null: pushed items'),
      name: z.string().nullable(),
      ...figures,
    }),
  ),
});

const SENTIMENTS = ['positive', 'negative', 'neutral'] as const;
const awayView = z.object({ userId: z.uuid(), away: z.boolean() });
const conditions = z
  .strictObject({
    channelIds: z.array(z.uuid()).min(1).max(50).optional(),
    keywords: z.array(z.string().trim().min(1).max(100)).min(1).max(50).optional().describe('Any of these words'),
    sentiment: z.enum(SENTIMENTS).optional(),
    lead: z.boolean().optional(),
  })
  .describe('Every condition given must hold; none: every new conversation');
const assignees = z
  .union([z.strictObject({ role: z.enum(ROLES) }), z.strictObject({ userIds: z.array(z.uuid()).min(1).max(50) })])
  .describe("Round-robin among a role's members, or a list of members, skipping those away");
const ruleBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  enabled: z.boolean().default(true),
  conditions,
  assignees,
  position: z.number().int().min(1).max(1000).optional().describe('From 1 (first match wins); omitted: last'),
});
const ruleView = z.object({
  id: z.uuid(),
  name: z.string(),
  position: z.number().int(),
  enabled: z.boolean(),
  conditions: z.object({
    channelIds: z.array(z.uuid()).optional(),
    keywords: z.array(z.string()).optional(),
    sentiment: z.enum(SENTIMENTS).optional(),
    lead: z.boolean().optional(),
  }),
  assignees: z.union([z.object({ role: z.enum(ROLES) }), z.object({ userIds: z.array(z.uuid()) })]),
  lastAssignedId: z.uuid().nullable(),
  createdAt: z.string(),
});

const steps = z.array(policyStep).max(10);
const replyApproval = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('none') }),
  z.strictObject({ mode: z.literal('all'), steps: steps.min(1) }),
  z.strictObject({
    mode: z.literal('roles'),
    roles: z.array(z.enum(ROLES)).min(1).describe('Replies written by members with these roles need approval'),
    steps: steps.min(1),
  }),
  z.strictObject({
    mode: z.literal('rules'),
    steps: steps.describe("Before the steps of the content rules a reply matches (those rules' steps follow)"),
  }),
]);
const replyApprovalView = z.object({
  mode: z.enum(['none', 'all', 'roles', 'rules']),
  roles: z.array(z.enum(ROLES)).optional(),
  steps: z.array(policyStepView).optional(),
});

export const inboxSettingsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/inbox/settings',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: "The inbox's settings: which replies need approval before they are sent",
        tags: ['inbox'],
        response: { 200: z.object({ replyApproval: replyApprovalView, updatedAt: z.string().nullable() }) },
      },
    },
    async (request) => findReplyApproval(app.db, callerOf(request).workspaceId),
  );

  app.put(
    '/inbox/settings',
    {
      onRequest: requireRole(Roles.manageInbox),
      schema: {
        summary:
          'Set the reply approval policy: none, all replies, replies by some roles, or replies content rules flag',
        tags: ['inbox'],
        body: z.strictObject({ replyApproval }),
        response: { 200: z.object({ replyApproval: replyApprovalView, updatedAt: z.string().nullable() }) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const policy = request.body.replyApproval;
      if (policy.mode !== 'none') {
        const problems = await checkSteps(app.db, caller.workspaceId, policy.steps, 'replyApproval.steps.');
        if (problems.length > 0) throw invalidFields(problems);
      }
      await saveReplyApproval(app.db, {
        workspaceId: caller.workspaceId,
        actorId: caller.userId,
        replyApproval: policy,
      });
      return findReplyApproval(app.db, caller.workspaceId);
    },
  );

  app.get(
    '/inbox/sla-targets',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Response-time targets per priority (minutes); a priority without one has no SLA',
        tags: ['inbox'],
        response: { 200: z.object({ targets: z.array(slaTargetView) }) },
      },
    },
    async (request) => ({ targets: await listSlaTargets(app.db, callerOf(request).workspaceId) }),
  );

  app.put(
    '/inbox/sla-targets',
    {
      onRequest: requireRole(Roles.manageInbox),
      schema: {
        summary: "Replace the SLA targets; open conversations' deadlines follow",
        tags: ['inbox'],
        body: z.strictObject({
          targets: z
            .array(slaTarget)
            .max(PRIORITIES.length)
            .refine((ts) => new Set(ts.map((t) => t.priority)).size === ts.length, {
              message: 'one target per priority',
            }),
        }),
        response: { 200: z.object({ targets: z.array(slaTargetView) }) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const open = await saveSlaTargets(app.db, {
        workspaceId: caller.workspaceId,
        actorId: caller.userId,
        targets: request.body.targets,
      });
      // Each open conversation's workflow recomputes its deadlines. The targets are stored already:
      // a workflow Temporal could not be told now picks them up at its next change or timer.
      for (let i = 0; i < open.length; i += 20)
        await Promise.all(
          open
            .slice(i, i + 20)
            .map((id) =>
              signalConversation(app, { id, workspaceId: caller.workspaceId }, changed('sla_targets')).catch(
                (err: unknown) =>
                  request.log.warn({ err, conversationId: id }, 'could not tell the conversation of new SLA targets'),
              ),
            ),
        );
      return { targets: await listSlaTargets(app.db, caller.workspaceId) };
    },
  );

  app.get(
    '/inbox/sla-report',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary:
          'SLA figures of the conversations that started in a period: median and p90 first-response time, breaches, per member (assignee) and per channel',
        tags: ['inbox'],
        querystring: z
          .strictObject({
            from: isoInstant.optional().describe('Default: 30 days before `to`'),
            to: isoInstant.optional().describe('Default: now'),
          })
          .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
            message: 'must be after from',
            path: ['to'],
          }),
        response: { 200: slaReportView },
      },
    },
    async (request) => {
      const to = request.query.to ? new Date(request.query.to) : new Date();
      const from = request.query.from ? new Date(request.query.from) : new Date(to.getTime() - 30 * 86_400_000);
      if (from >= to) throw invalidFields([{ field: 'from', rule: 'before', message: 'must be before to' }]);
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        ...(await slaReport(app.db, callerOf(request).workspaceId, from, to)),
      };
    },
  );

  /** Channels and members a rule names must be the workspace's. */
  async function checkRule(workspaceId: string, rule: AssignmentRuleInput): Promise<void> {
    const problems: FieldProblem[] = [];
    const channelIds = rule.conditions.channelIds ?? [];
    if (channelIds.length) {
      const found = new Set((await findChannels(app.db, workspaceId, channelIds)).map((c) => c.id));
      channelIds.forEach((id, i) => {
        if (!found.has(id))
          problems.push({
            field: `conditions.channelIds.${i}`,
            rule: 'exists',
            message: `no channel ${id} in this workspace`,
          });
      });
    }
    if ('userIds' in rule.assignees) {
      const members = await membersAmong(app.db, workspaceId, rule.assignees.userIds);
      rule.assignees.userIds.forEach((id, i) => {
        if (!members.has(id))
          problems.push({
            field: `assignees.userIds.${i}`,
            rule: 'member',
            message: `${id} is not a member of this workspace`,
          });
      });
    }
    if (problems.length > 0) throw invalidFields(problems);
  }

  app.get(
    '/inbox/assignment-rules',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Rules that assign new conversations, in order (the first that matches assigns)',
        tags: ['inbox'],
        response: { 200: z.object({ rules: z.array(ruleView) }) },
      },
    },
    async (request) => ({ rules: await listAssignmentRules(app.db, callerOf(request).workspaceId) }),
  );

  app.post(
    '/inbox/assignment-rules',
    {
      onRequest: requireRole(Roles.manageInbox),
      schema: {
        summary: 'Add an assignment rule (by channel, keywords, sentiment, lead; round-robin among its members)',
        tags: ['inbox'],
        body: ruleBody,
        response: { 201: ruleView },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      await checkRule(caller.workspaceId, request.body);
      const rule = await createAssignmentRule(app.db, {
        workspaceId: caller.workspaceId,
        actorId: caller.userId,
        rule: request.body,
      });
      return reply.code(201).send(rule);
    },
  );

  app.put(
    '/inbox/assignment-rules/:id',
    {
      onRequest: requireRole(Roles.manageInbox),
      schema: {
        summary: 'Replace an assignment rule',
        tags: ['inbox'],
        params: idParams,
        body: ruleBody,
        response: { 200: ruleView },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      if (!(await listAssignmentRules(app.db, caller.workspaceId)).some((r) => r.id === request.params.id))
        throw notFound('Assignment rule');
      await checkRule(caller.workspaceId, request.body);
      return ownedOr404(
        updateAssignmentRule(app.db, {
          workspaceId: caller.workspaceId,
          actorId: caller.userId,
          ruleId: request.params.id,
          rule: request.body,
        }),
        'Assignment rule',
      );
    },
  );

  app.delete(
    '/inbox/assignment-rules/:id',
    {
      onRequest: requireRole(Roles.manageInbox),
      schema: {
        summary: 'Remove an assignment rule',
        tags: ['inbox'],
        params: idParams,
        response: { 204: noContent('Removed') },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (
        !(await deleteAssignmentRule(app.db, {
          workspaceId: caller.workspaceId,
          actorId: caller.userId,
          ruleId: request.params.id,
        }))
      )
        throw notFound('Assignment rule');
      return reply.code(204).send(undefined);
    },
  );

  app.get(
    '/inbox/away',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Members away (round-robin assignment skips them)',
        tags: ['inbox'],
        response: { 200: z.object({ awayUserIds: z.array(z.uuid()) }) },
      },
    },
    async (request) => ({ awayUserIds: await listAway(app.db, callerOf(request).workspaceId) }),
  );

  app.put(
    '/inbox/away',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Mark yourself away (round-robin assignment skips you) or back',
        tags: ['inbox'],
        body: z.strictObject({ away: z.boolean() }),
        response: { 200: awayView },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      await setAway(app.db, {
        workspaceId: caller.workspaceId,
        actorId: caller.userId,
        userId: caller.userId,
        away: request.body.away,
      });
      return { userId: caller.userId, away: request.body.away };
    },
  );

  app.put(
    '/inbox/away/:userId',
    {
      onRequest: requireRole(Roles.manageInbox),
      schema: {
        summary: 'Mark another member away or back (owners and admins)',
        tags: ['inbox'],
        params: z.strictObject({ userId: z.uuid() }),
        body: z.strictObject({ away: z.boolean() }),
        response: { 200: awayView },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { userId } = request.params;
      if (
        !(await setAway(app.db, {
          workspaceId: caller.workspaceId,
          actorId: caller.userId,
          userId,
          away: request.body.away,
        }))
      )
        throw notFound('Member');
      return { userId, away: request.body.away };
    },
  );
};
