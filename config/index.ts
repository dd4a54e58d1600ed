import path from 'node:path';
import { z } from 'zod';
import { OAUTH_PROVIDERS, type OAuthProviderName } from '../contracts/domain';
import { DEFAULT_APP_URL } from '../contracts/shared';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

/**
 * Every setting Chorus reads from the environment, parsed once at boot. Unset settings select the
 * embedded defaults: a Temporal dev server and PGlite, both keeping their data under CHORUS_DATA_DIR.
 */
export const configSchema = z.object({
  CHORUS_DATA_DIR: z.string().default('.chorus'),
  /** Where uploaded media are kept; default CHORUS_DATA_DIR/media. */
  MEDIA_DIR: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DATABASE_URL: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** The worker's inbox reads' own connections (beside DATABASE_POOL_SIZE): conversation activities cannot take them. */
  INBOX_READS_DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(5),
  PGLITE_PORT: port(54329),

  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_TLS: booleanFlag,
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  TEMPORAL_TLS_CA_PATH: optionalString,
  TEMPORAL_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  TEMPORAL_CLI_PATH: optionalString,
  CHORUS_TASK_QUEUE: z.string().min(1).default('chorus-publishing'),
  /**
   * How many workflows a worker keeps in memory between their tasks (Temporal's sticky cache, about
   * half a megabyte each); one evicted is replayed from its history at its next task. Unset: the
   * SDK's default from the heap size (about 2,300 on a 4 GB heap).
   */
  CHORUS_WORKER_CACHED_WORKFLOWS: optionalString.pipe(
    z.coerce.number<string | undefined>().int().min(2).max(100_000).optional(),
  ),
  /**
   * How many threads a worker runs its workflows' code on (each with its own copy of the workflow
   * code, so more memory). Unset: the SDK's default, one: a burst of workflow tasks then waits on a
   * single core however many the machine has.
   */
  CHORUS_WORKER_WORKFLOW_THREADS: optionalString.pipe(
    z.coerce.number<string | undefined>().int().min(1).max(64).optional(),
  ),

  /** SMTP server for email notifications (smtp:// or smtps://, credentials in the URL); unset: webhook only. */
  SMTP_URL: optionalString.pipe(z.url({ protocol: /^smtps?$/ }).optional()),
  MAIL_FROM: z.string().min(3).default('Chorus <chorus@localhost>'),
  /** Link cards on Bluesky posts: `off` publishes links without them. */
  LINK_CARDS: z.enum(['on', 'off']).default('on'),
  /** Let link cards fetch pages on private, loopback and link-local addresses (an intranet install). */
  LINK_CARDS_ALLOW_PRIVATE: booleanFlag,
  /** Let webhook channels and the notification webhook deliver to private, loopback and link-local addresses (an intranet install). */
  WEBHOOKS_ALLOW_PRIVATE: booleanFlag,

  /** How often the inbox reads each connected Bluesky and Mastodon channel (seconds; fractions for tests). */
  CHORUS_INBOX_POLL_SECONDS: z.coerce.number().min(0.1).max(3600).default(30),
  /**
   * The Bluesky appview the inbox reads notifications from, through each account's PDS
   * (`atproto-proxy: <did>#bsky_appview`), e.g. did:web:api.bsky.app; unset: the PDS's own choice.
   */
  BLUESKY_APPVIEW_DID: optionalString.pipe(
    z
      .string()
      .regex(/^did:[a-z]+:[A-Za-z0-9._:%-]+$/, 'must be a DID such as did:web:api.bsky.app')
      .optional(),
  ),
  /**
   * Divides the analytics intervals (snapshots at +1h ... +30d, the daily followers read): 1 in
   * production; 3600 makes an hour a second (tests, demos).
   */
  METRICS_TIME_SCALE: z.coerce.number().min(1).max(86_400).default(1),
  /** Divides the weekly report's week (tests: 151,200 makes it 4 s); unset: METRICS_TIME_SCALE. */
  WEEKLY_REPORT_TIME_SCALE: optionalString.pipe(z.coerce.number<string | undefined>().min(1).max(604_800).optional()),

  /** X's API (posts, media, users, the OAuth 2.0 token endpoint /2/oauth2/token); tests point it at a fake. */
  X_API_URL: z.url({ protocol: /^https?$/ }).default('https://api.x.com'),
  /** X's authorization page, where a user grants Chorus access. */
  X_AUTHORIZE_URL: z.url({ protocol: /^https?$/ }).default('https://x.com/i/oauth2/authorize'),
  /** LinkedIn's API (the versioned /rest endpoints and /v2/userinfo). */
  LINKEDIN_API_URL: z.url({ protocol: /^https?$/ }).default('https://api.linkedin.com'),
  /** LinkedIn's OAuth 2.0 endpoints: <this>/authorization and <this>/accessToken. */
  LINKEDIN_OAUTH_URL: z.url({ protocol: /^https?$/ }).default('https://www.linkedin.com/oauth/v2'),
  /** The LinkedIn-Version (YYYYMM) Chorus speaks; LinkedIn supports each version for a year. */
  LINKEDIN_VERSION: z
    .string()
    .regex(/^\d{6}$/, 'must be a LinkedIn API version as YYYYMM, e.g. 202510')
    .default('202510'),
  /** Facebook's Graph API, versioned (Facebook Pages and Instagram channels; tests point it at a fake). */
  FACEBOOK_GRAPH_URL: z.url({ protocol: /^https?$/ }).default('https://graph.facebook.com/v26.0'),
  /** Facebook Login's dialog, where a user grants Chorus access to Pages (and their Instagram accounts); unset: www.facebook.com with FACEBOOK_GRAPH_URL's version. */
  FACEBOOK_DIALOG_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  /** The Threads API, versioned. */
  THREADS_API_URL: z.url({ protocol: /^https?$/ }).default('https://graph.threads.net/v1.0'),
  /** Threads' authorization window. */
  THREADS_AUTHORIZE_URL: z.url({ protocol: /^https?$/ }).default('https://threads.net/oauth/authorize'),
  /** How long a signed media URL handed to Instagram or Threads stays valid (seconds). */
  MEDIA_URL_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 86_400)
    .default(86_400),

  /** `npm start -- --sandbox`: fixed ports, so the local Bluesky's accounts and the channels on it survive restarts. */
  SANDBOX_PDS_PORT: port(2583),
  SANDBOX_PLC_PORT: port(2582),

  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port(3000),
  /** Where people open the web app: the owner's sign-in link of `chorus workspace create` starts with it (default http://127.0.0.1:3000). */
  CHORUS_APP_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  /** The Temporal UI the web app links to (`npm start` sets its dev server's); unset: no link. */
  TEMPORAL_UI_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  /** A signed-in session ends after this many hours without a request... */
  SESSION_IDLE_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 365)
    .default(12),
  /** ...and this many days after sign-in at the latest. */
  SESSION_MAX_DAYS: z.coerce.number().positive().max(365).default(7),
  /**
   * How often the worker signs a checkpoint of each audit chain that moved and sends it to the
   * workspace's notification webhook: rows newer than the last checkpoint sent can be deleted unseen.
   */
  CHORUS_AUDIT_CHECKPOINT_SECONDS: z.coerce.number().min(1).max(86_400).default(60),
  /**
   * Each OAuth network's app (its developer portal's client id and secret). A network without its
   * client id is listed as not configured. Redirect URI to register: CHORUS_APP_URL +
   * /v1/channels/callback/<network>. Instagram (Instagram API with Facebook Login) is an app of
   * Meta's like Facebook's: unset, it uses FACEBOOK_CLIENT_ID and FACEBOOK_CLIENT_SECRET. Threads
   * has an app id of its own.
   */
  X_CLIENT_ID: optionalString,
  X_CLIENT_SECRET: optionalString,
  LINKEDIN_CLIENT_ID: optionalString,
  LINKEDIN_CLIENT_SECRET: optionalString,
  FACEBOOK_CLIENT_ID: optionalString,
  FACEBOOK_CLIENT_SECRET: optionalString,
  INSTAGRAM_CLIENT_ID: optionalString,
  INSTAGRAM_CLIENT_SECRET: optionalString,
  THREADS_CLIENT_ID: optionalString,
  THREADS_CLIENT_SECRET: optionalString,
  /**
   * The Verify Token entered for Meta's Instagram webhook (`/v1/inbox/webhooks/instagram`): its
   * subscription check is answered only with it. Deliveries verify with the Instagram app's secret.
   */
  INSTAGRAM_WEBHOOK_VERIFY_TOKEN: optionalString,
  /**
   * 32 random bytes, base64. Without it the embedded setup keeps a generated key in CHORUS_DATA_DIR.
   * Seals channel credentials and (through a key derived from it) the audit chain.
   */
  CHORUS_ENCRYPTION_KEY: optionalString.pipe(
    z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes encoded as base64')
      .optional(),
  ),
});

