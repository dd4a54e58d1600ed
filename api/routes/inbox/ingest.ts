import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { InboundItem } from '../../../contracts/inbox-inbound';
import { deliverOnce } from '../../../db/ingest';
import { storeInboundItems } from '../../../db/inbox-ingest';
import { scoreInbound, startSignalRelay } from '../../../services/inbox-store';
import { isoInstant } from '../../schemas';
import { INGEST_BODY_LIMIT, keepRawJson, signedIngestHooks } from '../listening/ingest';

const sourceName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,39}$/, 'must be a short lower-case name such as support-desk or forms')
  .default('push');

const pushedItem = z.strictObject({
  id: z.string().min(1).max(500).describe("The item's id at its source: a second push of it is stored once"),
  source: sourceName.describe('The pushing system; ids and threads are kept apart per source'),
  thread: z
    .string()
    .min(1)
    .max(500)
    .optional()
    .describe("What groups items into one conversation at the source (a ticket id); default: the item's own id"),
  text: z.string().min(1).max(100_000).describe('Kept as plain text: control characters dropped, cut at 10,000'),
  author: z.strictObject({
    id: z.string().min(1).max(500).describe("The author's id at the source (one contact per source and id)"),
    name: z.string().max(300).optional(),
    handle: z.string().max(300).optional().describe('Default: the id'),
    url: z.url({ protocol: /^https?$/ }).optional(),
    avatarUrl: z.url({ protocol: /^https?$/ }).optional(),
  }),
  url: z.url({ protocol: /^https?$/ }).optional(),
  postedAt: isoInstant.optional().describe('Default: when it arrives'),
});

const pushView = z.object({
  deliveryId: z.string(),
  received: z.number().int(),
  stored: z.number().int(),
  skipped: z.number().int().describe('Items pushed before (same source and id)'),
  filtered: z.number().int().describe('Items by authors the team closed as spam'),
  conversationIds: z.array(z.string()).describe('Conversations that got a new message'),
  repeatedDelivery: z.boolean().describe('A retry of a delivery already taken: its first answer, nothing stored again'),
});

/**
 * Inbox push: other systems (a help desk, a form) send items to the inbox, signed per Standard
 * Webhooks with an ingest key's secret as the listening push is. They become conversations of
 * network `push` (no channel), grouped by the source's thread, answered in Chorus and elsewhere.
 */
export const inboxIngestRoutes: FastifyPluginAsyncZod = async (app) => {
  await app.register(async (scope) => {
    keepRawJson(scope);
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/inbox/ingest',
      {
        bodyLimit: INGEST_BODY_LIMIT,
        // Authenticated by signature, not bearer token (see signedIngestHooks).
        ...signedIngestHooks(app),
        schema: {
          summary: 'Push items to the inbox from another system (signed per Standard Webhooks with an ingest key)',
          tags: ['inbox'],
          body: z.strictObject({ items: z.array(pushedItem).min(1).max(1000) }),
          response: { 200: pushView },
        },
      },
      async (request) => {
        const key = request.ingestKey!;
        const deliveryId = String(request.headers['webhook-id']);
        const now = new Date();
        const items: InboundItem[] = request.body.items.map((item) => ({
          network: 'push',
          kind: 'push',
          conversationKind: 'thread',
          threadKey: `${item.source}:${item.thread ?? item.id}`,
          answers: [],
          externalId: `${item.source}:${item.id}`,
          externalCid: null,
          url: item.url ?? null,
          parent: null,
          root: null,
          author: {
            externalId: `${item.source}:${item.author.id}`,
            handle: item.author.handle ?? item.author.id,
            displayName: item.author.name ?? null,
            avatarUrl: item.author.avatarUrl ?? null,
            profileUrl: item.author.url ?? null,
          },
          text: item.text,
          sentAt: item.postedAt ?? now.toISOString(),
        }));
        const source = { workspaceId: key.workspaceId, channelId: null, network: 'push' as const };
        let signalsQueued = 0;
        const result = await deliverOnce(app.db, key.id, deliveryId, now, async (trx) => {
          const stored = await storeInboundItems(trx, source, scoreInbound(items), { taskQueue: app.taskQueue });
          signalsQueued = stored.signalsQueued;
          return {
            deliveryId,
            received: items.length,
            stored: stored.stored,
            skipped: stored.skipped,
            filtered: stored.filtered,
            conversationIds: stored.changedConversationIds,
          };
        });
        // The conversations' signals were queued with the items; the relay (started by every worker
        // at boot, or here) sends them. One that cannot be started now leaves them queued, not lost.
        if (signalsQueued > 0)
          await startSignalRelay(app).catch((err: unknown) =>
            request.log.warn({ err }, 'could not start the relay of the inbox signals; they stay queued'),
          );
        return result;
      },
    );
  });
};
