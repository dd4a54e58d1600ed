import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AUDIT_ACTIONS, findAudit, listAuditCheckpoints, verifyAuditChain } from '../../db/audit';
import { publishAuditCheckpoints } from '../../notifications/audit-checkpoints';
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

const brokenSchema = z.object({ id: z.string(), reason: z.string() });

const checkpointSchema = z.object({
  id: z.string(),
  count: z.number().int().describe('Rows in the chain when the checkpoint was made'),
  headId: z.string().describe('The newest of those rows'),
  headHash: z.string().describe("That row's hash (its seal)"),
  at: z.string(),
  keyId: z.string().describe("The audit key's fingerprint"),
  signature: z.string().describe('HMAC-SHA256 under the audit key over the workspace id, count, head and time, hex'),
  deliveredAt: z
    .string()
    .nullable()
    .describe("When it reached the workspace's notification webhook; null: not (yet) sent"),
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
        summary: "Check your workspace's audit chain and its checkpoints; names the first broken row or checkpoint",
        tags: ['audit'],
        response: {
          200: z.object({
            ok: z.boolean(),
            checked: z.number().int().describe('Rows that verified, from the first'),
            firstBroken: brokenSchema.optional().describe('The first row that is not what was written, and why'),
            unsealed: z
              .number()
              .int()
              .describe(
                'Of the rows checked, those written before the chain was keyed (anchored by the rows after them)',
              ),
            keyId: z.string().describe("The audit key's fingerprint that rows and checkpoints must carry"),
            checkpoints: z.number().int().describe('Checkpoints checked against the chain'),
            brokenCheckpoint: brokenSchema
              .optional()
              .describe(
                'The first checkpoint that was altered, or that the chain no longer matches (rows deleted or rewritten)',
              ),
          }),
        },
      },
    },
    async (request) => verifyAuditChain(app.db, callerOf(request).workspaceId),
  );

  app.get(
    '/audit/checkpoints',
    {
      onRequest: requireRole(Roles.audit),
      schema: {
        summary: "Your workspace's signed audit checkpoints, newest first",
        description:
          "Each vouches for the chain's length and newest row when it was made; the worker makes one when the chain moved (CHORUS_AUDIT_CHECKPOINT_SECONDS) and sends it to the notification webhook as `audit.checkpoint`.",
        tags: ['audit'],
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
        response: { 200: z.object({ checkpoints: z.array(checkpointSchema) }) },
      },
    },
    async (request) => ({
      checkpoints: await listAuditCheckpoints(app.db, callerOf(request).workspaceId, { limit: request.query.limit }),
    }),
  );

  app.post(
    '/audit/checkpoints',
    {
      onRequest: requireRole(Roles.auditCheckpoint),
      schema: {
        summary: 'Sign a checkpoint of the audit chain now and send it to the notification webhook',
        description:
          'As the worker does periodically. 201 with the new checkpoint; 200 with the newest one when the chain has not moved since.',
        tags: ['audit'],
        response: {
          200: z.object({ checkpoint: checkpointSchema.nullable().describe('null: the chain has no rows yet') }),
          201: z.object({ checkpoint: checkpointSchema }),
        },
      },
    },
    async (request, reply) => {
      const { workspaceId } = callerOf(request);
      // A webhook that fails leaves the checkpoint unsent (deliveredAt null); the worker retries it.
      const { created } = await publishAuditCheckpoints(
        { db: app.db, adapters: app.adapters, sealer: app.sealer },
        { workspaceId },
      );
      const [newest] = await listAuditCheckpoints(app.db, workspaceId, { limit: 1 });
      if (created.length > 0 && newest) return reply.code(201).send({ checkpoint: newest });
      return { checkpoint: newest ?? null };
    },
  );
};
