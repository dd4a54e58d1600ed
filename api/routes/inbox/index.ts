import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { conversationRoutes } from './conversations';

/** The engagement inbox's routes (/v1/inbox/...). */
export const inboxRoutes: FastifyPluginAsyncZod = async (app) => {
  await app.register(conversationRoutes);
};
