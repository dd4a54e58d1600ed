import { sql } from 'kysely';
import { appendAudit, appendAuditEntries } from './audit';
import { Batches } from './batches';
import type { Db } from './database';
import type { PostStatus } from './posts.types';

/**
 * A post no publish has claimed and that is still waiting to publish: a change to it may still be
 * saved. (A staged post may be held, or back in its approval chain, in the database a moment before
 * its workflow learns it, while a concurrent change is being saved.)
 */
export function isUnclaimed(status: PostStatus): boolean {
  return (
    status === 'scheduled' || status === 'held' || status === 'awaiting_approval' || status === 'changes_requested'
  );
}

/**
 * Starts a new staging of the post's publishes and returns its number: only publishes carrying the
 * latest number may claim the post. Every change that calls staged publishes off (cancel, hold,
 * reschedule, an edit back into approval) moves the number on too (`nextPublishStage`), so a
 * publish called off can never claim the post, even one whose worker has not heard yet, and even
 * once the post is scheduled for the same time again.
 */
export async function announcePublishStage(db: Db, postId: string): Promise<number> {
  const post = await db
    .updateTable('posts')
    .set(nextPublishStage)
    .where('id', '=', postId)
    .returning('publish_stage')
    .executeTakeFirstOrThrow();
  return post.publish_stage;
}

/** The update that invalidates every staging so far (see `announcePublishStage`). */
export const nextPublishStage = { publish_stage: sql<number>`publish_stage + 1` };

/** One staged publish asking to go out: its post must still be scheduled for `publishAt`, by staging `stage`. */
export interface ClaimRequest {
  postId: string;
  publishAt: string;
  stage: number;
  targetId: string;
  attempt: number;
}

/** What a claim found: the target's text as it is now (an edit may have changed it before the claim). */
export type ClaimOutcome = { claimed: false } | { claimed: true; text: string; channelRemoved: boolean };

/**
 * Claims staged posts for publishing, in one transaction for many: scheduled → publishing for
 * every post still scheduled for its claim's time and staging, its targets marked publishing and
 * sending (with the attempt) and an audit row each. A retry's attempt claims again, which is what
 * orders it against a cancel (`cancelRetries`). The row locks order a claim against every guarded change
 * (cancel, reschedule, edit and hold save only while `isUnclaimed`), so exactly one of them wins;
 * they are taken in id order, so batches from several workers cannot deadlock. A post claimed for
 * that time and staging already (by an earlier attempt, or by a sibling target's claim) counts as
 * claimed.
 */
export async function claimPosts(db: Db, requests: ClaimRequest[]): Promise<ClaimOutcome[]> {
  if (requests.length === 0) return [];
  const postIds = requests.map((r) => r.postId);
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom('posts').select('id').where('id', 'in', postIds).orderBy('id').forUpdate().execute();
    const claimedNow = await sql<{ id: string; workspace_id: string; publish_at: Date; publish_stage: number }>`
      update posts p set status = 'publishing', updated_at = now()
      from (
        select distinct * from unnest(${postIds}::uuid[], ${requests.map((r) => new Date(r.publishAt).toISOString())}::timestamptz[], ${requests.map((r) => r.stage)}::int[])
          as w(id, publish_at, stage)
      ) w
      where p.id = w.id and p.publish_at = w.publish_at and p.publish_stage = w.stage and p.status = 'scheduled'
      returning p.id, p.workspace_id, p.publish_at, p.publish_stage`.execute(trx);
    await appendAuditEntries(
      trx,
      claimedNow.rows.map((post) => ({
        workspaceId: post.workspace_id,
        actorId: null,
        action: 'post.status_changed',
        subjectType: 'post',
        subjectId: post.id,
        before: { status: 'scheduled' },
        after: { status: 'publishing' },
      })),
    );
    // Claimed by this update, or earlier (a retry, a sibling target): only the latter are read back.
    const claimed = new Map<string, { publish_at: Date; publish_stage: number }>(claimedNow.rows.map((p) => [p.id, p]));
    const others = postIds.filter((id) => !claimed.has(id));
    if (others.length > 0) {
      const earlier = await trx
        .selectFrom('posts')
        .select(['id', 'publish_at', 'publish_stage'])
        .where('id', 'in', others)
        .where('status', '=', 'publishing')
        .execute();
      for (const post of earlier) claimed.set(post.id, post);
    }
    const isClaimed = (r: ClaimRequest) => {
      const post = claimed.get(r.postId);
      return (
        post !== undefined && post.publish_at.getTime() === Date.parse(r.publishAt) && post.publish_stage === r.stage
      );
    };

    const granted = requests.filter(isClaimed);
    const targets =
      granted.length === 0
        ? []
        : (
            await sql<{ id: string; text: string; channel_removed: boolean }>`
        update post_targets t set status = case when t.status = 'published' then t.status else 'publishing' end,
          sending = t.status <> 'published', attempts = g.attempt, updated_at = now()
        from unnest(${granted.map((r) => r.targetId)}::uuid[], ${granted.map((r) => r.attempt)}::int[]) as g(id, attempt), channels c
        where t.id = g.id and c.id = t.channel_id
        returning t.id, t.text, c.deleted_at is not null as channel_removed`.execute(trx)
          ).rows;
    const byTarget = new Map(targets.map((t) => [t.id, t]));
    return requests.map((r): ClaimOutcome => {
      const target = isClaimed(r) ? byTarget.get(r.targetId) : undefined;
      return target ? { claimed: true, text: target.text, channelRemoved: target.channel_removed } : { claimed: false };
    });
  });
}

