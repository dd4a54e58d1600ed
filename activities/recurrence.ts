import { DomainError, Unavailable } from '../contracts/errors';
import { nthOccurrence } from '../content/recurrence';
import { appendAudit } from '../db/audit';
import { createPlannedPost, derivedPostId, planPost, type PostCreationContext } from '../services/posts';
import { postWorkflowId } from '../contracts/post';
import type { RecurrenceStatus } from '../contracts/recurrence';

/** The I/O of recurring posts: computing occurrences and creating each one's post, once. */
export function createRecurrenceActivities(ctx: PostCreationContext) {
  return {
    async planOccurrence({ recurrenceId, index }: { recurrenceId: string; index: number }): Promise<{ at: string } | null> {
      const recurrence = await ctx.db.selectFrom('recurrences').select('rule').where('id', '=', recurrenceId).executeTakeFirstOrThrow();
      const at = nthOccurrence(recurrence.rule, index);
      return at ? { at: at.toISOString() } : null;
    },

    /**
     * Creates occurrence `index` as a post due at `at`, through every check a post passes. Its id
     * is derived from the recurrence and index, so a retry returns the same post.
     */
    async createOccurrence({ recurrenceId, index, at }: { recurrenceId: string; index: number; at: string }): Promise<{ postId?: string; workflowId?: string; skipped?: string }> {
      const postId = derivedPostId(`recurrence:${recurrenceId}:${index}`);
      const existing = await ctx.db.selectFrom('posts').select('workflow_id').where('id', '=', postId).executeTakeFirst();
      if (existing) return { postId, workflowId: existing.workflow_id };
      const r = await ctx.db.selectFrom('recurrences').selectAll().where('id', '=', recurrenceId).executeTakeFirstOrThrow();
      const author = await ctx.db.selectFrom('memberships').select('role').where('workspace_id', '=', r.workspace_id).where('user_id', '=', r.author_id).executeTakeFirst();
      if (!author) return { skipped: 'its author is no longer a member of the workspace' };
      try {
        const plan = await planPost(ctx, { userId: r.author_id, workspaceId: r.workspace_id, role: author.role, tokenId: '' }, { text: r.text, channelIds: r.channel_ids, variants: r.variants, publishAt: at });
        plan.input.postId = postId;
        plan.recurrence = { id: recurrenceId, occurrence: index };
        await createPlannedPost(ctx, plan);
        return { postId, workflowId: postWorkflowId(postId) };
      } catch (err) {
        if (err instanceof DomainError && !(err instanceof Unavailable)) return { skipped: err.message };
        throw err;
      }
    },

    async markRecurrenceStatus({ recurrenceId, status, actorId }: { recurrenceId: string; status: RecurrenceStatus; actorId?: string }): Promise<void> {
      await ctx.db.transaction().execute(async (trx) => {
        const before = await trx.selectFrom('recurrences').select(['workspace_id', 'status']).where('id', '=', recurrenceId).executeTakeFirstOrThrow();
        if (before.status === status) return;
        await trx.updateTable('recurrences').set({ status, updated_at: new Date() }).where('id', '=', recurrenceId).execute();
        await appendAudit(trx, { workspaceId: before.workspace_id, actorId: actorId ?? null, action: 'recurrence.status_changed', subjectType: 'recurrence', subjectId: recurrenceId, before: { status: before.status }, after: { status } });
      });
    },
  };
}

export type RecurrenceActivities = ReturnType<typeof createRecurrenceActivities>;
