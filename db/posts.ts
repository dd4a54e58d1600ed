import { sql, type Insertable } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { z } from 'zod';
import type { Db } from './database';
import { prepare } from './prepared';
import type { ApprovalDecisionsTable } from './approvals';
import type { Provider } from './channels';
import {
  type Post,
  type PostStatus,
  type PostTarget,
  type PostMediaTable,
  type PostsTable,
  type PostTargetsTable,
} from './posts.types';
import { POST_STATUSES, TARGET_STATUSES } from '../contracts/domain';
import { appendAudit } from './audit';
import { isUnclaimed, nextPublishStage } from './post-claims';

export const postTargetView = z.object({
  id: z.uuid(),
  channelId: z.uuid(),
  text: z.string(),
  status: z.enum(TARGET_STATUSES),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  externalId: z.string().nullable().describe("The network's id, e.g. the at:// URI of the Bluesky record"),
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
  preApproved: z
    .boolean()
    .describe('Made from an approved library item without changes, so it skipped its approval chain'),
  createdAt: z.string(),
  updatedAt: z.string(),
  media: z.array(postMediaView).describe('Attached media, in order'),
  targets: z.array(postTargetView),
});
export type PostView = z.infer<typeof postView>;

/**
 * The post columns its view shows. Named, not `select *`: a read runs as a prepared statement
 * (db/prepared.ts), and PostgreSQL refuses to run one whose result columns a migration changed
 * ("cached plan must not change result type"), so an API process still running while a newer one
 * adds a column to posts would fail every read by id until it restarted.
 */
const POST_VIEW_COLUMNS = [
  'id',
  'workspace_id',
  'author_id',
  'text',
  'publish_at',
  'status',
  'workflow_id',
  'campaign_id',
  'library_item_id',
  'pre_approved',
  'created_at',
  'updated_at',
] as const;

export function toPostView(
  post: Pick<Post, (typeof POST_VIEW_COLUMNS)[number]>,
  targets: PostTarget[],
  media: PostMediaView[] = [],
): PostView {
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

export interface PostFilter {
  ids?: string[];
  from?: Date;
  to?: Date;
  status?: PostStatus;
  channelId?: string;
  campaignId?: string;
  awaitingUserId?: string;
  limit?: number;
}

// One round trip: each post with its targets and media as JSON arrays (a list page was three),
// compiled once for each set of filters that apply.
const postsQuery = prepare<PostFilter & { workspaceId: string }>()((db, p, shape) => {
  const applies = new Set(shape.split(','));
  let query = db.selectFrom('posts').select(POST_VIEW_COLUMNS).where('workspace_id', '=', p.workspaceId);
  if (applies.has('ids')) query = query.where('id', '=', sql<string>`any(${p.ids}::uuid[])`);
  if (applies.has('from')) query = query.where('publish_at', '>=', p.from);
  if (applies.has('to')) query = query.where('publish_at', '<', p.to);
  if (applies.has('status')) query = query.where('status', '=', p.status);
  if (applies.has('campaignId')) query = query.where('campaign_id', '=', p.campaignId);
  if (applies.has('awaitingUserId'))
    query = query.where(sql<boolean>`${p.awaitingUserId}::uuid = any(awaiting_user_ids)`);
  if (applies.has('channelId'))
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('post_targets')
          .select('id')
          .whereRef('post_targets.post_id', '=', 'posts.id')
          .where('channel_id', '=', p.channelId),
      ),
    );
  return query
    .select((eb) => [
      jsonArrayFrom(
        eb.selectFrom('post_targets as t').selectAll('t').whereRef('t.post_id', '=', 'posts.id').orderBy('t.id'),
      ).as('targetRows'),
      jsonArrayFrom(
        eb
          .selectFrom('post_media as pm')
          .innerJoin('media_assets as m', 'm.id', 'pm.media_id')
          .select([
            'pm.media_id as mediaId',
            'pm.library_item_id as libraryItemId',
            'pm.alt',
            'm.content_type as contentType',
            'm.bytes',
            'm.width',
            'm.height',
          ])
          .whereRef('pm.post_id', '=', 'posts.id')
          .orderBy('pm.position'),
      ).as('media'),
    ])
    .orderBy('publish_at')
    .orderBy('id')
    .limit(p.limit);
});

