import { sql, type Insertable } from 'kysely';
import { z } from 'zod';
import { POST_STATUSES, TARGET_STATUSES, type Db, type Post, type PostStatus, type PostTarget, type PostMediaTable, type PostsTable, type PostTargetsTable, type Provider } from './database';

export const postTargetView = z.object({
  id: z.uuid(),
  channelId: z.uuid(),
  text: z.string(),
  status: z.enum(TARGET_STATUSES),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  externalId: z.string().nullable().describe('The network\'s id, e.g. the at:// URI of the Bluesky record'),
  url: z.string().nullable(),
  publishedAt: z.string().nullable(),
});
export type PostTargetView = z.infer<typeof postTargetView>;

export const postMediaView = z.object({
  mediaId: z.uuid(),
  libraryItemId: z.uuid().nullable().describe('The library media item it came from, if any'),
  alt: z.string(),
  contentType: z.string(),
  bytes: z.number().int(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
});
export type PostMediaView = z.infer<typeof postMediaView>;

/** A post as the API shows it: the one definition of its view (the type is derived). */
export const postView = z.object({
  id: z.uuid(),
  workspaceId: z.uuid(),
  authorId: z.uuid(),
  text: z.string(),
  publishAt: z.string(),
  status: z.enum(POST_STATUSES),
  workflowId: z.string(),
  campaignId: z.uuid().nullable(),
  libraryItemId: z.uuid().nullable(),
  preApproved: z.boolean().describe('Made from an approved library item without changes, so it skipped its approval chain'),
  createdAt: z.string(),
  updatedAt: z.string(),
  media: z.array(postMediaView).describe('Attached media, in order'),
  targets: z.array(postTargetView),
});
export type PostView = z.infer<typeof postView>;

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

/** What routes need to act on posts through their workflows, for the given ids in the workspace. */
export async function findPostHandles(db: Db, workspaceId: string, ids: string[]) {
  return db.selectFrom('posts').select(['id', 'workflow_id', 'status', 'campaign_id', 'publish_at']).where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute();
}

export async function postExists(db: Db, postId: string): Promise<boolean> {
  return (await db.selectFrom('posts').select('id').where('id', '=', postId).executeTakeFirst()) !== undefined;
}

/** The publish times still to come on these channels, of posts in the given statuses. */
export async function takenSlots(db: Db, channelIds: string[], statuses: readonly PostStatus[], after: Date) {
  return db
    .selectFrom('post_targets as t')
    .innerJoin('posts as p', 'p.id', 't.post_id')
    .select(['t.channel_id', 'p.publish_at'])
    .where('t.channel_id', 'in', channelIds)
    .where('p.status', 'in', [...statuses])
    .where('p.publish_at', '>', after)
    .execute();
}

/** Stores a post with its targets and media (in order). */
export async function insertPost(
  db: Db,
  post: Insertable<PostsTable> & { id: string },
  targets: Insertable<PostTargetsTable>[],
  media: Omit<Insertable<PostMediaTable>, 'post_id' | 'position'>[],
): Promise<void> {
  await db.insertInto('posts').values(post).execute();
  await db.insertInto('post_targets').values(targets).execute();
  if (media.length > 0) {
    await db
      .insertInto('post_media')
      .values(media.map((m, position) => ({ post_id: post.id, position, ...m })))
      .execute();
  }
}
