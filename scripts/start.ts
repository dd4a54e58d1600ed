import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { buildApp } from '../api/app';
import { createChannelAdapters } from '../channels/registry';
import { adapterOptions, dataPath, loadConfig, mediaDir } from '../config';
import { mailerFor } from '../notifications/mailer';
import { DiskMediaStorage } from '../content/media';
import { openDatabase } from '../db/connect';
import { loadOrCreateKey, Sealer } from '../db/sealing';
import { ensureSandboxDemo } from '../sandbox/demo';
import { startLocalBluesky, type LocalBluesky } from '../sandbox/local-bluesky';
import { connectClient, connectWorker, ensureSearchAttributes } from '../temporal/connection';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import { configuredTemporal } from '../temporal/target';
import { createChorusWorker } from '../workers/worker';

/**
 * Everything in one process: the Temporal dev server (unless TEMPORAL_ADDRESS is set), the
 * database (embedded PGlite unless DATABASE_URL is set), migrations, a worker and the API.
 * `--sandbox` adds a local Bluesky network with a demo account connected as a channel.
 */
async function main() {
  const { values: flags } = parseArgs({ options: { sandbox: { type: 'boolean', default: false } } });
  const config = loadConfig();
  Runtime.install({ logger: new DefaultLogger(config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? 'DEBUG' : 'WARN') });
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
    let target = configuredTemporal(config);
    if (!target) {
      console.log('Starting the Temporal dev server…');
      devServer = await startDevServer({ dbFile: dataPath(config, 'temporal.sqlite'), port: config.TEMPORAL_PORT, uiPort: config.TEMPORAL_UI_PORT, namespace: config.TEMPORAL_NAMESPACE });
      cleanups.push(() => devServer!.stop());
      target = configuredTemporal(config, devServer.address)!;
    }

    const database = await openDatabase(config);
    cleanups.push(() => database.close());
    const sealer = new Sealer(loadOrCreateKey(config.CHORUS_ENCRYPTION_KEY, dataPath(config, 'encryption.key')));
    const adapters = createChannelAdapters(adapterOptions(config));
    const media = new DiskMediaStorage(mediaDir(config));

    let sandbox: LocalBluesky | undefined;
    if (flags.sandbox) {
      sandbox = await startLocalBluesky({ dataDir: dataPath(config, 'sandbox'), pdsPort: config.SANDBOX_PDS_PORT, plcPort: config.SANDBOX_PLC_PORT });
      cleanups.push(() => sandbox!.stop());
    }

    const temporal = await connectClient(target);
    cleanups.push(() => temporal.connection.close());
    await ensureSearchAttributes(temporal, target.namespace);
    const workerConnection = await connectWorker(target);
    const worker = await createChorusWorker({ connection: workerConnection, namespace: target.namespace, taskQueue: config.CHORUS_TASK_QUEUE, deps: { db: database.db, adapters, sealer, temporal, media, mailer: mailerFor(config) } });
    const running = worker.run();
    cleanups.push(async () => {
      // The Temporal runtime drains the worker on SIGINT/SIGTERM by itself; shut it down otherwise.
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await workerConnection.close();
    });

    const app = await buildApp({ db: database.db, temporal, adapters, sealer, taskQueue: config.CHORUS_TASK_QUEUE, media, mailer: mailerFor(config) }, { logger: { level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL } });
    cleanups.push(() => app.close());
    await app.listen({ host: config.API_HOST, port: config.API_PORT });
    const api = `http://${config.API_HOST}:${config.API_PORT}`;

    console.log(`
Chorus is running.
  API          ${api}
  API docs     ${api}/docs  (OpenAPI: ${api}/openapi.json)
  Temporal UI  ${devServer?.uiUrl ?? `(your cluster at ${target.address})`}
  Temporal     ${target.address}, namespace ${target.namespace}
  Database     ${database.embedded ? `embedded PGlite in ${dataPath(config, 'pglite')}, at ${database.url}` : 'DATABASE_URL'}
`);

    if (sandbox) {
      const demo = await ensureSandboxDemo({ dataDir: dataPath(config, 'sandbox'), sandbox, db: database.db, adapters, sealer });
      console.log(`Sandbox: a local Bluesky PDS at ${sandbox.pdsUrl} with the account ${demo.account.handle} (${demo.account.did}),
connected as channel ${demo.channelId} of workspace ${demo.workspaceId}${demo.reused ? ' (the same as last time: kept in ' + dataPath(config, 'sandbox') + ')' : ''}.

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
