import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config';
import { createDeps } from '../deps/create-deps';
import { buildApp } from './app';
import { defaultWebRoot } from './web';

/** Production API process: needs DATABASE_URL and TEMPORAL_ADDRESS (npm start runs everything in one process instead). */
async function main() {
  const config = loadConfig();
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS)
    throw new Error(
      'The standalone API needs DATABASE_URL and TEMPORAL_ADDRESS; use `npm start` for the embedded setup',
    );
  const deps = await createDeps(config);
  // The web app, when built (`npm run build:web`): served at `/` beside the API.
  const webRoot = existsSync(path.join(defaultWebRoot(), 'index.html')) ? defaultWebRoot() : undefined;
  const app = await buildApp({ ...deps.appDeps(), webRoot }, { logger: { level: config.LOG_LEVEL } });
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
