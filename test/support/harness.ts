import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client } from '@temporalio/client';
import { DefaultLogger, Runtime, type Logger } from '@temporalio/worker';
import { defaultWebRoot } from '../../api/web';
import { buildApp, type ChorusApp } from '../../api/app';
import type { ChannelAdapters } from '../../channels/registry';
import { loadConfig, type Config } from '../../config';
import type { MediaStorage } from '../../content/media';
import type { Db } from '../../db/database';
import type { Role } from '../../db/members';
import { generateKey, type Sealer } from '../../db/sealing';
import { createDeps, type DepsOverrides } from '../../deps/create-deps';
import { startAuditCheckpoints } from '../../notifications/audit-checkpoints';
import { hashToken } from '../../db/tokens';
import { createWorkspaceWithOwner } from '../../db/workspaces';
import { apiClient } from '../../temporal/connection';
import { createChorusWorker, type ChorusWorker } from '../../workers/worker';
import { testEnv } from '../setup/test-env';

export interface Harness {
  app: ChorusApp;
  db: Db;
  client: Client;
  /**
   * The in-process workers, the Chorus worker and the inbox reads' (none with `worker: false`: the
   * test runs worker processes, test/support/worker-process.ts).
   */
  worker: ChorusWorker;
  taskQueue: string;
  /** What a worker process of this harness is configured with (its task queue, database, media folder). */
  config: Config;
  adapters: ChannelAdapters;
  sealer: Sealer;
  /** The key material (CHORUS_ENCRYPTION_KEY) of the sealer and of the audit key derived from it. */
  encryptionKey: string;
  media: MediaStorage;
  /** Stops the worker (as a deploy or crash would) and starts a fresh one on the same task queue. */
  restartWorker(): Promise<void>;
  /**
   * Another API on the same database and Temporal, as a second API process would be (its own
   * caller cache and listener); closed with the harness.
   */
  anotherApi(): Promise<ChorusApp>;
  close(): Promise<void>;
}

/**
 * The real parts for one test file: the run's Temporal dev server and PostgreSQL database, a
 * Chorus worker on a task queue of its own, and the API (called with `app.inject`).
 */
