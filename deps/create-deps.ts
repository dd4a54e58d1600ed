import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { createChannelAdapters, type ChannelAdapters } from '../channels/registry';
import { createOAuthProviders, type OAuthProviders, type OAuthSetup } from '../channels/oauth-registry';
import type { OAuthClientConfig } from '../channels/oauth';
import type { Provider } from '../contracts/domain';
import {
  adapterOptions,
  appUrl,
  dataPath,
  inboxReadOptions,
  mediaDir,
  oauthClients,
  sessionPolicy,
  type Config,
} from '../config';
import { DiskMediaStorage, type MediaStorage } from '../content/media';
import { MediaUrlSigner } from '../content/media-urls';
import { openDatabase, type OpenDatabase } from '../db/connect';
import { AuditKey } from '../db/audit';
import type { Db } from '../db/database';
import { loadOrCreateKey, Sealer } from '../db/sealing';
import { smtpMailer, type Mailer } from '../notifications/mailer';
import { apiClient, connectClient, connectWorker, type TemporalTarget } from '../temporal/connection';
import { configuredTemporal } from '../temporal/target';

/** What an entry point may change beyond the configuration (tests, benches, the embedded dev server). */
export interface DepsOverrides {
  /** The Temporal address when it is not TEMPORAL_ADDRESS (a dev server started by this process). */
  temporalAddress?: string;
  /**
   * The sealing key itself, instead of CHORUS_ENCRYPTION_KEY or the key file in CHORUS_DATA_DIR
   * (the audit key is derived from it as from those).
   */
  sealerKey?: string;
  /** How long a link card's page fetch may take (ms); the adapter's default otherwise. */
  linkCardTimeoutMs?: number;
  /**
   * The API gets channel adapters of its own, as it has in its own process (adapters keep
   * per-account sessions): tests check that nothing relies on the worker's sessions.
   */
  separateApiAdapters?: boolean;
  /** How long the first Temporal connection may take (the SDK's default is 10 s). */
  temporalConnectTimeout?: TemporalTarget['connectTimeout'];
  /** Adapters replacing the configured ones, by network (tests: a network's stand-in). */
  adapters?: Partial<ChannelAdapters>;
  /** OAuth providers and clients replacing the configured ones, by network (tests: a local authorization server). */
  oauth?: { providers?: OAuthProviders; clients?: Partial<Record<Provider, OAuthClientConfig>> };
}

/** Every dependency the API and the worker share, built once per process from the parsed configuration. */
export interface ChorusDeps {
  config: Config;
  database: OpenDatabase;
  db: Db;
  target: TemporalTarget;
  /** The worker's client (activities signal and start workflows with it). */
  temporal: Client;
  /** The API's client: each call bounded by a deadline, so an unreachable Temporal is a fast 503 (temporal/connection.ts `apiClient`). */
  apiTemporal: Client;
  taskQueue: string;
  sealer: Sealer;
  /** Seals the audit chain and signs its checkpoints; `db` carries it (see AuditKey). */
  auditKey: AuditKey;
  /** The worker's adapters. */
  adapters: ChannelAdapters;
  /** The API's adapters: the worker's, unless `separateApiAdapters`. */
  apiAdapters: ChannelAdapters;
  media: MediaStorage;
  /** Signs the media URLs Instagram and Threads fetch; the API checks them. */
  mediaUrls: MediaUrlSigner;
  mailer?: Mailer;
  /** The OAuth networks' providers and configured clients (connect flow, token refresh). */
  oauth: OAuthSetup;
  /** The worker's native connection, opened on first call (the API process needs none) and closed by `close`. */
  workerConnection(): Promise<NativeConnection>;
  /** What `buildApp` takes. */
  appDeps(): {
    db: Db;
    temporal: Client;
    adapters: ChannelAdapters;
    sealer: Sealer;
    taskQueue: string;
    media: MediaStorage;
    mediaUrls: MediaUrlSigner;
    mailer?: Mailer;
    sessionPolicy: { idleMs: number; maxMs: number };
    temporalUiUrl: string | null;
    metricsTimeScale: number;
    weeklyReportTimeScale: number;
    oauth: OAuthSetup;
    appUrl: string;
    instagramWebhookVerifyToken?: string;
    callerCacheDatabaseUrl?: string;
  };
  /** What `createChorusWorker` takes as `deps`. */
  workerDeps(): {
    db: Db;
    temporal: Client;
    adapters: ChannelAdapters;
    sealer: Sealer;
    media: MediaStorage;
    mailer?: Mailer;
    /** METRICS_TIME_SCALE, WEEKLY_REPORT_TIME_SCALE and CHORUS_APP_URL, for the analytics collector and the weekly report. */
    metricsTimeScale: number;
    weeklyReportTimeScale: number;
    appUrl: string;
    /** How the inbox's inbound read runs. */
    inbox: ReturnType<typeof inboxReadOptions>;
    /** The inbox reads' own database pool (INBOX_READS_DATABASE_POOL_SIZE): the reads' worker stores with it. */
    inboxReadsDb: Db;
    /** One connection for the worker's lease (services/publish-leases.ts). */
    leasesDb: Db;
    oauth: OAuthSetup;
  };
  /** Closes the Temporal connections and the database, in that order; stop the worker and the API first. */
  close(): Promise<void>;
}