/**
 * A failed send of a claimed post is over: the target is no longer sending. True when the post was
 * cancelled while the send was in flight (a cancel moves the publish stage on): the target is then
 * cancelled instead of retried. Under the post's row lock, so it is ordered against the cancel.
 */
export async function endFailedSend(
  db: Db,
  { postId, targetId, stage }: { postId: string; targetId: string; stage: number },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const post = await trx
      .selectFrom('posts')
      .select('publish_stage')
      .where('id', '=', postId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const cancelled = post.publish_stage !== stage;
    await trx
      .updateTable('post_targets')
      .set({ sending: false, updated_at: new Date(), ...(cancelled ? { status: 'cancelled' as const } : {}) })
      .where('id', '=', targetId)
      .where('status', '!=', 'published')
      .execute();
    return cancelled;
  });
}

/** What a cancel of a claimed post did: which targets it stopped, and which were on the network at that moment. */
export type RetriesCancelled = { cancelled: false } | { cancelled: true; stopped: string[]; sending: string[] };

/**
 * Cancels a claimed post whose send failed and waits to retry (or for its channel to be
 * reconnected). The claim orders only the first send: until one has failed there is nothing to
 * stop, and this refuses. Under the post's row lock, as claims take it: every target not on the
 * network now is cancelled (its next attempt's claim is refused: the post is no longer publishing,
 * and the stage moved on); a target sending now finishes, and ends published if it got through or
 * cancelled if it failed (`endFailedSend`).
 */
export async function cancelRetries(
  db: Db,
  { postId, actorId }: { postId: string; actorId?: string },
): Promise<RetriesCancelled> {
  return db.transaction().execute(async (trx) => {
    const post = await trx
      .selectFrom('posts')
      .select(['workspace_id', 'status'])
      .where('id', '=', postId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (post.status !== 'publishing') return { cancelled: false };
    const targets = await trx
      .selectFrom('post_targets')
      .select(['id', 'status', 'sending'])
      .where('post_id', '=', postId)
      .execute();
    if (!targets.some((t) => t.status === 'publishing' && !t.sending)) return { cancelled: false };
    const stopped = targets
      .filter((t) => (t.status === 'publishing' || t.status === 'pending') && !t.sending)
      .map((t) => t.id);
    const sending = targets.filter((t) => t.status === 'publishing' && t.sending).map((t) => t.id);
    await trx
      .updateTable('posts')
      .set({ status: 'cancelled', updated_at: new Date(), ...nextPublishStage })
      .where('id', '=', postId)
      .execute();
    await trx
      .updateTable('post_targets')
      .set({ status: 'cancelled', updated_at: new Date() })
      .where('id', 'in', stopped)
      .execute();
    await appendAudit(trx, {
      workspaceId: post.workspace_id,
      actorId: actorId ?? null,
      action: 'post.status_changed',
      subjectType: 'post',
      subjectId: postId,
      before: { status: 'publishing' },
      after: { status: 'cancelled', stoppedTargetIds: stopped, sendingTargetIds: sending },
    });
    return { cancelled: true, stopped, sending };
  });
}

/** How long the first claim of a batch waits for others. */
const CLAIM_GATHER_MS = 10;
const MAX_CLAIMS_PER_BATCH = 500;

/**
 * Gathers the claims of one worker into batches (`claimPosts`): a burst of posts due at once is
 * claimed in a few transactions instead of one each. One batch at a time, so two batches never
 * wait on each other's row locks.
 */
export class ClaimBatcher {
  private readonly batches: Batches<ClaimRequest, ClaimOutcome>;

  constructor(db: Db) {
    this.batches = new Batches((requests) => claimPosts(db, requests), {
      max: MAX_CLAIMS_PER_BATCH,
      gatherMs: CLAIM_GATHER_MS,
    });
  }

  claim(request: ClaimRequest): Promise<ClaimOutcome> {
    return this.batches.add(request);
  }
}
