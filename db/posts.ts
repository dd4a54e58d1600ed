import { sql } from 'kysely';
import type { Db, Post, PostStatus, PostTarget, Provider } from './database';

export interface PostTargetView {
  id: string;
  channelId: string;
  text: string;
  status: PostTarget['status'];
  attempts: number;
  lastError: string | null;
  externalId: string | null;
  url: string | null;
  publishedAt: string | null;
}

export interface PostMediaView {
  mediaId: string;
  /** The library media item it came from, if any. */
  libraryItemId: string | null;
  alt: string;
  contentType: string;
  bytes: number;
  width: number | null;
  height: number | null;
}

export interface PostView {
  id: string;
  workspaceId: string;
  authorId: string;
  text: string;
  publishAt: string;
  status: PostStatus;
  workflowId: string;
  campaignId: string | null;
  libraryItemId: string | null;
  /** Made from an approved library item without changes, so it skipped its approval chain. */
  preApproved: boolean;
  createdAt: string;
  updatedAt: string;
  /** Attached media, in order. */
  media: PostMediaView[];
  targets: PostTargetView[];
}

export function toPostView(post: Post, targets: PostTarget[], media: PostMediaView[] = []): PostView {
  return {
    id: post.id,
    workspaceId: post.workspace_id,
    authorId: post.author_id,
    text: post.text,
    publishAt: post.publish_at.toISOString(),
    status: post.status,
    workflowId: post.workflow_id,
    campaignId: post.campaign_id,
    libraryItemId: post.library_item_id,
    preApproved: post.pre_approved,
    createdAt: post.created_at.toISOString(),
    updatedAt: post.updated_at.toISOString(),
    media,
    targets: targets.map((t) => ({
      id: t.id,
      channelId: t.channel_id,
      text: t.text,
      status: t.status,
      attempts: t.attempts,
      lastError: t.last_error,
      externalId: t.external_id,
      url: t.external_url,
      publishedAt: t.published_at ? t.published_at.toISOString() : null,
    })),
  };
}

export interface NewPost {
  id: string;
  workspaceId: string;
  authorId: string;
  text: string;
  publishAt: Date;
  workflowId: string;
  targets: { id: string; channelId: string; provider: Provider; text: string; idempotencyKey: string }[];
}

/** Posts with their targets, in the caller's workspace only. */
export async function findPosts(
  db: Db,
  workspaceId: string,
  filter: { ids?: string[]; from?: Date; to?: Date; status?: PostStatus; channelId?: string; campaignId?: string; awaitingUserId?: string; limit?: number } = {},
): Promise<PostView[]> {
  let query = db.selectFrom('posts').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.ids) query = query.where('id', 'in', filter.ids);
  if (filter.from) query = query.where('publish_at', '>=', filter.from);
  if (filter.to) query = query.where('publish_at', '<', filter.to);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.campaignId) query = query.where('campaign_id', '=', filter.campaignId);
  if (filter.awaitingUserId) query = query.where(sql<boolean>`${filter.awaitingUserId}::uuid = any(awaiting_user_ids)`);
  if (filter.channelId) {
    const channelId = filter.channelId;
    query = query.where((eb) => eb.exists(eb.selectFrom('post_targets').select('id').whereRef('post_targets.post_id', '=', 'posts.id').where('channel_id', '=', channelId)));
  }
  const posts = await query.orderBy('publish_at').orderBy('id').limit(filter.limit ?? 500).execute();
  if (posts.length === 0) return [];
  const ids = posts.map((p) => p.id);
  const [targets, media] = await Promise.all([
    db.selectFrom('post_targets').selectAll().where('post_id', 'in', ids).orderBy('id').execute(),
    findPostMedia(db, ids),
  ]);
  return posts.map((p) => toPostView(p, targets.filter((t) => t.post_id === p.id), media.filter((m) => m.postId === p.id).map(({ postId: _, ...m }) => m)));
}

/** The media attached to these posts, in order, with what publishing and validation need to know. */
export async function findPostMedia(db: Db, postIds: string[]): Promise<(PostMediaView & { postId: string; storageKey: string; sha256: string })[]> {
  if (postIds.length === 0) return [];
  const rows = await db
    .selectFrom('post_media as pm')
    .innerJoin('media_assets as m', 'm.id', 'pm.media_id')
    .select(['pm.post_id', 'pm.media_id', 'pm.library_item_id', 'pm.alt', 'm.content_type', 'm.bytes', 'm.width', 'm.height', 'm.storage_key', 'm.sha256'])
    .where('pm.post_id', 'in', postIds)
    .orderBy('pm.post_id')
    .orderBy('pm.position')
    .execute();
  return rows.map((r) => ({ postId: r.post_id, mediaId: r.media_id, libraryItemId: r.library_item_id, alt: r.alt, contentType: r.content_type, bytes: r.bytes, width: r.width, height: r.height, storageKey: r.storage_key, sha256: r.sha256 }));
}

export async function findPost(db: Db, workspaceId: string, postId: string): Promise<PostView | undefined> {
  const [post] = await findPosts(db, workspaceId, { ids: [postId] });
  return post;
}
