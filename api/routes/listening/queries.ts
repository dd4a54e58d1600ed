import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { appendAudit } from '../../../db/audit';
import type { ListeningSources } from '../../../db/listening';
import {
  changeListeningQuery,
  findListeningQuery,
  insertListeningQuery,
  listListeningQueries,
  setListeningQueryStatus,
  sourceStates,
  storedCounts,
  type ListeningQueryRow,
} from '../../../db/listening';
import { alertingRule, alertsFrom } from '../../../listening/alerting';
import { timelineKey } from '../../../listening/mastodon';
import { queryWarnings } from '../../../listening/query';
import { storeAndStart } from '../../../services/store-and-start';
import {
  listeningCountersQuery,
  listeningWorkflowId,
  pauseListeningSignal,
  queryChangedSignal,
  resumeListeningSignal,
  stopListeningSignal,
} from '../../../contracts/listening';
import type { listenQuery } from '../../../workflows/listening';
import { SearchAttributes } from '../../../contracts/shared';
import { ownedOr404 } from '../../owned';
import { callerOf, requireRole, Roles } from '../../plugins/auth';
import { idParams, noContent } from '../../schemas';
import {
  addsSources,
  alerting,
  checkExpression,
  checkSources,
  filters,
  parseExpression,
  parsedExpressionView,
  queryView,
  savedQueryView,
  sources,
  type SourcesInput,
} from './query-schemas';

const queryDetailView = queryView.extend({
  mentions: z.number().int(),
  filteredByReason: z.record(z.string(), z.number().int()),
  feeds: z.array(
    z.object({ url: z.string(), healthy: z.boolean(), lastError: z.string().nullable(), checkedAt: z.string() }),
  ),
  mastodon: z.array(
    z.object({
      timeline: z.string(),
      position: z.string().nullable(),
      healthy: z.boolean(),
      rateLimitedUntil: z.string().nullable(),
      lastError: z.string().nullable(),
      checkedAt: z.string(),
    }),
  ),
  live: z
    .object({
      runs: z.number().int(),
      processed: z.number().int(),
      stored: z.number().int(),
      filtered: z.number().int(),
      malformed: z.number().int(),
      sourceHealthy: z.boolean(),
      lastError: z.string().nullable(),
      paused: z.boolean(),
    })
    .nullable()
    .describe(
      'The listening loop: its reads (runs, processed, malformed, health) and what the query has stored and filtered from every source',
    ),
});

