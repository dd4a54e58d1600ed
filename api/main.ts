import { createChannelAdapters } from '../channels/registry';
import { adapterOptions, dataPath, loadConfig, mediaDir } from '../config';
import { mailerFor } from '../notifications/mailer';
import { DiskMediaStorage } from '../content/media';
import { openDatabase } from '../db/connect';
import { loadOrCreateKey, Sealer } from '../db/sealing';
import { connectClient } from '../temporal/connection';
import { configuredTemporal } from '../temporal/target';
import { buildApp } from './app';

/** Production API process: needs DATABASE_URL and TEMPORAL_ADDRESS (npm start runs everything in one process instead). */
async function main() {
  const config = loadConfig();
  const target = configuredTemporal(config);
  if (!config.DATABASE_URL || !target) throw new Error('The standalone API needs DATABASE_URL and TEMPORAL_ADDRESS; use `npm start` for the embedded setup');
  const database = await openDatabase(config);
  const temporal = await connectClient(target);
  const app = await buildApp(
    {
      db: database.db,
      temporal,
      adapters: createChannelAdapters(adapterOptions(config)),
      sealer: new Sealer(loadOrCreateKey(config.CHORUS_ENCRYPTION_KEY, dataPath(config, 'encryption.key'))),
      taskQueue: config.CHORUS_TASK_QUEUE,
      media: new DiskMediaStorage(mediaDir(config)),
      mailer: mailerFor(config),
    },
    { logger: { level: config.LOG_LEVEL } },
  );
  const close = async () => {
    await app.close();
    await temporal.connection.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void close());
  process.once('SIGTERM', () => void close());
  await app.listen({ host: config.API_HOST, port: config.API_PORT });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
