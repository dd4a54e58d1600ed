import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { blueskyCredentialsSchema } from '../../channels/bluesky';
import { ChannelError } from '../../channels/errors';
import { mastodonCredentialsSchema } from '../../channels/mastodon';
import { webhookCredentialsSchema } from '../../channels/webhook';
import { isValidTimezone } from '../../content/queue-slots';
import {
  channelView,
  findChannel,
  findChannels,
  insertChannel,
  reconnectChannel,
  removeChannel,
  setChannelSlots,
  toChannelView,
} from '../../db/channels';
import { channelReconnectedSignal } from '../../contracts/post';
import { startInboxReader, stopInboxReader } from '../../services/inbox-store';
import { stopChannelTokens } from '../../services/channel-tokens';
import { isOAuthProvider } from '../../contracts/domain';
import { callerOf, requireRole, Roles } from '../plugins/auth';
import { ownedOr404 } from '../owned';
import { noContent } from '../schemas';
import { conflict, invalidField, invalidFields, notFound } from '../problems';

const name = z.string().trim().min(1).max(100);
const createChannelBody = z.discriminatedUnion('provider', [
  z.strictObject({ provider: z.literal('bluesky'), name, credentials: blueskyCredentialsSchema }),
  z.strictObject({ provider: z.literal('webhook'), name, credentials: webhookCredentialsSchema }),
  z.strictObject({ provider: z.literal('mastodon'), name, credentials: mastodonCredentialsSchema }),
]);

export const channelRoutes: FastifyPluginAsyncZod = async (app) => {
  /** Posts whose targets wait on this channel try again now (a finished workflow no longer listens). */
  const releaseHeldPosts = (workflowIds: string[], channelId: string) =>
    Promise.all(
      workflowIds.map((id) =>
        app.temporal.workflow
          .getHandle(id)
          .signal(channelReconnectedSignal, { channelId })
          .catch((err: unknown) => {
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          }),
      ),
    );

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
        if (err instanceof ChannelError)
          throw invalidField(
            err.field ? `credentials.${err.field}` : 'credentials',
            'verified',
            `could not be verified with ${provider}: ${err.message}`,
          );
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
      // Its inbox is read from now on (replies, mentions, direct messages); a webhook has none. The
      // channel is connected either way: a read that could not start now starts at the next worker start.
      await startInboxReader(app, { id: channel.id, workspaceId: caller.workspaceId, provider }).catch((err: unknown) =>
        request.log.warn({ err, channelId: channel.id }, 'the inbox read of the new channel did not start'),
      );
      return reply.code(201).send(channel);
    },
  );

  app.get(
    '/channels',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Channels of your workspace',
        tags: ['channels'],
        response: { 200: z.object({ channels: z.array(channelView) }) },
      },
    },
    async (request) => ({ channels: (await findChannels(app.db, callerOf(request).workspaceId)).map(toChannelView) }),
  );

  app.put(
    '/channels/:id/slots',
    {
      onRequest: requireRole(Roles.manageChannels),
      schema: {
        summary: "Set the channel's timezone, weekly queue slots (local times) and minimum gap between posts",
        tags: ['channels'],
        params: z.strictObject({ id: z.uuid() }),
        body: z.strictObject({
          timezone: z.string().min(1).describe('IANA timezone, e.g. Europe/Berlin'),
          slots: z
            .array(
              z.strictObject({
                day: z.number().int().min(1).max(7).describe('1 = Monday … 7 = Sunday'),
                time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM between 00:00 and 23:59'),
              }),
            )
            .max(7 * 48),
          minGapMinutes: z
            .number()
            .int()
            .min(0)
            .max(7 * 24 * 60)
            .default(0),
        }),
        response: { 200: channelView },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { timezone, slots, minGapMinutes } = request.body;
      if (!isValidTimezone(timezone)) throw invalidField('timezone', 'iana', `"${timezone}" is not an IANA timezone`);
      const unique = [...new Map(slots.map((s) => [`${s.day}@${s.time}`, s])).values()].sort(
        (a, b) => a.day - b.day || a.time.localeCompare(b.time),
      );
      const updated = await ownedOr404(
        setChannelSlots(app.db, {
          workspaceId: caller.workspaceId,
          channelId: request.params.id,
          actorId: caller.userId,
          timezone,
          slots: unique,
          minGapMinutes,
        }),
        'Channel',
      );
      return toChannelView(updated);
    },
  );

  app.put(
    '/channels/:id/credentials',
    {
      onRequest: requireRole(Roles.manageChannels),
      schema: {
        summary:
          'Reconnect a channel with new credentials (verified with the network first, never returned); posts held for it go out',
        tags: ['channels'],
        params: z.strictObject({ id: z.uuid() }),
        body: z.strictObject({
          credentials: z.record(z.string(), z.unknown()).describe("The provider's credentials, as when connecting"),
        }),
        response: { 200: channelView },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const existing = await ownedOr404(findChannel(app.db, caller.workspaceId, request.params.id), 'Channel');
      if (isOAuthProvider(existing.provider))
        throw conflict(
          `A ${existing.provider} channel is reconnected through ${existing.provider}'s authorization page: POST /v1/channels/connect/${existing.provider}, then grant access as the same account`,
        );
      const adapter = app.adapters[existing.provider];
      const parsed = adapter.credentialsSchema.safeParse(request.body.credentials);
      if (!parsed.success) {
        throw invalidFields(
          parsed.error.issues.map((i) => ({
            field: ['credentials', ...i.path.map(String)].join('.'),
            rule: i.code,
            message: i.message,
          })),
        );
      }
      let accountRef: string;
      try {
        ({ accountRef } = await adapter.verify(parsed.data));
      } catch (err) {
        if (err instanceof ChannelError)
          throw invalidField(
            err.field ? `credentials.${err.field}` : 'credentials',
            'verified',
            `could not be verified with ${existing.provider}: ${err.message}`,
          );
        throw err;
      }
      // Held posts go out on reconnect: they must go out as the account they were written for.
      if (accountRef !== existing.account_ref) {
        throw invalidField(
          'credentials',
          'same_account',
          `these credentials are for ${accountRef}; the channel posts as ${existing.account_ref} (connect another channel for another account)`,
        );
      }
      const reconnected = await reconnectChannel(app.db, {
        workspaceId: caller.workspaceId,
        channelId: existing.id,
        actorId: caller.userId,
        credentialsSealed: app.sealer.seal(parsed.data),
      });
      if (!reconnected) throw notFound('Channel');
      await releaseHeldPosts(reconnected.heldWorkflowIds, existing.id);
      return reconnected.channel;
    },
  );

  app.delete(
    '/channels/:id',
    {
      onRequest: requireRole(Roles.manageChannels),
      schema: {
        summary: 'Remove a channel; posts not yet published to it fail with a reason',
        tags: ['channels'],
        params: z.strictObject({ id: z.uuid() }),
        response: { 204: noContent('Removed') },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const removed = await removeChannel(app.db, caller.workspaceId, request.params.id, caller.userId);
      if (!removed) throw notFound('Channel');
      // A post held for this channel's reconnect now fails that target (the channel was removed).
      await releaseHeldPosts(removed.heldWorkflowIds, request.params.id);
      await stopInboxReader(app, request.params.id);
      await stopChannelTokens(app, request.params.id);
      return reply.code(204).send(undefined);
    },
  );
};