export type Config = z.infer<typeof configSchema>;

/** Where people open the web app and networks fetch media (CHORUS_APP_URL), without a trailing slash. */
export function appUrl(config: Pick<Config, 'CHORUS_APP_URL'>): string {
  return (config.CHORUS_APP_URL ?? DEFAULT_APP_URL).replace(/\/+$/, '');
}

/** One network's OAuth client (channels/oauth.ts OAuthClientConfig). */
interface OAuthClient {
  clientId: string;
  clientSecret: string | null;
  redirectUri: string;
}

/** Each OAuth network's client, from `<NETWORK>_CLIENT_ID` and `<NETWORK>_CLIENT_SECRET`; absent when not configured. */
export function oauthClients(config: Config): Partial<Record<OAuthProviderName, OAuthClient>> {
  const meta = { id: config.FACEBOOK_CLIENT_ID, secret: config.FACEBOOK_CLIENT_SECRET };
  const apps: Record<OAuthProviderName, { id: string | undefined; secret: string | undefined }> = {
    x: { id: config.X_CLIENT_ID, secret: config.X_CLIENT_SECRET },
    linkedin: { id: config.LINKEDIN_CLIENT_ID, secret: config.LINKEDIN_CLIENT_SECRET },
    facebook: meta,
    instagram: config.INSTAGRAM_CLIENT_ID
      ? { id: config.INSTAGRAM_CLIENT_ID, secret: config.INSTAGRAM_CLIENT_SECRET }
      : meta,
    threads: { id: config.THREADS_CLIENT_ID, secret: config.THREADS_CLIENT_SECRET },
  };
  const clients: Partial<Record<OAuthProviderName, OAuthClient>> = {};
  for (const provider of OAUTH_PROVIDERS) {
    const app = apps[provider];
    if (app.id)
      clients[provider] = {
        clientId: app.id,
        clientSecret: app.secret ?? null,
        redirectUri: oauthRedirectUri(config, provider),
      };
  }
  return clients;
}