/** Listening queries: start, change, pause, resume and stop listening. */
export const listeningQueryRoutes: FastifyPluginAsyncZod = async (app) => {
  const queryOr404 = (workspaceId: string, id: string) =>
    ownedOr404(findListeningQuery(app.db, workspaceId, id), 'Listening query');
  /** Sources as stored: Mastodon access tokens sealed. */
  const sealSources = (input: SourcesInput): ListeningSources => ({
    ...input,
    mastodon: input.mastodon?.map(({ accessToken, ...t }) => ({
      ...t,
      ...(accessToken ? { accessTokenSealed: app.sealer.seal(accessToken) } : {}),
    })),
  });
  /** Sources as shown: whether a token is set, never the token. */
  const showSources = (stored: ListeningSources) => ({
    ...stored,
    mastodon: stored.mastodon?.map(({ accessTokenSealed, ...t }) => ({
      ...t,
      hasAccessToken: accessTokenSealed !== undefined,
    })),
  });
  const view = (q: ListeningQueryRow): z.infer<typeof queryView> => ({
    id: q.id,
    name: q.name,
    expression: q.expression,
    kind: q.kind,
    sources: showSources(q.sources),
    filters: q.filters,
    alerting: q.alerting,
    status: q.status,
    workflowId: q.workflow_id,
    createdAt: q.created_at.toISOString(),
    listeningSince: q.listening_since.toISOString(),
    alertsFrom: alertsFrom(q.listening_since, alertingRule(q.alerting)).toISOString(),
  });
  const savedView = (q: ListeningQueryRow): z.infer<typeof savedQueryView> => ({
    ...view(q),
    warnings: queryWarnings(q.expression),
  });

  app.post(
    '/listening/queries',
    {
      onRequest: requireRole(Roles.listen),
      schema: {
        summary:
          'Start listening: a boolean query over sources, with noise filters; tagged brand or competitor for share of voice',
        tags: ['listening'],
        body: z.strictObject({
          name: z.string().trim().min(1).max(200),
          expression: z.string().min(1).max(2000),
          kind: z.enum(['brand', 'competitor', 'topic']).default('brand'),
          sources,
          filters: filters.default({}),
          alerting: alerting.default({}),
        }),
        response: { 201: savedQueryView },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const body = request.body;
      checkExpression(body.expression);
      await checkSources(body.sources);
      const id = randomUUID();
      const workflowId = listeningWorkflowId(id);
      await storeAndStart(app, workflowId, async (trx, start) => {
        await insertListeningQuery(trx, {
          id,
          workspace_id: caller.workspaceId,
          name: body.name,
          expression: body.expression,
          kind: body.kind,
          sources: JSON.stringify(sealSources(body.sources)),
          filters: JSON.stringify(body.filters),
          alerting: JSON.stringify(body.alerting),
          status: 'active',
          workflow_id: workflowId,
          created_by: caller.userId,
          updated_at: new Date(),
        });
        await appendAudit(trx, {
          workspaceId: caller.workspaceId,
          actorId: caller.userId,
          action: 'listening_query.created',
          subjectType: 'listening_query',
          subjectId: id,
          after: { name: body.name, expression: body.expression, kind: body.kind },
        });
        await start(() =>
          app.temporal.workflow.start<typeof listenQuery>('listenQuery', {
            workflowId,
            taskQueue: app.taskQueue,
            args: [{ queryId: id, workspaceId: caller.workspaceId, runForMs: app.listeningRunMs }],
            typedSearchAttributes: [{ key: SearchAttributes.workspace, value: caller.workspaceId }],
            staticSummary: `Listening "${body.name}": ${body.expression.slice(0, 80)}`,
          }),
        );
      });
      return reply.code(201).send(savedView(await queryOr404(caller.workspaceId, id)));
    },
  );

  app.post(
    '/listening/queries/parse',
    {
      onRequest: requireRole(Roles.listen),
      schema: {
        summary:
          'Check a query expression without saving it: where it breaks and what was expected there, or the warnings a valid one carries',
        tags: ['listening'],
        body: z.strictObject({ expression: z.string().max(2000) }),
        response: { 200: parsedExpressionView },
      },
    },
    async (request) => parseExpression(request.body.expression),
  );

  app.get(
    '/listening/queries',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Listening queries of your workspace',
        tags: ['listening'],
        response: { 200: z.object({ queries: z.array(queryView) }) },
      },
    },
    async (request) => {
      const rows = await listListeningQueries(app.db, callerOf(request).workspaceId);
      return { queries: rows.map(view) };
    },
  );

  app.get(
    '/listening/queries/:id',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'A query with its counters: stored, filtered by reason, live loop state',
        tags: ['listening'],
        params: idParams,
        response: { 200: queryDetailView },
      },
    },
    async (request): Promise<z.infer<typeof queryDetailView>> => {
      const q = await queryOr404(callerOf(request).workspaceId, request.params.id);
      const [counts, loop] = await Promise.all([
        storedCounts(app.db, q.id),
        app.temporal.workflow
          .getHandle(q.workflow_id)
          .query(listeningCountersQuery)
          .catch(() => null),
      ]);
      // Stored and filtered come from the database, so a push or a read still under way shows at once.
      const live = loop && { ...loop, stored: counts.stored, filtered: counts.filtered };
      const { feeds, timelines } = await sourceStates(app.db, q.id);
      return {
        ...view(q),
        mentions: counts.stored,
        filteredByReason: counts.filteredByReason,
        feeds: feeds.map((f) => ({
          url: f.url,
          healthy: f.healthy,
          lastError: f.last_error,
          checkedAt: f.checked_at.toISOString(),
        })),
        mastodon: timelines.map((t) => ({
          timeline: t.timeline,
          position: t.position,
          healthy: t.healthy,
          rateLimitedUntil: t.paused_until?.toISOString() ?? null,
          lastError: t.last_error,
          checkedAt: t.checked_at.toISOString(),
        })),
        live,
      };
    },
  );

  app.patch(
    '/listening/queries/:id',
    {
      onRequest: requireRole(Roles.listen),
      schema: {
        summary:
          'Change a query; the listening loop picks the change up at once. `sources` replaces all sources (send Mastodon tokens again)',
        tags: ['listening'],
        params: idParams,
        body: z.strictObject({
          name: z.string().trim().min(1).max(200).optional(),
          expression: z.string().min(1).max(2000).optional(),
          sources: sources.optional(),
          filters: filters.optional(),
          alerting: alerting.optional(),
        }),
        response: { 200: savedQueryView },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const q = await queryOr404(caller.workspaceId, request.params.id);
      const body = request.body;
      if (body.expression) checkExpression(body.expression);
      if (body.sources) await checkSources(body.sources);
      const sealed = body.sources ? sealSources(body.sources) : undefined;
      // A firehose cursor belongs to its service: another service starts afresh (or at its fromCursor).
      const serviceChanged =
        sealed !== undefined &&
        (sealed.bluesky?.service !== q.sources.bluesky?.service ||
          sealed.bluesky?.fromCursor !== q.sources.bluesky?.fromCursor);
      await changeListeningQuery(
        app.db,
        q.id,
        {
          ...(body.name ? { name: body.name } : {}),
          ...(body.expression ? { expression: body.expression } : {}),
          ...(sealed ? { sources: JSON.stringify(sealed) } : {}),
          ...(serviceChanged ? { bluesky_cursor: null } : {}),
          // A new source's first read may bring history at once: the spike baseline starts again.
          ...(sealed && addsSources(q.sources, sealed) ? { listening_since: new Date() } : {}),
          ...(body.filters ? { filters: JSON.stringify(body.filters) } : {}),
          ...(body.alerting ? { alerting: JSON.stringify(body.alerting) } : {}),
          updated_at: new Date(),
        },
        sealed && { timelines: (sealed.mastodon ?? []).map((t) => timelineKey(t)), rss: sealed.rss ?? [] },
        {
          workspaceId: caller.workspaceId,
          actorId: caller.userId,
          action: 'listening_query.updated',
          subjectType: 'listening_query',
          subjectId: q.id,
          before: {
            name: q.name,
            expression: q.expression,
            filters: q.filters,
            ...(sealed ? { sources: showSources(q.sources) } : {}),
          },
          after: { ...body, ...(sealed ? { sources: showSources(sealed) } : {}) },
        },
      );
      await app.temporal.workflow.getHandle(q.workflow_id).signal(queryChangedSignal);
      return savedView(await queryOr404(caller.workspaceId, q.id));
    },
  );

  for (const [action, signal, status] of [
    ['pause', pauseListeningSignal, 'paused'],
    ['resume', resumeListeningSignal, 'active'],
  ] as const) {
    app.post(
      `/listening/queries/:id/${action}`,
      {
        onRequest: requireRole(Roles.listen),
        schema: {
          summary: `${action[0]!.toUpperCase()}${action.slice(1)} listening`,
          tags: ['listening'],
          params: idParams,
          response: { 200: queryView },
        },
      },
      async (request) => {
        const caller = callerOf(request);
        const q = await queryOr404(caller.workspaceId, request.params.id);
        // The paused windows were not watched: after a pause the spike baseline starts again.
        await setListeningQueryStatus(app.db, q.id, status, { resumed: status === 'active' && q.status === 'paused' });
        await app.temporal.workflow.getHandle(q.workflow_id).signal(signal);
        return view(await queryOr404(caller.workspaceId, q.id));
      },
    );
  }

  app.delete(
    '/listening/queries/:id',
    {
      onRequest: requireRole(Roles.listen),
      schema: {
        summary: 'Stop listening for good (mentions are kept)',
        tags: ['listening'],
        params: idParams,
        response: { 204: noContent('Stopped') },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const q = await queryOr404(caller.workspaceId, request.params.id);
      await setListeningQueryStatus(app.db, q.id, 'deleted');
      await app.temporal.workflow.getHandle(q.workflow_id).signal(stopListeningSignal);
      return reply.code(204).send(undefined);
    },
  );
};
