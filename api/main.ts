import { loadConfig } from '../config';
import { createDeps } from '../deps/create-deps';
import { buildApp } from './app';

/** Production API process: needs DATABASE_URL and TEMPORAL_ADDRESS (npm start runs everything in one process instead). */
async function main() {
  const config = loadConfig();
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS)
    throw new Error(
      'The standalone API needs DATABASE_URL and TEMPORAL_ADDRESS; use `npm start` for the embedded setup',
    );
  const deps = await createDeps(config);
  const app = await buildApp(deps.appDeps(), { logger: { level: config.LOG_LEVEL } });
  const close = async () => {
    await app.close();
    await deps.close();
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
