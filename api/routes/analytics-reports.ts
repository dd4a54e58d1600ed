import type { SignalDefinition } from '@temporalio/common';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findWeeklyReportSettings, saveWeeklyReportSettings } from '../../db/analytics-events';
import { isValidTimezone } from '../../content/queue-slots';
import {
  EXPORT_DATASETS,
  EXPORT_FORMATS,
  weeklyReportSettingsChangedSignal,
  weeklyReportWorkflowId,
  type WeeklyReportWorkflowInput,
} from '../../contracts/analytics-reports';
import { Unavailable } from '../../contracts/errors';
import { SearchAttributes } from '../../contracts/shared';
import { MAX_RANGE_DAYS } from '../../services/analytics';
import { DATASET_DESCRIPTIONS, decodeCursor, exportPage, exportRowView } from '../../services/analytics-export';
import { buildWeeklyReport, nextWeeklyReport, weeklyReportView } from '../../services/weekly-report';
import { temporalOutage } from '../../temporal/connection';
import type { weeklyReport } from '../../workflows/weekly-report';
import { callerOf, requireRole, Roles } from '../plugins/auth';
import { invalidField } from '../problems';
import { reportRange, toCsv, type Cell } from './analytics';

const settingsBody = z.strictObject({
  enabled: z.boolean(),
  weekday: z.number().int().min(1).max(7).describe('ISO weekday the report goes out: 1 = Monday … 7 = Sunday'),
  hour: z.number().int().min(0).max(23).describe('Hour it goes out (local to timeZone)'),
  timeZone: z.string().min(1).max(64).describe('IANA time zone, e.g. Europe/Berlin'),
});

const settingsView = settingsBody.extend({
  updatedAt: z.string().nullable().describe('null: never set (the defaults, off)'),
  next: z
    .object({ at: z.string(), periodKey: z.string(), from: z.string(), to: z.string() })
    .nullable()
    .describe('When the next report goes out and the week it covers; null while off'),
  recipients: z.string().describe('Who gets it'),
});

const RECIPIENTS =
  "The workspace's notification webhook (signed, type analytics.weekly_report), and by email (when SMTP is set) its owners and admins";

const MAX_EXPORT_LIMIT = 5000;

