import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { appendAudit } from '../../db/audit';
import type { ListeningSources } from '../../db/listening';
import { storedCounts } from '../../db/listening';
import { alertingRule, alertsFrom } from '../../listening/alerting';
import { fetchFeed, NotAFeedError } from '../../listening/feeds';
import { checkTimeline, MastodonAuthRequired, MastodonRateLimited, NotMastodonError, timelineKey } from '../../listening/mastodon';
import { compileQuery, queryWarnings, QuerySyntaxError } from '../../listening/query';
import { trends } from '../../listening/trends';
import { listeningCountersQuery, listeningWorkflowId, pauseListeningSignal, queryChangedSignal, resumeListeningSignal, stopListeningSignal } from '../../contracts/listening';
import type { listenQuery } from '../../workflows/listening';
import { SearchAttributes } from '../../contracts/shared';
import { storeAndStart } from '../../services/store-and-start';
import { callerOf, requireRole, Roles } from '../plugins/auth';
import { idParams, isoInstant } from '../schemas';
import { invalidField, notFound, Problem } from '../problems';

const SENTIMENTS = ['positive', 'negative', 'neutral'] as const;

const sources = z.strictObject({
  bluesky: z
    .strictObject({
      service: z.url({ protocol: /^(wss?|https?)$/ }).default('wss://bsky.network').describe('A relay or PDS serving com.atproto.sync.subscribeRepos'),
      plcUrl: z.url().optional().describe('PLC directory; default plc.directory'),
      fromCursor: z.number().int().min(0).optional().describe('Backfill from this firehose sequence number'),
    })
    .optional(),
  rss: z.array(z.url({ protocol: /^https?$/ })).max(50).optional().describe('RSS or Atom feeds, polled with conditional GET'),
  mastodon: z
    .array(
      z
        .strictObject({
          instance: z.url({ protocol: /^https?$/ }).describe('The instance, e.g. https://mastodon.social'),
          hashtag: z.string().regex(/^#?[\p{L}\p{N}_]+$/u, 'must be a hashtag: letters, digits and _').transform((tag) => tag.replace(/^#/, '')).optional().describe('Read this hashtag\'s timeline'),
          search: z.string().trim().min(1).max(500).optional().describe('Or read the statuses this search finds (needs an access token and an instance with full-text search)'),
          accessToken: z.string().min(1).max(500).optional().describe('A token with the read:statuses scope; stored sealed, never returned'),
        })
        .refine((t) => (t.hashtag === undefined) !== (t.search === undefined), { message: 'give exactly one of hashtag or search', path: ['hashtag'] })
        .refine((t) => t.search === undefined || t.accessToken !== undefined, { message: 'Mastodon only searches statuses for a signed-in user: give an access token', path: ['accessToken'] }),
    )
    .max(20)
    .optional()
    .describe('Mastodon hashtag or search timelines, read from where the last read stopped'),
  push: z.boolean().optional().describe('Match the mentions other systems push to POST /v1/listening/ingest'),
});
type SourcesInput = z.infer<typeof sources>;

/** Each Mastodon timeline must answer as Mastodon does, with the token given; later failures are reported as health. */
async function checkMastodon(timelines: NonNullable<SourcesInput['mastodon']>): Promise<void> {
  const found: { field: string; rule: string; message: string }[] = [];
  await Promise.all(
    timelines.map(async (t, i) => {
      try {
        await checkTimeline(t);
      } catch (err) {
        if (err instanceof MastodonAuthRequired) found.push({ field: `sources.mastodon.${i}.accessToken`, rule: 'mastodon_token', message: `the instance wants a valid access token for this timeline (${err.message})` });
        else if (err instanceof NotMastodonError) found.push({ field: `sources.mastodon.${i}.instance`, rule: 'mastodon', message: `is not a Mastodon API (${err.message})` });
        else if (!(err instanceof MastodonRateLimited)) found.push({ field: `sources.mastodon.${i}.instance`, rule: 'reachable', message: `could not be read: ${err instanceof Error ? err.message : String(err)}` });
      }
    }),
  );
  if (found.length > 0) throw new Problem(422, 'Unprocessable Content', found.map((p) => `${p.field}: ${p.message}`).join('; '), found);
}

/** Each feed must answer with RSS or Atom now; later failures are reported as the source's health. */
async function checkFeeds(urls: string[]): Promise<void> {
  const problems = await Promise.all(
    urls.map(async (url, i) => {
      try {
        await fetchFeed(url);
        return undefined;
      } catch (err) {
        const message = err instanceof NotAFeedError ? `is not an RSS or Atom feed (${err.message})` : `could not be fetched: ${err instanceof Error ? err.message : String(err)}`;
        return { field: `sources.rss.${i}`, rule: 'feed', message };
      }
    }),
  );
  const found = problems.filter((p): p is NonNullable<typeof p> => p !== undefined);
  if (found.length > 0) throw new Problem(422, 'Unprocessable Content', found.map((p) => `${p.field}: ${p.message}`).join('; '), found);
}
const filters = z.strictObject({
  minLength: z.number().int().min(0).max(1000).optional(),
  languages: z.array(z.string().regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code')).optional(),
  blockAuthors: z.array(z.string().min(1)).optional(),
  blockDomains: z.array(z.string().min(1)).optional(),
});

const alerting = z.strictObject({
  windowSeconds: z.number().int().min(10).max(7 * 24 * 3600).optional().describe('Window compared with the ones before it (default 3600)'),
  baselineWindows: z.number().int().min(1).max(168).optional().describe('How many earlier windows form the baseline (default 12)'),
  minVolume: z.number().int().min(1).optional().describe('Fewer mentions than this in the window never alert (default 10)'),
  volumeFactor: z.number().min(1).optional().describe('Volume spike: more than this times the baseline mean (default 3)'),
  negativeShareIncrease: z.number().min(0).max(1).optional().describe('Negative spike: share of negatives this much above the baseline\'s, and at least half (default 0.2)'),
});

/** A query as answered: Mastodon tokens only as `hasAccessToken`. */
const queryView = z.object({
  id: z.uuid(),
  name: z.string(),
  expression: z.string(),
  kind: z.enum(['brand', 'competitor', 'topic']),
  sources: z.object({
    bluesky: z.object({ service: z.string(), plcUrl: z.string().optional(), fromCursor: z.number().optional() }).optional(),
    rss: z.array(z.string()).optional(),
    mastodon: z.array(z.object({ instance: z.string(), hashtag: z.string().optional(), search: z.string().optional(), hasAccessToken: z.boolean() })).optional(),
    push: z.boolean().optional(),
  }),
  filters: z.object({ minLength: z.number().optional(), languages: z.array(z.string()).optional(), blockAuthors: z.array(z.string()).optional(), blockDomains: z.array(z.string()).optional() }),
  alerting: z.object({ windowSeconds: z.number().optional(), baselineWindows: z.number().optional(), minVolume: z.number().optional(), volumeFactor: z.number().optional(), negativeShareIncrease: z.number().optional() }),
  status: z.enum(['active', 'paused', 'deleted']),
  workflowId: z.string(),
  createdAt: z.string(),
  listeningSince: z.string().describe('Since when the query has listened without a break (created, resumed, a source added)'),
  alertsFrom: z.string().describe('From then on its spike baseline holds only windows it listened through, and it can alert'),
});

/** A saved query, with what in it probably does not mean what was meant (it is saved as written). */
const savedQueryView = queryView.extend({
  warnings: z.array(z.object({ field: z.string(), rule: z.string(), message: z.string() })).describe('e.g. a lower-case "or" that is searched for as a word'),
});

/** From and to of a time series: both required, and a missing one says so. */
const requiredInstant = z.iso.datetime({
  offset: true,
  error: (issue) => (issue.input === undefined ? 'is required: an ISO-8601 date-time with a UTC offset, e.g. 2026-12-01T09:00:00+01:00' : 'must be an ISO-8601 date-time with a UTC offset, e.g. 2026-12-01T09:00:00+01:00'),
});

/** Whether `after` reads something `before` did not: its first read may bring history at once. */
function addsSources(before: ListeningSources, after: ListeningSources): boolean {
  const timelines = (s: ListeningSources) => (s.mastodon ?? []).map((t) => timelineKey(t));
  return (
    (after.bluesky !== undefined && (after.bluesky.service !== before.bluesky?.service || after.bluesky.fromCursor !== before.bluesky?.fromCursor)) ||
    (after.rss ?? []).some((url) => !before.rss?.includes(url)) ||
    timelines(after).some((t) => !timelines(before).includes(t)) ||
    (after.push === true && before.push !== true)
  );
}

/** At least one source, and every feed and Mastodon timeline answering as it should now. */
async function checkSources(given: SourcesInput): Promise<void> {
  if (!given.bluesky && !given.rss?.length && !given.mastodon?.length && !given.push) {
    throw invalidField('sources', 'one_source', 'name at least one source (bluesky, rss, mastodon or push)');
  }
  await Promise.all([given.rss?.length ? checkFeeds(given.rss) : undefined, given.mastodon?.length ? checkMastodon(given.mastodon) : undefined]);
}

/** Compiles the expression, or answers 422 with where it broke and what was expected. */
function checkExpression(expression: string): void {
  try {
    compileQuery(expression);
  } catch (err) {
    if (err instanceof QuerySyntaxError) {
      throw new Problem(422, 'Unprocessable Content', `expression: ${err.message}`, [{ field: 'expression', rule: 'syntax', message: err.message }]);
    }
    throw err;
  }
}

export const listeningRoutes: FastifyPluginAsyncZod = async (app) => {
  const queryOr404 = async (workspaceId: string, id: string) => {
    const row = await app.db.selectFrom('listening_queries').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).where('status', '!=', 'deleted').executeTakeFirst();
    if (!row) throw notFound('Listening query');
    return row;
  };
  /** Sources as stored: Mastodon access tokens sealed. */
  const sealSources = (input: SourcesInput): ListeningSources => ({
    ...input,
    mastodon: input.mastodon?.map(({ accessToken, ...t }) => ({ ...t, ...(accessToken ? { accessTokenSealed: app.sealer.seal(accessToken) } : {}) })),
  });
  /** Sources as shown: whether a token is set, never the token. */
  const showSources = (stored: ListeningSources) => ({
    ...stored,
    mastodon: stored.mastodon?.map(({ accessTokenSealed, ...t }) => ({ ...t, hasAccessToken: accessTokenSealed !== undefined })),
  });
  const view = (q: Awaited<ReturnType<typeof queryOr404>>) => ({
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
  const savedView = (q: Awaited<ReturnType<typeof queryOr404>>) => ({ ...view(q), warnings: queryWarnings(q.expression) });

  app.post(
    '/listening/queries',
    {
      onRequest: requireRole(Roles.listen),
      schema: {
        summary: 'Start listening: a boolean query over sources, with noise filters; tagged brand or competitor for share of voice',
        tags: ['listening'],
        body: z.strictObject({ name: z.string().trim().min(1).max(200), expression: z.string().min(1).max(2000), kind: z.enum(['brand', 'competitor', 'topic']).default('brand'), sources, filters: filters.default({}), alerting: alerting.default({}) }),
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
        await trx
          .insertInto('listening_queries')
          .values({ id, workspace_id: caller.workspaceId, name: body.name, expression: body.expression, kind: body.kind, sources: JSON.stringify(sealSources(body.sources)), filters: JSON.stringify(body.filters), alerting: JSON.stringify(body.alerting), status: 'active', workflow_id: workflowId, created_by: caller.userId, updated_at: new Date() })
          .execute();
        await appendAudit(trx, { workspaceId: caller.workspaceId, actorId: caller.userId, action: 'listening_query.created', subjectType: 'listening_query', subjectId: id, after: { name: body.name, expression: body.expression, kind: body.kind } });
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

  app.get(
    '/listening/queries',
    { onRequest: requireRole(Roles.read), schema: { summary: 'Listening queries of your workspace', tags: ['listening'], response: { 200: z.object({ queries: z.array(queryView) }) } } },
    async (request) => {
      const rows = await app.db.selectFrom('listening_queries').selectAll().where('workspace_id', '=', callerOf(request).workspaceId).where('status', '!=', 'deleted').orderBy('created_at').execute();
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
        response: {
          200: queryView.extend({
            mentions: z.number().int(),
            filteredByReason: z.record(z.string(), z.number().int()),
            feeds: z.array(z.object({ url: z.string(), healthy: z.boolean(), lastError: z.string().nullable(), checkedAt: z.string() })),
            mastodon: z.array(z.object({ timeline: z.string(), position: z.string().nullable(), healthy: z.boolean(), rateLimitedUntil: z.string().nullable(), lastError: z.string().nullable(), checkedAt: z.string() })),
            live: z
              .object({ runs: z.number().int(), processed: z.number().int(), stored: z.number().int(), filtered: z.number().int(), malformed: z.number().int(), sourceHealthy: z.boolean(), lastError: z.string().nullable(), paused: z.boolean() })
              .nullable()
              .describe('The listening loop: its reads (runs, processed, malformed, health) and what the query has stored and filtered from every source'),
          }),
        },
      },
    },
    async (request) => {
      const q = await queryOr404(callerOf(request).workspaceId, request.params.id);
      const [counts, loop] = await Promise.all([
        storedCounts(app.db, q.id),
        app.temporal.workflow.getHandle(q.workflow_id).query(listeningCountersQuery).catch(() => null),
      ]);
      // Stored and filtered come from the database, so a push or a read still under way shows at once.
      const live = loop && { ...loop, stored: counts.stored, filtered: counts.filtered };
      const [feeds, timelines] = await Promise.all([
        app.db.selectFrom('feed_states').select(['url', 'healthy', 'last_error', 'checked_at']).where('query_id', '=', q.id).execute(),
        app.db.selectFrom('mastodon_states').selectAll().where('query_id', '=', q.id).execute(),
      ]);
      return {
        ...view(q),
        mentions: counts.stored,
        filteredByReason: counts.filteredByReason,
        feeds: feeds.map((f) => ({ url: f.url, healthy: f.healthy, lastError: f.last_error, checkedAt: f.checked_at.toISOString() })),
        mastodon: timelines.map((t) => ({ timeline: t.timeline, position: t.position, healthy: t.healthy, rateLimitedUntil: t.paused_until?.toISOString() ?? null, lastError: t.last_error, checkedAt: t.checked_at.toISOString() })),
        live,
      };
    },
  );

  app.patch(
    '/listening/queries/:id',
    {
      onRequest: requireRole(Roles.listen),
      schema: {
        summary: 'Change a query; the listening loop picks the change up at once. `sources` replaces all sources (send Mastodon tokens again)',
        tags: ['listening'],
        params: idParams,
        body: z.strictObject({ name: z.string().trim().min(1).max(200).optional(), expression: z.string().min(1).max(2000).optional(), sources: sources.optional(), filters: filters.optional(), alerting: alerting.optional() }),
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
      const serviceChanged = sealed !== undefined && (sealed.bluesky?.service !== q.sources.bluesky?.service || sealed.bluesky?.fromCursor !== q.sources.bluesky?.fromCursor);
      await app.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('listening_queries')
          .set({
            ...(body.name ? { name: body.name } : {}),
            ...(body.expression ? { expression: body.expression } : {}),
            ...(sealed ? { sources: JSON.stringify(sealed) } : {}),
            ...(serviceChanged ? { bluesky_cursor: null } : {}),
            // A new source's first read may bring history at once: the spike baseline starts again.
            ...(sealed && addsSources(q.sources, sealed) ? { listening_since: new Date() } : {}),
            ...(body.filters ? { filters: JSON.stringify(body.filters) } : {}),
            ...(body.alerting ? { alerting: JSON.stringify(body.alerting) } : {}),
            updated_at: new Date(),
          })
          .where('id', '=', q.id)
          .execute();
        if (sealed) {
          // Forget the read positions and health of sources no longer listed: re-adding one later starts afresh.
          const timelines = (sealed.mastodon ?? []).map((t) => timelineKey(t));
          let staleTimelines = trx.deleteFrom('mastodon_states').where('query_id', '=', q.id);
          if (timelines.length) staleTimelines = staleTimelines.where('timeline', 'not in', timelines);
          await staleTimelines.execute();
          let staleFeeds = trx.deleteFrom('feed_states').where('query_id', '=', q.id);
          if (sealed.rss?.length) staleFeeds = staleFeeds.where('url', 'not in', sealed.rss);
          await staleFeeds.execute();
        }
        await appendAudit(trx, {
          workspaceId: caller.workspaceId,
          actorId: caller.userId,
          action: 'listening_query.updated',
          subjectType: 'listening_query',
          subjectId: q.id,
          before: { name: q.name, expression: q.expression, filters: q.filters, ...(sealed ? { sources: showSources(q.sources) } : {}) },
          after: { ...body, ...(sealed ? { sources: showSources(sealed) } : {}) },
        });
      });
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
      { onRequest: requireRole(Roles.listen), schema: { summary: `${action[0]!.toUpperCase()}${action.slice(1)} listening`, tags: ['listening'], params: idParams, response: { 200: queryView } } },
      async (request) => {
        const caller = callerOf(request);
        const q = await queryOr404(caller.workspaceId, request.params.id);
        // The paused windows were not watched: after a pause the spike baseline starts again.
        const resumed = status === 'active' && q.status === 'paused';
        await app.db.updateTable('listening_queries').set({ status, ...(resumed ? { listening_since: new Date() } : {}), updated_at: new Date() }).where('id', '=', q.id).execute();
        await app.temporal.workflow.getHandle(q.workflow_id).signal(signal);
        return view(await queryOr404(caller.workspaceId, q.id));
      },
    );
  }

  app.delete(
    '/listening/queries/:id',
    { onRequest: requireRole(Roles.listen), schema: { summary: 'Stop listening for good (mentions are kept)', tags: ['listening'], params: idParams } },
    async (request, reply) => {
      const caller = callerOf(request);
      const q = await queryOr404(caller.workspaceId, request.params.id);
      await app.db.updateTable('listening_queries').set({ status: 'deleted', updated_at: new Date() }).where('id', '=', q.id).execute();
      await app.temporal.workflow.getHandle(q.workflow_id).signal(stopListeningSignal);
      return reply.code(204).send();
    },
  );

  app.get(
    '/mentions',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Mentions, newest first',
        tags: ['listening'],
        querystring: z.strictObject({
          queryId: z.uuid().optional(),
          source: z.string().optional(),
          sentiment: z.enum(SENTIMENTS).optional(),
          from: isoInstant.optional(),
          to: isoInstant.optional(),
          lead: z.enum(['true', 'false']).optional().describe('Only mentions with buying intent'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      let query = app.db.selectFrom('mentions').selectAll().where('workspace_id', '=', callerOf(request).workspaceId);
      if (q.queryId) query = query.where('query_id', '=', q.queryId);
      if (q.source) query = query.where('source', '=', q.source);
      if (q.sentiment) query = query.where(sql<boolean>`coalesce(corrected_label, sentiment_label) = ${q.sentiment}`);
      if (q.from) query = query.where('posted_at', '>=', new Date(q.from));
      if (q.to) query = query.where('posted_at', '<', new Date(q.to));
      if (q.lead) query = query.where('lead', '=', q.lead === 'true');
      const rows = await query.orderBy('posted_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
      return {
        mentions: rows.map((m) => ({
          id: m.id,
          queryId: m.query_id,
          source: m.source,
          sourceId: m.source_id,
          author: m.author,
          text: m.text,
          lang: m.lang,
          url: m.url,
          postedAt: m.posted_at.toISOString(),
          sentiment: { score: m.sentiment_score, label: m.corrected_label ?? m.sentiment_label, computed: m.sentiment_label, corrected: m.corrected_label !== null },
          lead: m.lead,
          tags: m.tags,
        })),
      };
    },
  );

  app.patch(
    '/mentions/:id',
    {
      onRequest: requireRole(Roles.listen),
      schema: { summary: 'Correct a mention\'s sentiment (statistics use the correction) or tag it', tags: ['listening'], params: z.strictObject({ id: z.string().regex(/^\d+$/) }), body: z.strictObject({ sentiment: z.enum(SENTIMENTS).optional(), tags: z.array(z.string().trim().min(1).max(50)).max(50).optional() }) },
    },
    async (request) => {
      const caller = callerOf(request);
      const updated = await app.db
        .updateTable('mentions')
        .set({ ...(request.body.sentiment ? { corrected_label: request.body.sentiment } : {}), ...(request.body.tags ? { tags: request.body.tags } : {}) })
        .where('id', '=', request.params.id)
        .where('workspace_id', '=', caller.workspaceId)
        .returning(['id', 'corrected_label', 'sentiment_label', 'tags'])
        .executeTakeFirst();
      if (!updated) throw notFound('Mention');
      return { id: updated.id, sentiment: updated.corrected_label ?? updated.sentiment_label, tags: updated.tags };
    },
  );

  app.get(
    '/alerts',
    {
      onRequest: requireRole(Roles.read),
      schema: { summary: 'Spike (crisis) alerts, newest first: one per episode', tags: ['listening'], querystring: z.strictObject({ status: z.enum(['open', 'closed']).optional(), queryId: z.uuid().optional() }) },
    },
    async (request) => {
      let query = app.db.selectFrom('alerts').selectAll().where('workspace_id', '=', callerOf(request).workspaceId);
      if (request.query.status) query = query.where('status', '=', request.query.status);
      if (request.query.queryId) query = query.where('query_id', '=', request.query.queryId);
      const rows = await query.orderBy('opened_at', 'desc').limit(200).execute();
      return {
        alerts: rows.map((a) => ({
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
    { onRequest: requireRole(Roles.listen), schema: { summary: 'Acknowledge an alert (someone is on it)', tags: ['listening'], params: idParams } },
    async (request) => {
      const caller = callerOf(request);
      const updated = await app.db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('alerts')
          .set({ acknowledged_by: caller.userId, acknowledged_at: new Date() })
          .where('id', '=', request.params.id)
          .where('workspace_id', '=', caller.workspaceId)
          .where('acknowledged_at', 'is', null)
          .returning(['id', 'query_id'])
          .executeTakeFirst();
        if (row) await appendAudit(trx, { workspaceId: caller.workspaceId, actorId: caller.userId, action: 'alert.acknowledged', subjectType: 'alert', subjectId: row.id });
        return row;
      });
      if (!updated) throw notFound('Unacknowledged alert');
      return { id: updated.id, acknowledgedBy: caller.userId };
    },
  );

  app.get(
    '/listening/trends',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Top terms, hashtags, links and authors in a window against the previous one, rising first',
        tags: ['listening'],
        querystring: z.strictObject({ queryId: z.uuid().optional(), hours: z.coerce.number().int().min(1).max(24 * 30).default(24), limit: z.coerce.number().int().min(1).max(100).default(20) }),
      },
    },
    async (request) => {
      const { queryId, hours, limit } = request.query;
      const windowMs = hours * 3600_000;
      const now = Date.now();
      let query = app.db
        .selectFrom('mentions')
        .select(['text', 'author', 'posted_at'])
        .where('workspace_id', '=', callerOf(request).workspaceId)
        .where('posted_at', '>=', new Date(now - 2 * windowMs));
      if (queryId) query = query.where('query_id', '=', queryId);
      const rows = await query.limit(50_000).execute();
      const cut = now - windowMs;
      return {
        window: { from: new Date(cut).toISOString(), to: new Date(now).toISOString(), previousFrom: new Date(now - 2 * windowMs).toISOString() },
        ...trends(rows.filter((r) => r.posted_at.getTime() >= cut), rows.filter((r) => r.posted_at.getTime() < cut), limit),
      };
    },
  );

  app.get(
    '/listening/share-of-voice',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Share of voice over time across brand and competitor queries',
        tags: ['listening'],
        querystring: z.strictObject({ from: requiredInstant, to: requiredInstant, interval: z.enum(['hour', 'day', 'week']).default('day') }),
        response: {
          200: z.object({
            series: z.array(z.object({ at: z.string(), total: z.number().int(), queries: z.array(z.object({ queryId: z.uuid(), name: z.string(), kind: z.string(), volume: z.number().int(), share: z.number() })) })),
          }),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await app.db
        .selectFrom('mentions as m')
        .innerJoin('listening_queries as lq', 'lq.id', 'm.query_id')
        .select(['lq.id as queryId', 'lq.name', 'lq.kind', sql<Date>`date_trunc(${q.interval}, m.posted_at)`.as('bucket'), sql<number>`count(*)::int`.as('volume')])
        .where('m.workspace_id', '=', callerOf(request).workspaceId)
        .where('lq.kind', 'in', ['brand', 'competitor'])
        .where('m.posted_at', '>=', new Date(q.from))
        .where('m.posted_at', '<', new Date(q.to))
        .groupBy(['lq.id', 'lq.name', 'lq.kind', 'bucket'])
        .orderBy('bucket')
        .execute();
      const buckets = [...new Set(rows.map((r) => new Date(r.bucket).toISOString()))];
      return {
        series: buckets.map((at) => {
          const inBucket = rows.filter((r) => new Date(r.bucket).toISOString() === at);
          const total = inBucket.reduce((sum, r) => sum + r.volume, 0);
          return { at, total, queries: inBucket.map((r) => ({ queryId: r.queryId, name: r.name, kind: r.kind, volume: r.volume, share: total ? r.volume / total : 0 })) };
        }),
      };
    },
  );

  app.get(
    '/listening/stats',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Volume and sentiment mix per query over time (corrections count)',
        tags: ['listening'],
        querystring: z.strictObject({ queryId: z.uuid().optional(), from: requiredInstant, to: requiredInstant, interval: z.enum(['hour', 'day']).default('day') }),
        response: {
          200: z.object({
            series: z.array(z.object({ queryId: z.uuid(), at: z.string(), volume: z.number().int(), positive: z.number().int(), negative: z.number().int(), neutral: z.number().int() })),
          }),
        },
      },
    },
    async (request) => {
      const q = request.query;
      let query = app.db
        .selectFrom('mentions')
        .select([
          'query_id',
          sql<Date>`date_trunc(${q.interval}, posted_at)`.as('bucket'),
          sql<number>`count(*)::int`.as('volume'),
          sql<number>`count(*) filter (where coalesce(corrected_label, sentiment_label) = 'positive')::int`.as('positive'),
          sql<number>`count(*) filter (where coalesce(corrected_label, sentiment_label) = 'negative')::int`.as('negative'),
          sql<number>`count(*) filter (where coalesce(corrected_label, sentiment_label) = 'neutral')::int`.as('neutral'),
        ])
        .where('workspace_id', '=', callerOf(request).workspaceId)
        .where('posted_at', '>=', new Date(q.from))
        .where('posted_at', '<', new Date(q.to));
      if (q.queryId) query = query.where('query_id', '=', q.queryId);
      const rows = await query.groupBy(['query_id', 'bucket']).orderBy('bucket').execute();
      return { series: rows.map((r) => ({ queryId: r.query_id, at: new Date(r.bucket).toISOString(), volume: r.volume, positive: r.positive, negative: r.negative, neutral: r.neutral })) };
    },
  );
};
