import { createChannelAdapters } from '../channels/registry';
import { adapterOptions, dataPath, loadConfig, mediaDir } from '../config';
import { mailerFor } from '../notifications/mailer';
import { DiskMediaStorage } from '../content/media';
import { openDatabase } from '../db/connect';
import { loadOrCreateKey, Sealer } from '../db/sealing';
import { connectClient, connectWorker, ensureSearchAttributes } from '../temporal/connection';
import { configuredTemporal } from '../temporal/target';
import { createChorusWorker } from './worker';

/** Production worker process: needs DATABASE_URL and TEMPORAL_ADDRESS (npm start runs everything in one process instead). */
async function main() {
  const config = loadConfig();
  const target = configuredTemporal(config);
  if (!config.DATABASE_URL || !target) throw new Error('The standalone worker needs DATABASE_URL and TEMPORAL_ADDRESS; use `npm start` for the embedded setup');
  const database = await openDatabase(config);
  const client = await connectClient(target);
  const connection = await connectWorker(target);
  try {
    await ensureSearchAttributes(client, target.namespace);
    const worker = await createChorusWorker({
      connection,
      namespace: target.namespace,
      taskQueue: config.CHORUS_TASK_QUEUE,
      deps: { db: database.db, adapters: createChannelAdapters(adapterOptions(config)), sealer: new Sealer(loadOrCreateKey(config.CHORUS_ENCRYPTION_KEY, dataPath(config, 'encryption.key'))),
        temporal: client,
        media: new DiskMediaStorage(mediaDir(config)),
        mailer: mailerFor(config),
      },
    });
    console.log(`Chorus worker polling ${config.CHORUS_TASK_QUEUE} on ${target.address}`);
    await worker.run();
  } finally {
    await connection.close();
    await client.connection.close();
    await database.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
