import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FREQUENCIES, nthOccurrence, type RecurrenceRule } from '../../content/recurrence';
import { isValidTimezone } from '../../content/queue-slots';
import { appendAudit } from '../../db/audit';
import { findPosts, postView } from '../../db/posts';
import {
  findRecurrence,
  insertRecurrence,
  listRecurrences,
  recurrenceOccurrences,
  type RecurrenceRow,
} from '../../db/recurrences';
import { checkContent } from '../../services/posts';
import {
  pauseRecurrenceUpdate,
  recurrenceStatusQuery,
  recurrenceWorkflowId,
  resumeRecurrenceUpdate,
  stopRecurrenceUpdate,
} from '../../contracts/recurrence';
import type { runRecurrence } from '../../workflows/recurrence';
import { SearchAttributes } from '../../contracts/shared';
import { storeAndStart } from '../../services/store-and-start';
import { callerOf, requireRole, Roles } from '../plugins/auth';
import { beyondHorizon } from '../../content/publish-horizon';
import { idParams, isoInstant } from '../schemas';
import { ownedOr404 } from '../owned';
import { invalidField, invalidFields } from '../problems';
import { runWorkflowUpdate } from '../workflow-updates';

const createBody = z.strictObject({
  text: z.string().min(1, 'must not be empty'),
  channelIds: z
    .array(z.uuid())
    .min(1)
    .max(50)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a channel'),
  variants: z.record(z.uuid(), z.string().min(1)).optional(),
  rule: z
    .strictObject({
      frequency: z.enum(FREQUENCIES),
      interval: z.number().int().min(1).max(365).default(1),
      weekdays: z
        .array(z.number().int().min(1).max(7))
        .min(1)
        .max(7)
        .optional()
        .describe('weekly: 1 = Monday … 7 = Sunday'),
      monthDay: z.number().int().min(1).max(31).optional().describe('monthly: in shorter months, their last day'),
      time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'must be HH:MM or HH:MM:SS, 24-hour'),
      timezone: z.string().optional().describe("IANA timezone; default: the first channel's"),
    })
    .refine((r) => r.frequency === 'weekly' || r.weekdays === undefined, {
      message: 'only for weekly',
      path: ['weekdays'],
    })
    .refine((r) => r.frequency === 'monthly' || r.monthDay === undefined, {
      message: 'only for monthly',
      path: ['monthDay'],
    }),
  startsOn: z.iso.date().describe("First day, YYYY-MM-DD, in the rule's timezone"),
  until: isoInstant.optional(),
  count: z.number().int().min(1).max(10_000).optional(),
});

const recurrenceView = z.object({
  id: z.uuid(),
  text: z.string(),
  channelIds: z.array(z.uuid()),
  variants: z.record(z.string(), z.string()),
  rule: z.object({
    frequency: z.enum(FREQUENCIES),
    interval: z.number().int(),
    weekdays: z.array(z.number().int()).optional(),
    monthDay: z.number().int().optional(),
    time: z.string(),
    timezone: z.string(),
    startsOn: z.string(),
    until: z.string().optional(),
    count: z.number().int().optional(),
  }),
  status: z.enum(['active', 'paused', 'stopped', 'completed']),
  workflowId: z.string(),
  authorId: z.uuid(),
  createdAt: z.string(),
});

/** The recurrence's workflow as it answers: the next occurrence and the one it holds. */
const recurrenceLiveView = z.object({
  recurrenceId: z.uuid(),
  status: z.enum(['active', 'paused', 'stopped', 'completed']),
  nextIndex: z.number().int(),
  pending: z.object({ index: z.number().int(), postId: z.uuid(), workflowId: z.string(), at: z.string() }).nullable(),
});

