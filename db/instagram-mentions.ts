import type { Generated } from 'kysely';
import type { Timestamp } from './columns';
import type { Db } from './database';

/** What Meta's Instagram webhook announced: an account @mentioned in a caption or comment (migration 0044). */
export interface InstagramMentionEventsTable {
  id: Generated<string>;
  ig_user_id: string;
  media_id: string;
  comment_id: string | null;
  received_at: Generated<Timestamp>;
}

export interface InstagramMentionEvent {
  id: string;
  mediaId: string;
  commentId: string | null;
}

/** Records announced mentions, each once however often delivered; returns how many were new. */
export async function recordInstagramMentions(
  db: Db,
  mentions: { igUserId: string; mediaId: string; commentId: string | null }[],
): Promise<number> {
  if (mentions.length === 0) return 0;
  const inserted = await db
    .insertInto('instagram_mention_events')
    .values(mentions.map((m) => ({ ig_user_id: m.igUserId, media_id: m.mediaId, comment_id: m.commentId })))
    .onConflict((oc) => oc.constraint('instagram_mention_events_uq').doNothing())
    .returning('id')
    .execute();
  return inserted.length;
}

/** The account's announced mentions after `afterId` (a channel's position), oldest first, at most `limit`. */
export async function listInstagramMentions(
  db: Db,
  igUserId: string,
  afterId: string,
  limit: number,
): Promise<InstagramMentionEvent[]> {
  const rows = await db
    .selectFrom('instagram_mention_events')
    .select(['id', 'media_id', 'comment_id'])
    .where('ig_user_id', '=', igUserId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, mediaId: r.media_id, commentId: r.comment_id }));
}
