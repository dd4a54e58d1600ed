import { DomainError, Unavailable } from '../contracts/errors';
import { nthOccurrence } from '../content/recurrence';
import { findMemberRole } from '../db/members';
import { findPostWorkflowId } from '../db/posts';
import { findRecurrenceRule, loadRecurrence, saveRecurrenceStatus } from '../db/recurrences';
import { createPlannedPost, derivedPostId, planPost, type PostCreationContext } from '../services/posts';
import { postWorkflowId } from '../contracts/post';
import type { RecurrenceStatus } from '../contracts/recurrence';

/** The I/O of recurring posts: computing occurrences and creating each one's post, once. */
export function createRecurrenceActivities(ctx: PostCreationContext) {
  return {
    async planOccurrence({
      recurrenceId,
      index,
    }: {
      recurrenceId: string;
      index: number;
    }): Promise<{ at: string } | null> {
      const at = nthOccurrence(await findRecurrenceRule(ctx.db, recurrenceId), index);
      return at ? { at: at.toISOString() } : null;
    },

    /**
     * Creates occurrence `index` as a post due at `at`, through every check a post passes. Its id
     * is derived from the recurrence and index, so a retry returns the same post.
     */
    async createOccurrence({
      recurrenceId,
      index,
      at,
    }: {
      recurrenceId: string;
      index: number;
      at: string;
    }): Promise<{ postId?: string; workflowId?: string; skipped?: string }> {
      const postId = derivedPostId(`recurrence:${recurrenceId}:${index}`);
      const existing = await findPostWorkflowId(ctx.db, postId);
      if (existing) return { postId, workflowId: existing };
      const r = await loadRecurrence(ctx.db, recurrenceId);
      const authorRole = await findMemberRole(ctx.db, r.workspace_id, r.author_id);
      if (!authorRole) return { skipped: 'its author is no longer a member of the workspace' };
      try {
        const plan = await planPost(
          ctx,
          { userId: r.author_id, workspaceId: r.workspace_id, role: authorRole, tokenId: null },
          { text: r.text, channelIds: r.channel_ids, variants: r.variants, publishAt: at },
        );
        plan.input.postId = postId;
        plan.recurrence = { id: recurrenceId, occurrence: index };
        await createPlannedPost(ctx, plan);
        return { postId, workflowId: postWorkflowId(postId) };
      } catch (err) {
        if (err instanceof DomainError && !(err instanceof Unavailable)) return { skipped: err.message };
        throw err;
      }
    },

    async markRecurrenceStatus(input: {
      recurrenceId: string;
      status: RecurrenceStatus;
      actorId?: string;
    }): Promise<void> {
      await saveRecurrenceStatus(ctx.db, input);
    },
  };
}

export type RecurrenceActivities = ReturnType<typeof createRecurrenceActivities>;