export const analyticsReportRoutes: FastifyPluginAsyncZod = async (app) => {
  const timeScale = app.weeklyReportTimeScale ?? 1;
  const view = (s: Awaited<ReturnType<typeof findWeeklyReportSettings>>) => {
    const next = s.enabled ? nextWeeklyReport(s, new Date(), timeScale) : null;
    return {
      enabled: s.enabled,
      weekday: s.weekday,
      hour: s.hour,
      timeZone: s.timeZone,
      updatedAt: s.updatedAt?.toISOString() ?? null,
      next: next && { at: next.periodEnd, periodKey: next.periodKey, from: next.periodStart, to: next.periodEnd },
      recipients: RECIPIENTS,
    };
  };

  app.get(
    '/analytics/weekly-report',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: "The weekly report's settings and when the next one goes out",
        tags: ['analytics'],
        response: { 200: settingsView },
      },
    },
    async (request) => view(await findWeeklyReportSettings(app.db, callerOf(request).workspaceId)),
  );

  app.put(
    '/analytics/weekly-report',
    {
      onRequest: requireRole(Roles.manageReports),
      schema: {
        summary: 'Turn the weekly report on or off, and say when it goes out',
        description: `${RECIPIENTS}. It covers the seven days before it goes out, compared with the seven before those; once per week, whatever the changes in between.`,
        tags: ['analytics'],
        body: settingsBody,
        response: { 200: settingsView },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { timeZone } = request.body;
      if (!isValidTimezone(timeZone))
        throw invalidField('body.timeZone', 'iana', `"${timeZone}" is not an IANA time zone (e.g. Europe/Berlin)`);
      // The settings and the workflow's wake-up together: a Temporal that cannot be told rolls the change back.
      const saved = await app.db.transaction().execute(async (trx) => {
        const settings = await saveWeeklyReportSettings(trx, {
          workspaceId: caller.workspaceId,
          actorId: caller.userId,
          ...request.body,
        });
        const input: WeeklyReportWorkflowInput = { workspaceId: caller.workspaceId };
        try {
          await app.temporal.workflow.signalWithStart<typeof weeklyReport, []>('weeklyReport', {
            workflowId: weeklyReportWorkflowId(caller.workspaceId),
            taskQueue: app.taskQueue,
            args: [input],
            signal: weeklyReportSettingsChangedSignal as SignalDefinition<[]>,
            signalArgs: [],
            typedSearchAttributes: [{ key: SearchAttributes.workspace, value: caller.workspaceId }],
            staticSummary: 'Weekly analytics report',
          });
        } catch (err) {
          if (temporalOutage(err))
            throw new Unavailable(
              'The scheduler (Temporal) is unreachable; nothing was stored. Try again shortly.',
              err,
            );
          throw err;
        }
        return settings;
      });
      return view(saved);
    },
  );

  app.get(
    '/analytics/weekly-report/preview',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'The weekly report of the last seven days, as it would be sent (nothing is sent)',
        tags: ['analytics'],
        response: { 200: weeklyReportView },
      },
    },
    async (request) => {
      const workspaceId = callerOf(request).workspaceId;
      const settings = await findWeeklyReportSettings(app.db, workspaceId);
      const to = new Date();
      return buildWeeklyReport(app.db, {
        workspaceId,
        periodKey: 'preview',
        from: new Date(to.getTime() - 7 * 86_400_000),
        to,
        timeZone: settings.timeZone,
        appUrl: app.appUrl ?? `${request.protocol}://${request.host}`,
      });
    },
  );

  app.get(
    '/analytics/export/:dataset',
    {
      // Read-only: a token with the `read` scope (any role) is enough.
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Raw analytics rows for BI tools and CRMs, in keyset pages (JSON, NDJSON or CSV)',
        description: [
          'Datasets: ' + EXPORT_DATASETS.map((d) => `\`${d}\`: ${DATASET_DESCRIPTIONS[d]}`).join('; ') + '.',
          `Pages: pass the previous page's \`nextCursor\` as \`cursor\` (same dataset, same range) until it is null. With NDJSON and CSV the next cursor is in the \`Chorus-Next-Cursor\` header (absent on the last page) and in a \`Link: <…>; rel="next"\` header.`,
          `Range: \`from\`/\`to\` (default the last 30 days, at most ${MAX_RANGE_DAYS} days).`,
        ].join('\n\n'),
        tags: ['analytics'],
        params: z.strictObject({
          dataset: z.enum(EXPORT_DATASETS).describe('What to export'),
        }),
        querystring: z.strictObject({
          from: z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time with a UTC offset' }).optional(),
          to: z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time with a UTC offset' }).optional(),
          cursor: z.string().min(1).max(500).optional().describe("The previous page's nextCursor"),
          limit: z.coerce
            .number()
            .int()
            .min(1)
            .max(MAX_EXPORT_LIMIT)
            .default(1000)
            .describe(`Rows per page, at most ${MAX_EXPORT_LIMIT} (campaigns: at most 100)`),
          format: z.enum(EXPORT_FORMATS).default('json'),
        }),
        response: {
          200: z.object({
            dataset: z.enum(EXPORT_DATASETS),
            from: z.string(),
            to: z.string(),
            data: z.array(exportRowView),
            nextCursor: z.string().nullable().describe('null on the last page'),
          }),
        },
      },
    },
    async (request, typedReply) => {
      // NDJSON and CSV are sent as text: the JSON schema above describes format=json.
      const reply: FastifyReply = typedReply;
      const { dataset } = request.params;
      const { cursor, limit, format } = request.query;
      const range = reportRange(request.query);
      const after = cursor === undefined ? undefined : decodeCursor(dataset, cursor);
      if (cursor !== undefined && after === undefined)
        throw invalidField(
          'querystring.cursor',
          'cursor',
          `is not a cursor of the ${dataset} export (pass a nextCursor as it came)`,
          400,
        );
      const page = await exportPage(app.db, {
        workspaceId: callerOf(request).workspaceId,
        dataset,
        from: range.from,
        to: range.to,
        limit,
        after,
      });
      if (format === 'json')
        return {
          dataset,
          from: range.from.toISOString(),
          to: range.to.toISOString(),
          data: page.rows,
          nextCursor: page.nextCursor,
        };
      if (page.nextCursor) {
        const next = new URL(request.url, 'http://chorus.invalid');
        next.searchParams.set('cursor', page.nextCursor);
        next.searchParams.set('from', range.from.toISOString());
        next.searchParams.set('to', range.to.toISOString());
        reply
          .header('chorus-next-cursor', page.nextCursor)
          .header('link', `<${next.pathname}${next.search}>; rel="next"`);
      }
      if (format === 'ndjson')
        return reply
          .type('application/x-ndjson; charset=utf-8')
          .send(page.rows.map((r) => JSON.stringify(r)).join('\n') + (page.rows.length > 0 ? '\n' : ''));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${dataset}.csv"`)
        .send(toCsv(page.rows as unknown as Record<string, Cell>[]));
    },
  );
};