/**
 * The one place the dependencies are built: the API, the worker, `npm start`, the test harness and
 * the benches all call this. Needs a database (DATABASE_URL, or the embedded PGlite) and a Temporal
 * target (TEMPORAL_ADDRESS or `overrides.temporalAddress`).
 */
export async function createDeps(config: Config, overrides: DepsOverrides = {}): Promise<ChorusDeps> {
  const target = configuredTemporal(config, overrides.temporalAddress ?? config.TEMPORAL_ADDRESS);
  if (!target) throw new Error('No Temporal address: set TEMPORAL_ADDRESS');
  // One key material, two keys: the credentials' sealing key, and the audit key derived from it.
  const keyMaterial =
    overrides.sealerKey ?? loadOrCreateKey(config.CHORUS_ENCRYPTION_KEY, dataPath(config, 'encryption.key'));
  const sealer = new Sealer(keyMaterial);
  const auditKey = AuditKey.derive(keyMaterial);
  const database = await openDatabase(config, auditKey);
  let temporal: Client;
  try {
    temporal = await connectClient({ ...target, connectTimeout: overrides.temporalConnectTimeout });
  } catch (err) {
    await database.close();
    throw err;
  }
  const apiTemporal = apiClient(target);
  const options = adapterOptions(config);
  const linkCards =
    options.linkCards && overrides.linkCardTimeoutMs !== undefined
      ? { ...options.linkCards, timeoutMs: overrides.linkCardTimeoutMs }
      : options.linkCards;
  // Instagram and Threads fetch a post's media from signed URLs the API serves (GET /v1/media/{id}/shared).
  const mediaUrls = new MediaUrlSigner(keyMaterial, appUrl(config), config.MEDIA_URL_TTL_SECONDS * 1000);
  const adapters = { ...createChannelAdapters({ ...options, linkCards, mediaUrls }), ...overrides.adapters };
  const apiAdapters = overrides.separateApiAdapters
    ? {
        ...createChannelAdapters({
          webhooks: options.webhooks,
          blueskyAppviewDid: options.blueskyAppviewDid,
          x: options.x,
          linkedin: options.linkedin,
          meta: options.meta,
          mediaUrls,
        }),
        ...overrides.adapters,
      }
    : adapters;
  const oauth: OAuthSetup = {
    providers: {
      ...createOAuthProviders({ x: options.x, linkedin: options.linkedin, meta: options.meta }),
      ...overrides.oauth?.providers,
    },
    clients: { ...oauthClients(config), ...overrides.oauth?.clients },
  };
  // API and worker share the media folder, as their processes share MEDIA_DIR.
  const media = new DiskMediaStorage(mediaDir(config));
  const mailer = config.SMTP_URL ? smtpMailer(config.SMTP_URL, config.MAIL_FROM) : undefined;
  const withMailer = mailer ? { mailer } : {};
  let connecting: Promise<NativeConnection> | undefined;

  return {
    config,
    database,
    db: database.db,
    target,
    temporal,
    apiTemporal,
    taskQueue: config.CHORUS_TASK_QUEUE,
    sealer,
    auditKey,
    adapters,
    apiAdapters,
    media,
    mediaUrls,
    ...withMailer,
    oauth,
    workerConnection() {
      connecting ??= connectWorker(target);
      return connecting;
    },
    appDeps() {
      return {
        db: database.db,
        temporal: apiTemporal,
        adapters: apiAdapters,
        sealer,
        taskQueue: config.CHORUS_TASK_QUEUE,
        media,
        mediaUrls,
        ...withMailer,
        sessionPolicy: sessionPolicy(config),
        temporalUiUrl: config.TEMPORAL_UI_URL ?? null,
        metricsTimeScale: config.METRICS_TIME_SCALE,
        weeklyReportTimeScale: config.WEEKLY_REPORT_TIME_SCALE ?? config.METRICS_TIME_SCALE,
        oauth,
        appUrl: appUrl(config),
        instagramWebhookVerifyToken: config.INSTAGRAM_WEBHOOK_VERIFY_TOKEN,
        // PGlite's socket server hands a notification to the connection that sent it, not to the
        // listeners: no caller cache there (it would only fail its probe).
        callerCacheDatabaseUrl: database.embedded ? undefined : database.url,
      };
    },
    workerDeps() {
      return {
        db: database.db,
        temporal,
        adapters,
        sealer,
        media,
        metricsTimeScale: config.METRICS_TIME_SCALE,
        weeklyReportTimeScale: config.WEEKLY_REPORT_TIME_SCALE ?? config.METRICS_TIME_SCALE,
        appUrl: appUrl(config),
        ...withMailer,
        inbox: inboxReadOptions(config),
        inboxReadsDb: database.inboxReadsDb,
        leasesDb: database.leasesDb,
        oauth,
      };
    },
    async close() {
      if (connecting) await (await connecting).close();
      await apiTemporal.connection.close();
      await temporal.connection.close();
      await database.close();
    },
  };
}
