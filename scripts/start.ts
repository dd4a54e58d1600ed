import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { buildApp } from '../api/app';
import { ensureWebBuilt } from './web-build';
import { dataPath, loadConfig } from '../config';
import { createDeps } from '../deps/create-deps';
import { startAuditCheckpoints } from '../notifications/audit-checkpoints';
import { ensureSandboxDemo } from '../sandbox/demo';
import { startLocalBluesky, type LocalBluesky } from '../sandbox/local-bluesky';
import { ensureSearchAttributes } from '../temporal/connection';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import { configuredTemporal } from '../temporal/target';
import { ensureInboxReaders } from '../services/inbox-store';
import { ensureChannelTokenWorkflows } from '../services/channel-tokens';
import { chorusRuntimeLogger, createChorusWorker } from '../workers/worker';

/**
 * Everything in one process: the Temporal dev server (unless TEMPORAL_ADDRESS is set), the
 * database (embedded PGlite unless DATABASE_URL is set), migrations, a worker and the API.
 * `--sandbox` adds a local Bluesky network with a demo account connected as a channel.
 */
async function main() {
  const { values: flags } = parseArgs({ options: { sandbox: { type: 'boolean', default: false } } });
  const config = loadConfig();
  Runtime.install({
    logger: chorusRuntimeLogger(
      new DefaultLogger(config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? 'DEBUG' : 'WARN'),
    ),
  });
  // Undone in reverse order: the API and the worker (which drains its tasks) stop first, then what
  // they use: the Temporal connection, the sandbox's PDS, the database and the Temporal dev server
  // (which runs in its own process group, so Ctrl+C reaches it only through this).
  const cleanups: (() => Promise<unknown>)[] = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err: unknown) => console.error(err));
    process.exit(code);
  };
  // `on`, not `once`: under `npm start` one Ctrl+C arrives twice (to the terminal's process group,
  // and forwarded by npm), and the second must not end the process in the middle of the shutdown.
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    let devServer: DevServer | undefined;
    if (!configuredTemporal(config)) {
      console.log('Starting the Temporal dev server…');
      devServer = await startDevServer({
        dbFile: dataPath(config, 'temporal.sqlite'),
        port: config.TEMPORAL_PORT,
        uiPort: config.TEMPORAL_UI_PORT,
        namespace: config.TEMPORAL_NAMESPACE,
      });
      cleanups.push(() => devServer!.stop());
    }

    // The dev server just started answers its first connection slowly on a busy machine: more than the SDK's 10 s default.
    const deps = await createDeps(config, {
      temporalAddress: devServer?.address,
      temporalConnectTimeout: devServer ? '60s' : undefined,
    });
    cleanups.push(() => deps.close());
    const { database, target, temporal } = deps;

    let sandbox: LocalBluesky | undefined;
    if (flags.sandbox) {
      sandbox = await startLocalBluesky({
        dataDir: dataPath(config, 'sandbox'),
        pdsPort: config.SANDBOX_PDS_PORT,
        plcPort: config.SANDBOX_PLC_PORT,
      });
      cleanups.push(() => sandbox!.stop());
    }

    await ensureSearchAttributes(temporal, target.namespace);
    const worker = await createChorusWorker({
      connection: await deps.workerConnection(),
      namespace: target.namespace,
      taskQueue: deps.taskQueue,
      deps: deps.workerDeps(),
      maxCachedWorkflows: config.CHORUS_WORKER_CACHED_WORKFLOWS,
      workflowThreads: config.CHORUS_WORKER_WORKFLOW_THREADS,
    });
    const running = worker.run();
    // Channels connected before the inbox existed, or whose read ended: read from now on (idempotent).
    await ensureInboxReaders(deps);
    // OAuth channels' tokens are kept fresh by a workflow each (idempotent: running ones go on).
    await ensureChannelTokenWorkflows(deps);
    cleanups.push(async () => {
      // The Temporal runtime drains the worker on SIGINT/SIGTERM by itself; shut it down otherwise.
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
    const checkpoints = startAuditCheckpoints(deps.workerDeps(), {
      intervalMs: config.CHORUS_AUDIT_CHECKPOINT_SECONDS * 1000,
      onError: (err) => console.error(err),
    });
    cleanups.push(() => checkpoints.stop());

    const webRoot = await ensureWebBuilt();
    // The web app links to the Temporal UI: TEMPORAL_UI_URL, or the dev server's started here.
    const temporalUiUrl = config.TEMPORAL_UI_URL ?? devServer?.uiUrl ?? null;
    const app = await buildApp(
      { ...deps.appDeps(), webRoot, temporalUiUrl },
      {
        logger: { level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL },
      },
    );
    cleanups.push(() => app.close());
    await app.listen({ host: config.API_HOST, port: config.API_PORT });
    // The port bound (API_PORT=0: one the system chose).
    const api = `http://${config.API_HOST}:${(app.server.address() as AddressInfo).port}`;

    console.log(`
Chorus is running.
  App          ${api}/
  API          ${api}/v1
  API docs     ${api}/docs  (OpenAPI: ${api}/openapi.json)
  Temporal UI  ${devServer?.uiUrl ?? `(your cluster at ${target.address})`}
  Temporal     ${target.address}, namespace ${target.namespace}
  Database     ${database.embedded ? `embedded PGlite in ${dataPath(config, 'pglite')}, at ${database.url}` : 'DATABASE_URL'}
`);

    if (sandbox) {
      const demo = await ensureSandboxDemo({
        dataDir: dataPath(config, 'sandbox'),
        sandbox,
        db: database.db,
        adapters: deps.adapters,
        sealer: deps.sealer,
      });
      console.log(`Sandbox: a local Bluesky PDS at ${sandbox.pdsUrl} with the account ${demo.account.handle} (${demo.account.did}),
connected as channel ${demo.channelId} of workspace ${demo.workspaceId}${demo.reused ? ' (the same as last time: kept in ' + dataPath(config, 'sandbox') + ')' : ''}.

Sign in to the app at ${api}/sign-in as ${demo.email} with the password ${demo.password}
(kept in ${dataPath(config, 'sandbox')}/demo.json), or use the API:

  export CHORUS_TOKEN=${demo.token}
  curl -s ${api}/v1/posts -H "authorization: Bearer $CHORUS_TOKEN" -H 'content-type: application/json' \\
    -d '{"text":"Hello from Chorus #sandbox","channelIds":["${demo.channelId}"],"publishAt":"'$(date -u -d '+30 seconds' +%FT%TZ)'"}'
  curl -s ${api}/v1/posts -H "authorization: Bearer $CHORUS_TOKEN"

Listen to the sandbox (its PLC directory is ${sandbox.plcUrl}):
  curl -s ${api}/v1/listening/queries -H "authorization: Bearer $CHORUS_TOKEN" -H 'content-type: application/json' \
    -d '{"name":"Sandbox","expression":"chorus OR sandbox","sources":{"bluesky":{"service":"${sandbox.pdsUrl}","plcUrl":"${sandbox.plcUrl}","fromCursor":0}}}'
  curl -s ${api}/v1/mentions -H "authorization: Bearer $CHORUS_TOKEN"
`);
    }
    console.log('Press Ctrl+C to stop.');
    await running;
  } catch (err) {
    console.error(err);
    await shutdown(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