export const recurrenceRoutes: FastifyPluginAsyncZod = async (app) => {
  const recurrenceOr404 = (workspaceId: string, id: string) =>
    ownedOr404(findRecurrence(app.db, workspaceId, id), 'Recurrence');
  const view = (r: RecurrenceRow): z.infer<typeof recurrenceView> => ({
    id: r.id,
    text: r.text,
    channelIds: r.channel_ids,
    variants: r.variants,
    rule: r.rule,
    status: r.status,
    workflowId: r.workflow_id,
    authorId: r.author_id,
    createdAt: r.created_at.toISOString(),
  });

  app.post(
    '/recurrences',
    {
      onRequest: requireRole(Roles.writeContent),
      schema: {
        summary: 'A post that repeats (daily, weekly on given days, monthly) in a timezone, until a date or a count',
        tags: ['posts'],
        body: createBody,
        response: { 201: recurrenceView.extend({ firstOccurrence: z.string() }) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const body = request.body;
      const { channels } = await checkContent(app, caller.workspaceId, body);
      const timezone = body.rule.timezone ?? channels[0]!.timezone;
      if (!isValidTimezone(timezone))
        throw invalidField('rule.timezone', 'iana', `"${timezone}" is not an IANA timezone`);
      const rule: RecurrenceRule = {
        ...body.rule,
        timezone,
        startsOn: body.startsOn,
        until: body.until,
        count: body.count,
      };
      const first = nthOccurrence(rule, 0);
      if (!first)
        throw invalidField(body.until ? 'until' : 'startsOn', 'occurs', 'the rule has no occurrence before it ends');
      const late = beyondHorizon(first, 'startsOn');
      if (late.length > 0) throw invalidFields(late);

      const id = randomUUID();
      const workflowId = recurrenceWorkflowId(id);
      await storeAndStart(app, workflowId, async (trx, start) => {
        await insertRecurrence(trx, {
          id,
          workspace_id: caller.workspaceId,
          author_id: caller.userId,
          text: body.text,
          channel_ids: body.channelIds,
          variants: JSON.stringify(body.variants ?? {}),
          rule: JSON.stringify(rule),
          status: 'active',
          workflow_id: workflowId,
          updated_at: new Date(),
        });
        await appendAudit(trx, {
          workspaceId: caller.workspaceId,
          actorId: caller.userId,
          action: 'recurrence.created',
          subjectType: 'recurrence',
          subjectId: id,
          after: { text: body.text, channelIds: body.channelIds, rule },
        });
        await start(() =>
          app.temporal.workflow.start<typeof runRecurrence>('runRecurrence', {
            workflowId,
            taskQueue: app.taskQueue,
            args: [{ recurrenceId: id, workspaceId: caller.workspaceId }],
            typedSearchAttributes: [
              { key: SearchAttributes.workspace, value: caller.workspaceId },
              { key: SearchAttributes.channels, value: body.channelIds },
            ],
            staticSummary: `Recurring post (${rule.frequency}, ${rule.time} ${timezone})`,
          }),
        );
      });
      return reply
        .code(201)
        .send({ ...view(await recurrenceOr404(caller.workspaceId, id)), firstOccurrence: first.toISOString() });
    },
  );

  app.get(
    '/recurrences',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Recurring posts of your workspace',
        tags: ['posts'],
        response: { 200: z.object({ recurrences: z.array(recurrenceView) }) },
      },
    },
    async (request) => {
      const rows = await listRecurrences(app.db, callerOf(request).workspaceId);
      return { recurrences: rows.map(view) };
    },
  );

  app.get(
    '/recurrences/:id',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'A recurring post and its occurrences so far, each a post with its own status',
        tags: ['posts'],
        params: idParams,
        response: {
          200: recurrenceView.extend({
            occurrences: z.array(z.object({ occurrence: z.number().int().nullable(), post: postView.optional() })),
          }),
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const r = await recurrenceOr404(caller.workspaceId, request.params.id);
      const occurrences = await recurrenceOccurrences(app.db, r.id);
      const posts = await findPosts(app.db, caller.workspaceId, { ids: occurrences.map((o) => o.id) });
      return {
        ...view(r),
        occurrences: occurrences.map((o) => ({ occurrence: o.occurrence, post: posts.find((p) => p.id === o.id) })),
      };
    },
  );

  app.get(
    '/recurrences/:id/live',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: "Live state from the recurrence's workflow",
        tags: ['posts'],
        params: idParams,
        response: { 200: recurrenceLiveView },
      },
    },
    async (request) => {
      const r = await recurrenceOr404(callerOf(request).workspaceId, request.params.id);
      return app.temporal.workflow.getHandle(r.workflow_id).query(recurrenceStatusQuery);
    },
  );

  for (const [action, update, summary] of [
    [
      'pause',
      pauseRecurrenceUpdate,
      'Pause: the upcoming occurrence is held; occurrences due while paused are skipped',
    ],
    ['resume', resumeRecurrenceUpdate, 'Resume: the held occurrence goes out if its time is still ahead'],
    ['stop', stopRecurrenceUpdate, 'Stop for good: the upcoming occurrence is cancelled'],
  ] as const) {
    app.post(
      `/recurrences/:id/${action}`,
      {
        onRequest: requireRole(Roles.writeContent),
        schema: { summary, tags: ['posts'], params: idParams, response: { 200: recurrenceLiveView } },
      },
      async (request) => {
        const caller = callerOf(request);
        const r = await recurrenceOr404(caller.workspaceId, request.params.id);
        return runWorkflowUpdate(
          () =>
            app.temporal.workflow
              .getHandle(r.workflow_id)
              .executeUpdate(update, { args: [{ actorId: caller.userId }] }),
          `The recurrence is ${r.status}`,
        );
      },
    );
  }
};