/** Posts with their targets, in the caller's workspace only. */
export async function findPosts(db: Db, workspaceId: string, filter: PostFilter = {}): Promise<PostView[]> {
  if (filter.ids?.length === 0) return [];
  const args = { ...filter, limit: filter.limit ?? 500 };
  const shape = Object.keys(args)
    .filter((key) => args[key as keyof typeof args] !== undefined)
    .sort()
    .join(',');
  const rows = await postsQuery.execute(db, shape, { ...args, workspaceId });
  // JSON carries timestamps as text: back to Dates, as the row mapping expects.
  return rows.map(({ targetRows, media, ...post }) =>
    toPostView(
      post,
      targetRows.map((t) => ({
        ...t,
        published_at: t.published_at === null ? null : new Date(t.published_at),
        updated_at: new Date(t.updated_at),
      })),
      media,
    ),
  );
}

/** The media attached to these posts, in order, with what publishing and validation need to know. */
export async function findPostMedia(
  db: Db,
  postIds: string[],
): Promise<(PostMediaView & { postId: string; storageKey: string; sha256: string })[]> {
  if (postIds.length === 0) return [];
  const rows = await db
    .selectFrom('post_media as pm')
    .innerJoin('media_assets as m', 'm.id', 'pm.media_id')
    .select([
      'pm.post_id',
      'pm.media_id',
      'pm.library_item_id',
      'pm.alt',
      'm.content_type',
      'm.bytes',
      'm.width',
      'm.height',
      'm.storage_key',
      'm.sha256',
    ])
    .where('pm.post_id', 'in', postIds)
    .orderBy('pm.post_id')
    .orderBy('pm.position')
    .execute();
  return rows.map((r) => ({
    postId: r.post_id,
    mediaId: r.media_id,
    libraryItemId: r.library_item_id,
    alt: r.alt,
    contentType: r.content_type,
    bytes: r.bytes,
    width: r.width,
    height: r.height,
    storageKey: r.storage_key,
    sha256: r.sha256,
  }));
}

export async function findPost(db: Db, workspaceId: string, postId: string): Promise<PostView | undefined> {
  const [post] = await findPosts(db, workspaceId, { ids: [postId] });
  return post;
}

/** A target with its post's time and its channel, as publishing loads it ahead of the network call. */
export async function findTargetToPublish(db: Db, postId: string, targetId: string) {
  return db
    .selectFrom('post_targets as t')
    .innerJoin('posts as p', 'p.id', 't.post_id')
    .innerJoin('channels as c', 'c.id', 't.channel_id')
    .select([
      't.id',
      't.channel_id',
      't.text',
      't.status',
      't.idempotency_key',
      't.external_id',
      't.external_url',
      'p.publish_at',
      'p.workspace_id',
      'c.provider',
      'c.name as channelName',
      'c.credentials_sealed',
      'c.deleted_at',
      'c.status as channelStatus',
      'c.last_error as channelError',
    ])
    .where('t.id', '=', targetId)
    .where('t.post_id', '=', postId)
    .executeTakeFirst();
}

export async function setTargetLastError(db: Db, targetId: string, error: string): Promise<void> {
  await db
    .updateTable('post_targets')
    .set({ last_error: error, updated_at: new Date() })
    .where('id', '=', targetId)
    .execute();
}

export async function markTargetPublishing(db: Db, targetId: string, attempt: number): Promise<void> {
  await db
    .updateTable('post_targets')
    .set({ status: 'publishing', attempts: attempt, updated_at: new Date() })
    .where('id', '=', targetId)
    .execute();
}

/** Fails a target for good, unless it was published. */
export async function markTargetFailed(db: Db, targetId: string, reason: string): Promise<void> {
  await db
    .updateTable('post_targets')
    .set({ status: 'failed', sending: false, last_error: reason, updated_at: new Date() })
    .where('id', '=', targetId)
    .where('status', '!=', 'published')
    .execute();
}

