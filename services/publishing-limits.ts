import { findChannels, type Channel } from '../db/channels';
import type { Db } from '../db/database';
import { publishTimesBetween } from '../db/publishing-limits';
import { invalidField } from '../contracts/errors';
import { DAILY_PUBLISHING_LIMITS } from '../contracts/text-rules';

const DAY_MS = 24 * 3600_000;
const NETWORK_NAMES: Record<string, string> = { instagram: 'Instagram', threads: 'Threads' };
const LIMIT_NAMES: Record<string, string> = {
  instagram: 'content_publishing_limit',
  threads: 'threads_publishing_limit',
};

/**
 * The most posts any moving 24 hours holds once one more is added at `at`, from the others' times:
 * a window ending at `at`, or at any later post less than a day after it.
 */
export function busiestDayWith(times: number[], at: number): number {
  const ends = [at, ...times.filter((t) => t > at && t < at + DAY_MS)];
  return Math.max(...ends.map((end) => 1 + times.filter((t) => t > end - DAY_MS && t <= end).length));
}

/** The channels of a post being moved, checked at its new time (POST /v1/posts/{id}/reschedule). */
export async function checkDailyPublishingLimitsOnMove(
  db: Db,
  workspaceId: string,
  post: { id: string; targets: { channelId: string }[] },
  publishAt: Date,
) {
  const channels = await findChannels(
    db,
    workspaceId,
    post.targets.map((t) => t.channelId),
  );
  await checkDailyPublishingLimits(db, channels, publishAt, 'publishAt', post.id);
}

/**
 * Refuses a post that would take a channel past its network's daily publishing limit (Instagram
 * 100, Threads 250 API-published posts in any 24 hours): the network would refuse the excess at
 * publish time, so Chorus says so when the post is scheduled. Throws Invalid naming the limit.
 */
export async function checkDailyPublishingLimits(
  db: Db,
  channels: Pick<Channel, 'id' | 'name' | 'provider'>[],
  publishAt: Date,
  field = 'publishAt',
  /** Moving an existing post: its current time is not counted. */
  exceptPostId?: string,
) {
  const limited = channels.filter((c) => DAILY_PUBLISHING_LIMITS[c.provider] !== undefined);
  if (limited.length === 0) return;
  const at = publishAt.getTime();
  const rows = await publishTimesBetween(
    db,
    limited.map((c) => c.id),
    new Date(at - DAY_MS),
    new Date(at + DAY_MS),
    exceptPostId,
  );
  for (const channel of limited) {
    const limit = DAILY_PUBLISHING_LIMITS[channel.provider]!;
    const times = rows.filter((r) => r.channel_id === channel.id).map((r) => new Date(r.publish_at).getTime());
    const busiest = busiestDayWith(times, at);
    if (busiest > limit)
      throw invalidField(
        field,
        'daily_publishing_limit',
        `${NETWORK_NAMES[channel.provider]} allows ${limit} posts per account in any 24 hours (${LIMIT_NAMES[channel.provider]}); channel "${channel.name}" would have ${busiest} in the 24 hours around ${publishAt.toISOString()}`,
      );
  }
}
