import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { conversationRoutes } from './conversations';
import { replyRoutes } from './replies';
import { inboxSettingsRoutes } from './settings';

/** The engagement inbox's routes (/v1/inbox/...). */
export const inboxRoutes: FastifyPluginAsyncZod = async (app) => {
  await app.register(conversationRoutes);
  await app.register(replyRoutes);
  await app.register(inboxSettingsRoutes);
};