export async function postExists(db: Db, postId: string): Promise<boolean> {
  const post = await db.selectFrom('posts').select('id').where('id', '=', postId).executeTakeFirst();
  return post !== undefined;
}

/**
 * Moves a post. With `unlessClaimed` (a staged post), only if no publish has claimed it: returns
 * false, changing nothing, when one has.
 */
export async function savePostSchedule(
  db: Db,
  {
    postId,
    publishAt,
    actorId,
    unlessClaimed,
  }: { postId: string; publishAt: string; actorId?: string; unlessClaimed?: boolean },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('posts')
      .select(['workspace_id', 'publish_at', 'status'])
      .where('id', '=', postId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (before.publish_at.getTime() === Date.parse(publishAt)) return true; // an earlier attempt saved it
    if (unlessClaimed && !isUnclaimed(before.status)) return false;
    // A staged post's publishes were staged for the old time: they may no longer claim it.
    await trx
      .updateTable('posts')
      .set({ publish_at: publishAt, updated_at: new Date(), ...(unlessClaimed ? nextPublishStage : {}) })
      .where('id', '=', postId)
      .execute();
    await appendAudit(trx, {
      workspaceId: before.workspace_id,
      actorId: actorId ?? null,
      action: 'post.rescheduled',
      subjectType: 'post',
      subjectId: postId,
      before: { publishAt: before.publish_at.toISOString() },
      after: { publishAt },
    });
    return true;
  });
}

/**
 * Sets a post's status (and its publish time, when given). With `unlessClaimed`, only if no publish
 * has claimed the post, with `onlyFrom` only from that status: either returns false, changing
 * nothing, otherwise.
 */
export async function savePostStatus(
  db: Db,
  {
    postId,
    status,
    actorId,
    awaitingUserIds,
    unlessClaimed,
    onlyFrom,
    publishAt,
  }: {
    postId: string;
    status: PostStatus;
    actorId?: string;
    awaitingUserIds?: string[];
    unlessClaimed: boolean;
    onlyFrom?: PostStatus;
    publishAt?: string;
  },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('posts')
      .select(['workspace_id', 'status'])
      .where('id', '=', postId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (before.status === status) return true;
    if (unlessClaimed && !isUnclaimed(before.status)) return false;
    if (onlyFrom && before.status !== onlyFrom) return false;
    await trx
      .updateTable('posts')
      .set({
        status,
        updated_at: new Date(),
        awaiting_user_ids: status === 'awaiting_approval' ? (awaitingUserIds ?? []) : [],
        ...(publishAt ? { publish_at: publishAt } : {}),
        // A staged post called off (cancelled, held): its staged publishes may no longer claim it.
        ...(unlessClaimed ? nextPublishStage : {}),
      })
      .where('id', '=', postId)
      .execute();
    if (status === 'cancelled') {
      await trx
        .updateTable('post_targets')
        .set({ status: 'cancelled', updated_at: new Date() })
        .where('post_id', '=', postId)
        .where('status', '=', 'pending')
        .execute();
    }
    await appendAudit(trx, {
      workspaceId: before.workspace_id,
      actorId: actorId ?? null,
      action: 'post.status_changed',
      subjectType: 'post',
      subjectId: postId,
      before: { status: before.status },
      after: { status, ...(publishAt ? { publishAt } : {}) },
    });
    return true;
  });
}

/** Stores one approval decision on a post (once, whatever the retries) and who the chain waits on next. */
export async function recordPostApprovalDecision(
  db: Db,
  input: {
    postId: string;
    round?: number;
    step: number;
    stepName: string;
    userId: string;
    decision: ApprovalDecisionsTable['decision'];
    comment?: string;
    awaitingUserIds: string[];
  },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('approval_decisions')
      .values({
        post_id: input.postId,
        round: input.round ?? 0,
        step: input.step,
        user_id: input.userId,
        decision: input.decision,
        comment: input.comment ?? null,
        at: new Date(),
      })
      .onConflict((oc) => oc.columns(['post_id', 'round', 'step', 'user_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return;
    const post = await trx
      .updateTable('posts')
      .set({ awaiting_user_ids: input.awaitingUserIds, updated_at: new Date() })
      .where('id', '=', input.postId)
      .returning('workspace_id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      workspaceId: post.workspace_id,
      actorId: input.userId,
      action: 'post.approval_decided',
      subjectType: 'post',
      subjectId: input.postId,
      after: {
        decision: input.decision,
        round: input.round ?? 0,
        step: input.step + 1,
        stepName: input.stepName,
        comment: input.comment ?? null,
      },
    });
  });
}