/** Where a network sends the browser back after its consent page: register this URL with the network's app. */
export function oauthRedirectUri(config: Pick<Config, 'CHORUS_APP_URL'>, provider: OAuthProviderName): string {
  return `${appUrl(config)}/v1/channels/callback/${provider}`;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment, or throws one error naming every bad variable and its rule. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export function dataPath(config: Config, ...parts: string[]): string {
  return path.resolve(config.CHORUS_DATA_DIR, ...parts);
}

/** How the worker's inbound inbox read runs (activities/inbox.ts). */
export function inboxReadOptions(config: Config) {
  return {
    pollMs: Math.round(config.CHORUS_INBOX_POLL_SECONDS * 1000),
    ...(config.BLUESKY_APPVIEW_DID ? { blueskyAppviewDid: config.BLUESKY_APPVIEW_DID } : {}),
  };
}

/** The channel adapters' options this configuration asks for. */
export function adapterOptions(config: Config) {
  return {
    linkCards:
      config.LINK_CARDS === 'on' ? { allowPrivateAddresses: config.LINK_CARDS_ALLOW_PRIVATE } : (false as const),
    webhooks: { allowPrivateAddresses: config.WEBHOOKS_ALLOW_PRIVATE },
    blueskyAppviewDid: config.BLUESKY_APPVIEW_DID,
    ...networkEndpoints(config),
  };
}

/** Where the OAuth networks' APIs and authorization pages are (the adapters and OAuth providers take them). */
export function networkEndpoints(config: Config) {
  return {
    x: { apiUrl: config.X_API_URL, authorizeUrl: config.X_AUTHORIZE_URL },
    linkedin: {
      apiUrl: config.LINKEDIN_API_URL,
      oauthUrl: config.LINKEDIN_OAUTH_URL,
      version: config.LINKEDIN_VERSION,
    },
    meta: {
      graphUrl: config.FACEBOOK_GRAPH_URL,
      threadsUrl: config.THREADS_API_URL,
      ...(config.FACEBOOK_DIALOG_URL ? { dialogUrl: config.FACEBOOK_DIALOG_URL } : {}),
      threadsAuthorizeUrl: config.THREADS_AUTHORIZE_URL,
    },
  };
}

export function mediaDir(config: Config): string {
  return config.MEDIA_DIR ? path.resolve(config.MEDIA_DIR) : dataPath(config, 'media');
}

/** How long signed-in sessions last, from SESSION_IDLE_HOURS and SESSION_MAX_DAYS. */
export function sessionPolicy(config: Config): { idleMs: number; maxMs: number } {
  return { idleMs: config.SESSION_IDLE_HOURS * 3600_000, maxMs: config.SESSION_MAX_DAYS * 24 * 3600_000 };
}
