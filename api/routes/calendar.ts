import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { slotOccurrences } from '../../content/queue-slots';
import { listCampaigns } from '../../db/campaigns';
import { findChannels } from '../../db/channels';
import { findPosts, postView, type PostView } from '../../db/posts';
import { POST_STATUSES, type PostStatus } from '../../contracts/domain';
import { callerOf, requireRole, Roles } from '../plugins/auth';
import { isoInstant } from '../schemas';
import { invalidField } from '../problems';

const MAX_WINDOW_DAYS = 93;
/** Same text on one channel within this many days is flagged. */
const DUPLICATE_WINDOW_MS = 7 * 24 * 3600_000;
/** A post still awaiting approval this close to its time is flagged. */
const APPROVAL_NEAR_MS = 2 * 3600_000;

const calendarWarning = z.object({
  kind: z.enum(['min_gap', 'duplicate_text', 'outside_campaign', 'approval_near', 'needs_reconnect']),
  channelId: z.uuid().optional(),
  postIds: z.array(z.uuid()),
  message: z.string(),
});
export type CalendarWarning = z.infer<typeof calendarWarning>;

const calendarView = z.object({
  from: z.string(),
  to: z.string(),
  posts: z.array(postView),
  freeSlots: z.array(z.object({ channelId: z.uuid(), at: z.string() })).describe('Queue slots still free, after now'),
  warnings: z.array(calendarWarning),
});

/** Every status but those of a post that ended without going out (failed, cancelled, rejected, expired). */
const NOT_GONE_OUT: readonly PostStatus[] = ['failed', 'cancelled', 'rejected', 'expired'];
const LIVE = new Set<string>(POST_STATUSES.filter((s) => !NOT_GONE_OUT.includes(s)));

export const calendarRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/calendar',
    {
      onRequest: requireRole(Roles.read),
      schema: {
        summary: 'Posts and free queue slots in a window, with the warnings a planner needs',
        tags: ['calendar'],
        querystring: z.strictObject({
          from: isoInstant,
          to: isoInstant,
          channelId: z.uuid().optional(),
          campaignId: z.uuid().optional(),
        }),
        response: { 200: calendarView },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const from = new Date(request.query.from);
      const to = new Date(request.query.to);
      if (to <= from) throw invalidField('querystring.to', 'after_from', 'must be after from', 400);
      if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * 24 * 3600_000)
        throw invalidField('querystring.to', 'window', `the window may span at most ${MAX_WINDOW_DAYS} days`, 400);

      const [allChannels, campaigns] = await Promise.all([
        findChannels(app.db, caller.workspaceId),
        listCampaigns(app.db, caller.workspaceId),
      ]);
      const channels = request.query.channelId
        ? allChannels.filter((c) => c.id === request.query.channelId)
        : allChannels;
      // Look a week either side too, so gaps and duplicates across the window's edges are seen.
      const around = await findPosts(app.db, caller.workspaceId, {
        from: new Date(from.getTime() - DUPLICATE_WINDOW_MS),
        to: new Date(to.getTime() + DUPLICATE_WINDOW_MS),
        channelId: request.query.channelId,
        campaignId: request.query.campaignId,
        limit: 5000,
      });
      const live = around.filter((p) => LIVE.has(p.status));
      const inWindow = around.filter((p) => new Date(p.publishAt) >= from && new Date(p.publishAt) < to);

      const freeSlots = channels.flatMap((channel) => {
        const taken = live
          .filter((p) => p.targets.some((t) => t.channelId === channel.id))
          .map((p) => new Date(p.publishAt).getTime());
        const gap = Math.max(channel.min_gap_minutes, 1) * 60_000;
        return slotOccurrences(channel.slots, channel.timezone, from, to)
          .filter((slot) => slot > new Date() && taken.every((t) => Math.abs(t - slot.getTime()) >= gap))
          .map((slot) => ({ channelId: channel.id, at: slot.toISOString() }));
      });

      const warnings: CalendarWarning[] = [];
      const touchesWindow = (...posts: PostView[]) => posts.some((p) => inWindow.includes(p));
      for (const channel of channels) {
        const onChannel = live
          .filter((p) => p.targets.some((t) => t.channelId === channel.id))
          .sort((a, b) => a.publishAt.localeCompare(b.publishAt));
        const textOf = (p: PostView) =>
          p.targets
            .find((t) => t.channelId === channel.id)!
            .text.trim()
            .toLowerCase();
        for (let i = 0; i < onChannel.length; i++) {
          const a = onChannel[i]!;
          for (let j = i + 1; j < onChannel.length; j++) {
            const b = onChannel[j]!;
            const apart = Date.parse(b.publishAt) - Date.parse(a.publishAt);
            if (apart > DUPLICATE_WINDOW_MS) break;
            if (!touchesWindow(a, b)) continue;
            if (channel.min_gap_minutes > 0 && apart < channel.min_gap_minutes * 60_000) {
              warnings.push({
                kind: 'min_gap',
                channelId: channel.id,
                postIds: [a.id, b.id],
                message: `Posts ${Math.round(apart / 60_000)} min apart on "${channel.name}", which asks for at least ${channel.min_gap_minutes} min`,
              });
            }
            if (textOf(a) === textOf(b)) {
              warnings.push({
                kind: 'duplicate_text',
                channelId: channel.id,
                postIds: [a.id, b.id],
                message: `The same text twice on "${channel.name}" within ${Math.round(apart / 3600_000)} h`,
              });
            }
          }
        }
      }
      for (const post of inWindow.filter((p) => LIVE.has(p.status))) {
        const campaign = post.campaignId ? campaigns.find((c) => c.id === post.campaignId) : undefined;
        if (campaign && (post.publishAt < campaign.startsAt || post.publishAt > campaign.endsAt)) {
          warnings.push({
            kind: 'outside_campaign',
            postIds: [post.id],
            message: `Publishes at ${post.publishAt}, outside campaign "${campaign.name}" (${campaign.startsAt} to ${campaign.endsAt})`,
          });
        }
        const held = channels.filter(
          (c) =>
            c.status === 'needs_reconnect' &&
            post.targets.some((t) => t.channelId === c.id && (t.status === 'pending' || t.status === 'publishing')),
        );
        if (held.length > 0)
          warnings.push({
            kind: 'needs_reconnect',
            postIds: [post.id],
            message: `Held until ${held.map((c) => `"${c.name}"`).join(', ')} ${held.length > 1 ? 'are' : 'is'} reconnected: nothing goes out there until then`,
          });
        const until = Date.parse(post.publishAt) - Date.now();
        if ((post.status === 'awaiting_approval' || post.status === 'changes_requested') && until < APPROVAL_NEAR_MS) {
          warnings.push({
            kind: 'approval_near',
            postIds: [post.id],
            message: `Still ${post.status.replace('_', ' ')}, ${Math.max(0, Math.round(until / 60_000))} min before its time`,
          });
        }
      }
      return { from: from.toISOString(), to: to.toISOString(), posts: inWindow, freeSlots, warnings };
    },
  );
};
