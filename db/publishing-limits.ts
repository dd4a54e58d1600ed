/** What the networks' daily publishing limits (Instagram, Threads) are checked against: the posts each channel already has. */
import type { Db } from './database';

/** Targets that will go out (or went out) and so count against an account's daily limit. */
const COUNTING_TARGETS = ['pending', 'publishing', 'published'] as const;
const NOT_COUNTING_POSTS = ['cancelled', 'rejected', 'expired', 'failed'] as const;

/** Publish times of the channels' posts between `from` and `to` (inclusive), for a moving 24-hour window check. */
export async function publishTimesBetween(
  db: Db,
  channelIds: string[],
  from: Date,
  to: Date,
  /** A post being moved: its current time is not counted. */
  exceptPostId?: string,
): Promise<{ channel_id: string; publish_at: Date }[]> {
  if (channelIds.length === 0) return [];
  let query = db
    .selectFrom('post_targets as t')
    .innerJoin('posts as p', 'p.id', 't.post_id')
    .select(['t.channel_id', 'p.publish_at'])
    .where('t.channel_id', 'in', channelIds)
    .where('t.status', 'in', [...COUNTING_TARGETS])
    .where('p.status', 'not in', [...NOT_COUNTING_POSTS])
    .where('p.publish_at', '>=', from)
    .where('p.publish_at', '<=', to);
  if (exceptPostId) query = query.where('p.id', '!=', exceptPostId);
  return query.execute();
}
