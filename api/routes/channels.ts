import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { blueskyCredentialsSchema } from '../../channels/bluesky';
import { ChannelError } from '../../channels/errors';
import { webhookCredentialsSchema } from '../../channels/webhook';
import { findChannels, insertChannel, removeChannel, toChannelView } from '../../db/channels';
import { callerOf, requireRole, Roles } from '../plugins/auth';
import { invalidField, notFound } from '../problems';

const channelView = z.object({
  id: z.uuid(),
  provider: z.enum(['bluesky', 'webhook']),
  name: z.string(),
  accountRef: z.string().describe('Who the channel posts as: a Bluesky DID, a webhook host'),
  createdAt: z.string(),
});

const name = z.string().trim().min(1).max(100);
const createChannelBody = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('bluesky'), name, credentials: blueskyCredentialsSchema }),
  z.object({ provider: z.literal('webhook'), name, credentials: webhookCredentialsSchema }),
]);

export const channelRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/channels',
    {
      onRequest: requireRole(Roles.manageChannels),
      schema: {
        summary: 'Connect a channel; its credentials are verified against the network first and never returned',
        tags: ['channels'],
        body: createChannelBody,
        response: { 201: channelView },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { provider, name: channelName, credentials } = request.body;
      let accountRef: string;
      try {
        ({ accountRef } = await app.adapters[provider].verify(credentials));
      } catch (err) {
        if (err instanceof ChannelError) throw invalidField('credentials', 'verified', `could not be verified with ${provider}: ${err.message}`);
        throw err;
      }
      const channel = await insertChannel(app.db, {
        workspaceId: caller.workspaceId,
        actorId: caller.userId,
        provider,
        name: channelName,
        accountRef,
        credentialsSealed: app.sealer.seal(credentials),
      });
      return reply.code(201).send(channel);
    },
  );

  app.get(
    '/channels',
    { onRequest: requireRole(Roles.read), schema: { summary: 'Channels of your workspace', tags: ['channels'], response: { 200: z.object({ channels: z.array(channelView) }) } } },
    async (request) => ({ channels: (await findChannels(app.db, callerOf(request).workspaceId)).map(toChannelView) }),
  );

  app.delete(
    '/channels/:id',
    {
      onRequest: requireRole(Roles.manageChannels),
      schema: { summary: 'Remove a channel; posts not yet published to it fail with a reason', tags: ['channels'], params: z.object({ id: z.uuid() }) },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (!(await removeChannel(app.db, caller.workspaceId, request.params.id, caller.userId))) throw notFound('Channel');
      return reply.code(204).send();
    },
  );
};