export async function startHarness(
  options: {
    smtpUrl?: string;
    webhooksAllowPrivate?: boolean;
    temporalLogger?: Logger;
    /** Serve the built web app (web/dist) at `/`, for the browser tests. */
    web?: boolean;
    /** The Temporal UI the web app links to (AppDeps.temporalUiUrl); unset: no link. */
    temporalUiUrl?: string;
    /** Run the worker process's audit checkpointer at this interval (ms), as the entry points do; unset: not run. */
    auditCheckpointMs?: number;
    /** The database the API and the worker use (a TCP proxy in front of the run's, to cut it); the run's otherwise. */
    databaseUrl?: string;
    /** Where the API's Temporal client connects (a proxy, to cut Temporal off from the API alone); the worker stays on the run's server. */
    apiTemporalAddress?: string;
    /** False: no worker in this process (the test starts worker processes of its own). */
    worker?: boolean;
    /** METRICS_TIME_SCALE: 3600 makes the analytics collector's hours seconds. */
    metricsTimeScale?: number;
    /** WEEKLY_REPORT_TIME_SCALE: 151,200 makes the weekly report's week 4 s. */
    weeklyReportTimeScale?: number;
    /** The appview the inbox reads Bluesky notifications from (`atproto-proxy`); unset: the PDS's own. */
    blueskyAppviewDid?: string;
    /**
     * How often the inbox reads connected channels (seconds). Default 30, as in production: a test
     * of the inbox sets it short; others would have their Mastodon fake's queued failures and rate
     * budget taken by the inbox's reads.
     */
    inboxPollSeconds?: number;
    /** More configuration (e.g. X_API_URL pointing at a test's fake network). */
    env?: Record<string, string>;
    /** FACEBOOK_GRAPH_URL and THREADS_API_URL (a Meta fake, test/support/meta-fake.ts). */
    meta?: { graphUrl: string; threadsUrl: string };
    /** CHORUS_APP_URL: where networks fetch signed media URLs (the test then has the API listen there). */
    appUrl?: string;
    /** Adapters replacing the configured ones, by network (a network's stand-in). */
    adapters?: DepsOverrides['adapters'];
    /** OAuth providers and clients, by network (a local authorization server's). */
    oauth?: DepsOverrides['oauth'];
  } = {},
): Promise<Harness> {
  quietTemporalLogs(options.temporalLogger);
  // temporalConnectTimeout: test files start the local PDS beside the harness; its start-up holds the
  // event loop for seconds on a busy machine.
  const config = loadConfig({
    DATABASE_URL: options.databaseUrl ?? testEnv('databaseUrl'),
    TEMPORAL_ADDRESS: testEnv('temporalAddress'),
    CHORUS_TASK_QUEUE: `test-${randomUUID()}`,
    // API and worker share the media folder, as their processes share MEDIA_DIR.
    MEDIA_DIR: mkdtempSync(path.join(os.tmpdir(), 'chorus-media-')),
    // Test pages for link cards and webhook receivers are served on 127.0.0.1 (unless a test of
    // the address guard turns webhooks off).
    LINK_CARDS_ALLOW_PRIVATE: 'true',
    WEBHOOKS_ALLOW_PRIVATE: String(options.webhooksAllowPrivate ?? true),
    SMTP_URL: options.smtpUrl,
    MAIL_FROM: 'Chorus <chorus@example.test>',
    CHORUS_INBOX_POLL_SECONDS: String(options.inboxPollSeconds ?? 30),
    METRICS_TIME_SCALE: options.metricsTimeScale === undefined ? undefined : String(options.metricsTimeScale),
    WEEKLY_REPORT_TIME_SCALE:
      options.weeklyReportTimeScale === undefined ? undefined : String(options.weeklyReportTimeScale),
    BLUESKY_APPVIEW_DID: options.blueskyAppviewDid,
    ...options.env,
    FACEBOOK_GRAPH_URL: options.meta?.graphUrl,
    THREADS_API_URL: options.meta?.threadsUrl,
    CHORUS_APP_URL: options.appUrl,
  });
  // The API gets adapters of its own, as it would in its own process: no shared sessions.
  const encryptionKey = generateKey();
  const deps = await createDeps(config, {
    sealerKey: encryptionKey,
    linkCardTimeoutMs: 2000,
    separateApiAdapters: true,
    temporalConnectTimeout: '60s',
    adapters: options.adapters,
    oauth: options.oauth,
  });
  const { db, temporal: client, taskQueue, adapters, sealer, media } = deps;
  const connection = await deps.workerConnection();
  const startWorker = () =>
    createChorusWorker({
      connection,
      namespace: deps.target.namespace,
      taskQueue,
      deps: deps.workerDeps(),
      workflowBundle: { codePath: pathToFileURL(testEnv('workflowBundle')).pathname },
    });
  const inProcess = options.worker ?? true;
  let worker = inProcess ? await startWorker() : undefined;
  let running = worker?.run();
  const checkpoints =
    options.auditCheckpointMs === undefined
      ? undefined
      : startAuditCheckpoints(deps.workerDeps(), { intervalMs: options.auditCheckpointMs, onError: () => undefined });
  const apiTemporal = options.apiTemporalAddress
    ? apiClient({ ...deps.target, address: options.apiTemporalAddress })
    : undefined;
  const buildApi = () =>
    buildApp(
      {
        ...deps.appDeps(),
        ...(apiTemporal ? { temporal: apiTemporal } : {}),
        listeningRunMs: 3000,
        ...(options.web ? { webRoot: defaultWebRoot() } : {}),
        ...(options.temporalUiUrl ? { temporalUiUrl: options.temporalUiUrl } : {}),
      },
      { logger: false },
    );
  const app = await buildApi();
  const others: ChorusApp[] = [];
  return {
    app,
    db,
    client,
    get worker() {
      if (!worker) throw new Error('startHarness: no in-process worker (worker: false)');
      return worker;
    },
    taskQueue,
    config,
    adapters,
    sealer,
    encryptionKey,
    media,
    async restartWorker() {
      if (!worker) throw new Error('startHarness: no in-process worker (worker: false)');
      worker.shutdown();
      await running;
      worker = await startWorker();
      running = worker.run();
    },
    async anotherApi() {
      const other = await buildApi();
      others.push(other);
      return other;
    },
    async close() {
      await checkpoints?.stop();
      await Promise.all(others.map((other) => other.close()));
      await app.close();
      worker?.shutdown();
      await running;
      await apiTemporal?.connection.close();
      await deps.close();
    },
  };
}

let runtimeInstalled = false;
/** `logger`: the worker's log for a test that reads it (the first harness of a test file installs it). */
function quietTemporalLogs(logger?: Logger) {
  if (runtimeInstalled) return;
  // Activities that fail on purpose log at WARN; errors are still shown.
  Runtime.install({ logger: logger ?? new DefaultLogger('ERROR') });
  runtimeInstalled = true;
}

export interface TestWorkspace {
  workspaceId: string;
  userId: string;
  token: string;
}

export function createWorkspace(h: Harness, name = 'Test workspace'): Promise<TestWorkspace> {
  return createWorkspaceWithOwner(h.db, { name, ownerEmail: `owner-${randomUUID()}@example.test` });
}

/** Adds a member with `role` to the workspace and returns an API token of theirs. */
export async function addMember(h: Harness, workspaceId: string, role: Role): Promise<TestWorkspace> {
  const user = await h.db
    .insertInto('users')
    .values({ email: `${role}-${randomUUID()}@example.test` })
    .returning('id')
    .executeTakeFirstOrThrow();
  await h.db
    .insertInto('memberships')
    .values({ workspace_id: workspaceId, user_id: user.id, role, name: role })
    .execute();
  const token = `chorus_${randomBytes(24).toString('base64url')}`;
  await h.db
    .insertInto('api_tokens')
    .values({
      user_id: user.id,
      workspace_id: workspaceId,
      name: role,
      token_hash: hashToken(token),
      prefix: token.slice(0, 12),
    })
    .execute();
  return { workspaceId, userId: user.id, token };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Polls `probe` until it returns something truthy; fails naming `what` after the timeout. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