export async function findPostWorkspaceAndText(db: Db, postId: string) {
  return db
    .selectFrom('posts as p')
    .select(['p.workspace_id', 'p.text'])
    .where('p.id', '=', postId)
    .executeTakeFirstOrThrow();
}

/** Edited content (already checked against each channel's limits) and the chain's new state. */
export interface PostContentEdit {
  postId: string;
  actorId: string;
  text: string;
  targets: { targetId: string; text: string }[];
  /** The status the edit leads to; unchanged when omitted. */
  status?: PostStatus;
  round: number;
  awaitingUserIds: string[];
  /** A staged post: save only if no publish has claimed it. */
  unlessClaimed?: boolean;
}

/**
 * Saves edited content and the approval chain's new state. With `unlessClaimed` (a staged post),
 * only if no publish has claimed it: returns false, changing nothing, when one has.
 */
export async function savePostContent(db: Db, input: PostContentEdit): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('posts')
      .select(['workspace_id', 'text', 'status'])
      .where('id', '=', input.postId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const status = input.status ?? before.status;
    if (input.unlessClaimed) {
      // Back into approval already, with this text: saved by an earlier attempt.
      if (input.status && before.status === input.status && before.text === input.text) return true;
      if (!isUnclaimed(before.status)) return false;
    }
    await trx
      .updateTable('posts')
      .set({
        text: input.text,
        status,
        awaiting_user_ids: status === 'awaiting_approval' ? input.awaitingUserIds : [],
        updated_at: new Date(),
        // Back into approval, a staged post's publishes may no longer claim it; an edit that
        // leaves it scheduled keeps them (they read the text after their claim).
        ...(input.unlessClaimed && status !== before.status ? nextPublishStage : {}),
      })
      .where('id', '=', input.postId)
      .execute();
    for (const t of input.targets) {
      await trx
        .updateTable('post_targets')
        .set({ text: t.text, updated_at: new Date() })
        .where('id', '=', t.targetId)
        .where('post_id', '=', input.postId)
        .execute();
    }
    await appendAudit(trx, {
      workspaceId: before.workspace_id,
      actorId: input.actorId,
      action: 'post.edited',
      subjectType: 'post',
      subjectId: input.postId,
      before: { text: before.text, status: before.status },
      after: { text: input.text, status, approvalRound: input.round },
    });
    return true;
  });
}

export async function findPostWorkflowId(db: Db, postId: string): Promise<string | undefined> {
  const post = await db.selectFrom('posts').select('workflow_id').where('id', '=', postId).executeTakeFirst();
  return post?.workflow_id;
}

/** What routes need to act on posts through their workflows, for the given ids in the workspace. */
export async function findPostHandles(db: Db, workspaceId: string, ids: string[]) {
  return db
    .selectFrom('posts')
    .select(['id', 'workflow_id', 'status', 'campaign_id', 'publish_at'])
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', ids)
    .execute();
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

/**
 * The text a post had in the round before `round`: what its last edit (the one that started
 * `round`) replaced, from the audit log. Null in round 0, or when no edit started the round.
 */
export async function previousRoundText(
  db: Db,
  workspaceId: string,
  postId: string,
  round: number,
): Promise<string | null> {
  if (round < 1) return null;
  const row = await db
    .selectFrom('audit_log')
    .select(sql<string | null>`before->>'text'`.as('text'))
    .where('workspace_id', '=', workspaceId)
    .where('subject_type', '=', 'post')
    .where('subject_id', '=', postId)
    .where('action', '=', 'post.edited')
    .where(sql<boolean>`(after->>'approvalRound')::int = ${round}`)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.text ?? null;
}
