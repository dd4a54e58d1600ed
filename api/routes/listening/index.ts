import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { alertRoutes } from './alerts';
import { ingestRoutes } from './ingest';
import { ingestKeyRoutes } from './ingest-keys';
import { listeningInsightRoutes } from './insights';
import { mentionRoutes } from './mentions';
import { listeningQueryRoutes } from './queries';

/** Social listening: queries, the mentions they store, what those add up to, alerts, and pushed mentions. */
export const listeningRoutes: FastifyPluginAsyncZod = async (app) => {
  await app.register(listeningQueryRoutes);
  await app.register(mentionRoutes);
  await app.register(listeningInsightRoutes);
  await app.register(alertRoutes);
  await app.register(ingestKeyRoutes);
  await app.register(ingestRoutes);
};
