import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { appendAudit } from '../../db/audit';
import { importProgress, insertImportJob } from '../../db/imports';
import { importLookups, importRow, parseImportCsv, type RowOutcome } from '../../services/post-import';
import { importWorkflowId } from '../../contracts/import';
import type { importPosts } from '../../workflows/post-import';
import { SearchAttributes } from '../../contracts/shared';
import { storeAndStart } from '../../services/store-and-start';
import { callerOf, requireRole, Roles } from '../plugins/auth';
import { ownedOr404 } from '../owned';
import { fieldProblemView } from '../schemas';
import { invalidField, type FieldProblem } from '../problems';

const MAX_FILE_BYTES = 5 * 1024 * 1024;

export const importRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addContentTypeParser(
    ['text/csv', 'application/csv'],
    { parseAs: 'buffer', bodyLimit: MAX_FILE_BYTES },
    (_request, body, done) => done(null, body),
  );

  app.post(
    '/posts/import',
    {
      onRequest: requireRole(Roles.writeContent),
      config: { fileBody: true },
      schema: {
        summary: 'Bulk-create posts from a CSV file (text/csv, UTF-8)',
        description:
          'Columns: text, channels (names or ids separated by ;), publishAt (ISO-8601 with offset) or queue (true), campaign (name or id), media. ' +
          'dryRun=true checks every row and reports each bad one with its line number; otherwise the good rows are created by an import job whose progress GET /v1/posts/import/{jobId} reports.',
        tags: ['posts'],
        querystring: z.strictObject({ dryRun: z.enum(['true', 'false']).default('true') }),
        response: {
          200: z
            .object({
              dryRun: z.literal(true),
              total: z.number().int(),
              valid: z.number().int(),
              invalid: z.array(z.object({ line: z.number().int(), errors: z.array(fieldProblemView).optional() })),
            })
            .describe('dryRun=true: what the import would do'),
          202: z
            .object({ jobId: z.uuid(), status: z.literal('running'), total: z.number().int() })
            .describe('The import job started; its progress is at the Location'),
        },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (!Buffer.isBuffer(request.body)) throw invalidField('body', 'csv', 'send the file as text/csv', 415);
      const rows = parseImportCsv(request.body);
      if (rows.length === 0) throw invalidField('body', 'rows', 'the file has a header but no rows');

      if (request.query.dryRun === 'true') {
        const lookups = await importLookups(app, caller.workspaceId);
        const outcomes: RowOutcome[] = [];
        for (const row of rows) outcomes.push(await importRow(app, caller, row, lookups));
        const invalid = outcomes.filter((o) => o.errors);
        return { dryRun: true as const, total: rows.length, valid: rows.length - invalid.length, invalid };
      }

      const jobId = randomUUID();
      const workflowId = importWorkflowId(jobId);
      await storeAndStart(app, workflowId, async (trx, start) => {
        await insertImportJob(trx, {
          id: jobId,
          workspace_id: caller.workspaceId,
          created_by: caller.userId,
          status: 'running',
          rows: JSON.stringify(rows),
          total: rows.length,
          workflow_id: workflowId,
        });
        await appendAudit(trx, {
          workspaceId: caller.workspaceId,
          actorId: caller.userId,
          action: 'import_job.started',
          subjectType: 'import_job',
          subjectId: jobId,
          after: { rows: rows.length },
        });
        await start(() =>
          app.temporal.workflow.start<typeof importPosts>('importPosts', {
            workflowId,
            taskQueue: app.taskQueue,
            args: [{ jobId, total: rows.length }],
            typedSearchAttributes: [{ key: SearchAttributes.workspace, value: caller.workspaceId }],
            staticSummary: `Import of ${rows.length} posts`,
          }),
        );
      });
      return reply
        .code(202)
        .header('location', `/v1/posts/import/${jobId}`)
        .send({ jobId, status: 'running', total: rows.length });
    },
  );

  app.get(
    '/posts/import/:jobId',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Progress of an import: rows processed, posts created, bad rows with their line numbers',
        tags: ['posts'],
        params: z.strictObject({ jobId: z.uuid() }),
        response: {
          200: z.object({
            jobId: z.uuid(),
            status: z.enum(['running', 'completed', 'failed']),
            total: z.number().int(),
            processed: z.number().int(),
            created: z.number().int(),
            failed: z.array(z.object({ line: z.number().int(), errors: z.array(fieldProblemView) })),
            startedAt: z.string(),
            finishedAt: z.string().nullable(),
          }),
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { job, counts, failed } = await ownedOr404(
        importProgress(app.db, caller.workspaceId, request.params.jobId),
        'Import job',
      );
      return {
        jobId: job.id,
        status: job.status,
        total: job.total,
        processed: counts.processed,
        created: counts.created,
        failed: failed.map((f) => ({ line: f.line, errors: f.errors as FieldProblem[] })),
        startedAt: job.created_at.toISOString(),
        finishedAt: job.finished_at?.toISOString() ?? null,
      };
    },
  );
};
