import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import compress from '@fastify/compress';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ChannelAdapters } from '../channels/registry';
import type { OAuthSetup } from '../channels/oauth-registry';
import type { MediaStorage } from '../content/media';
import type { MediaUrlSigner } from '../content/media-urls';
import type { Db } from '../db/database';
import type { Sealer } from '../db/sealing';
import type { SessionPolicy } from '../db/sessions';
import type { Mailer } from '../notifications/mailer';
import type { Access } from '../contracts/access';
import { CallerCache } from './caller-cache';
import { accessOf } from './plugins/auth';
import { answerClientError, answerFrameworkError, errorsPlugin } from './plugins/errors';
import { Problem, titleFor } from './problems';
import { inputPlugin, parseQueryString } from './plugins/input';
import { analyticsRoutes, shortLinkRedirect } from './routes/analytics';
import { analyticsReportRoutes } from './routes/analytics-reports';
import { approvalRoutes } from './routes/approvals';
import { auditRoutes } from './routes/audit';
import { calendarRoutes } from './routes/calendar';
import { campaignRoutes } from './routes/campaigns';
import { channelRoutes } from './routes/channels';
import { channelConnectRoutes } from './routes/channel-connect';
import { memberRoutes } from './routes/members';
import { tokenRoutes } from './routes/tokens';
import { invitationRoutes } from './routes/invitations';
import { healthRoutes } from './routes/health';
import { importRoutes } from './routes/imports';
import { inboxRoutes } from './routes/inbox';
import { libraryRoutes } from './routes/library';
import { inboxIngestRoutes } from './routes/inbox/ingest';
import { instagramWebhookRoutes } from './routes/inbox/instagram-webhook';
import { listeningRoutes } from './routes/listening';
import { postRoutes } from './routes/posts';
import { recurrenceRoutes } from './routes/recurrences';
import { sessionRoutes } from './routes/session';
import { registerWeb } from './web';

export interface AppDeps {
  db: Db;
  temporal: Client;
  adapters: ChannelAdapters;
  sealer: Sealer;
  taskQueue: string;
  media: MediaStorage;
  /** Checks the signed media URLs Instagram and Threads fetch (GET /v1/media/{id}/shared); unset: none are served. */
  mediaUrls?: MediaUrlSigner;
  /** Sends invitation codes by email, when SMTP is configured. */
  mailer?: Mailer;
  /** The built web app to serve at `/` (api/web.ts defaultWebRoot); unset: the API alone. */
  webRoot?: string;
  /** How long each firehose read of a listening query runs before its loop takes stock (ms). */
  listeningRunMs?: number;
  /** How long signed-in sessions last (SESSION_IDLE_HOURS, SESSION_MAX_DAYS); DEFAULT_SESSION_POLICY otherwise. */
  sessionPolicy?: SessionPolicy;
  /** The Temporal UI the web app links to (TEMPORAL_UI_URL, or the dev server's under `npm start`). */
  temporalUiUrl?: string | null;
  /** WEEKLY_REPORT_TIME_SCALE: the weekly report's "next" is told at the worker's scale. */
  weeklyReportTimeScale?: number;
  /** The OAuth networks' providers and configured clients; unset: none configured. */
  oauth?: OAuthSetup;
  /** INSTAGRAM_WEBHOOK_VERIFY_TOKEN: the Verify Token of Meta's Instagram webhook; unset: its subscription is refused. */
  instagramWebhookVerifyToken?: string;
  /**
   * Where people open the web app (CHORUS_APP_URL): the OAuth callback sends the browser back there,
   * the weekly report's dashboard link points there, and short links (`/l/<code>`) are served there
   * (previews show a campaign's links on it).
   */
  appUrl?: string;
  /**
   * The database the caller cache LISTENs on for revoked tokens, removed members and ended
   * sessions (api/caller-cache.ts); unset: no cache, every request looks its caller up (the
   * embedded PGlite, whose socket server does not deliver notifications across connections).
   */
  callerCacheDatabaseUrl?: string;
}

/** A route as registered: its method, URL and the access it declares (none: it takes no member). */
export interface RouteAccess {
  method: string;
  url: string;
  access: Access | undefined;
}

declare module 'fastify' {
  // Merges the dependencies into Fastify's instance type.
  interface FastifyInstance extends AppDeps {
    /** Every route registered, with the roles and scope its requireRole declares (tests read it). */
    routeAccess: RouteAccess[];
    /** Resolves bearer tokens and session cookies to callers, kept in memory while nothing changed them. */
    callers: CallerCache;
  }
}

/** The Chorus HTTP API as a Fastify instance, not yet listening (tests call `inject`). */
export async function buildApp(deps: AppDeps, options: FastifyServerOptions = {}) {
  const app = Fastify({
    logger: { level: 'info' },
    routerOptions: { querystringParser: parseQueryString },
    // What fails before a route is found (a bad path, an over-long one, an over-large request line) is a problem document too.
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    ...options,
  }).withTypeProvider<ZodTypeProvider>();
  app.setSerializerCompiler(serializerCompiler);
  for (const [key, value] of Object.entries(deps)) app.decorate(key, value);
  const callers = new CallerCache({ db: deps.db, url: deps.callerCacheDatabaseUrl, log: app.log });
  app.decorate('callers', callers);
  // Before the pool closes (the entry points close the app first): the listener's connection goes too.
  app.addHook('onClose', () => callers.close());
  const routeAccess: RouteAccess[] = [];
  app.decorate('routeAccess', routeAccess);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat())
      if (method !== 'HEAD') routeAccess.push({ method, url: route.url, access: accessOf(route) });
  });

  // gzip or brotli for answers over 1 KiB when the client accepts it: the app's scripts, JSON lists.
  await app.register(compress, { threshold: 1024 });
  await app.register(errorsPlugin);
  // Before any route: it checks each route's input schemas as the route registers.
  await app.register(inputPlugin);
  // Signed-in browsers carry the `chorus_session` cookie; routes opt in to rate limits (sign-in).
  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new Problem(
        context.statusCode,
        titleFor(context.statusCode),
        `Too many attempts; try again in ${context.after}`,
        [],
        { 'retry-after': String(Math.ceil(context.ttl / 1000)) },
      ),
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Chorus API',
        version: '1',
        description: 'Publish, govern, listen and engage across social networks.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'chorus_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

  if (deps.webRoot) await registerWeb(app, deps.webRoot);
  await app.register(healthRoutes);
  await app.register(channelRoutes, { prefix: '/v1' });
  await app.register(channelConnectRoutes, { prefix: '/v1' });
  await app.register(postRoutes, { prefix: '/v1' });
  await app.register(importRoutes, { prefix: '/v1' });
  await app.register(recurrenceRoutes, { prefix: '/v1' });
  await app.register(libraryRoutes, { prefix: '/v1' });
  await app.register(listeningRoutes, { prefix: '/v1' });
  await app.register(memberRoutes, { prefix: '/v1' });
  await app.register(tokenRoutes, { prefix: '/v1' });
  await app.register(invitationRoutes, { prefix: '/v1' });
  await app.register(sessionRoutes, { prefix: '/v1' });
  await app.register(auditRoutes, { prefix: '/v1' });
  await app.register(approvalRoutes, { prefix: '/v1' });
  await app.register(campaignRoutes, { prefix: '/v1' });
  await app.register(calendarRoutes, { prefix: '/v1' });
  await app.register(inboxRoutes, { prefix: '/v1' });
  await app.register(analyticsRoutes, { prefix: '/v1' });
  await app.register(analyticsReportRoutes, { prefix: '/v1' });
  await app.register(shortLinkRedirect);
  await app.register(inboxIngestRoutes, { prefix: '/v1' });
  await app.register(instagramWebhookRoutes, { prefix: '/v1' });
  return app;
}

export type ChorusApp = Awaited<ReturnType<typeof buildApp>>;
