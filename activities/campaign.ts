import { sql } from 'kysely';
import { appendAudit, auditActionNames } from '../db/audit';
import type { CampaignStatus, Db } from '../db/database';
import type { DecisionKind } from '../contracts/approval';

export interface CampaignDeps {
  db: Db;
}

/** Posts that can still publish: what a pause holds, a cancel stops and completion waits for. */
export const PENDING_POST_STATUSES = ['awaiting_approval', 'changes_requested', 'scheduled', 'held', 'publishing'] as const;

/** Missed posts are spread out at least this far apart on a channel when a campaign resumes. */
const RESUME_SPACING_MINUTES = 5;

export function createCampaignActivities({ db }: CampaignDeps) {
  return {
    async markCampaignStatus({ campaignId, status, actorId }: { campaignId: string; status: CampaignStatus; actorId?: string }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const before = await trx.selectFrom('campaigns').select(['workspace_id', 'status']).where('id', '=', campaignId).executeTakeFirstOrThrow();
        if (before.status === status) return;
        await trx.updateTable('campaigns').set({ status, updated_at: new Date() }).where('id', '=', campaignId).execute();
        await appendAudit(trx, { workspaceId: before.workspace_id, actorId: actorId ?? null, action: 'campaign.status_changed', subjectType: 'campaign', subjectId: campaignId, before: { status: before.status }, after: { status } });
      });
    },

    async pendingCampaignPosts({ campaignId }: { campaignId: string }): Promise<{ postId: string; workflowId: string }[]> {
      const rows = await db.selectFrom('posts').select(['id', 'workflow_id']).where('campaign_id', '=', campaignId).where('status', 'in', [...PENDING_POST_STATUSES]).orderBy('publish_at').execute();
      return rows.map((r) => ({ postId: r.id, workflowId: r.workflow_id }));
    },

    /**
     * The resume rule: posts whose publish time passed while the campaign was not running go out
     * from one minute after the resume, in their original order, at least the channel's minimum gap
     * (and never less than five minutes) apart on each channel. Posts still ahead keep their time.
     * Returns every pending post, with a new time for those that moved.
     */
    async planResume({ campaignId, resumedAt }: { campaignId: string; pausedAt: string | null; resumedAt: string }): Promise<{ workflowId: string; publishAt?: string }[]> {
      const resumed = new Date(resumedAt).getTime();
      const posts = await db
        .selectFrom('posts')
        .select(['id', 'workflow_id', 'publish_at'])
        .where('campaign_id', '=', campaignId)
        .where('status', 'in', [...PENDING_POST_STATUSES])
        .orderBy('publish_at')
        .orderBy('id')
        .execute();
      if (posts.length === 0) return [];
      const targets = await db
        .selectFrom('post_targets as t')
        .innerJoin('channels as c', 'c.id', 't.channel_id')
        .select(['t.post_id', 't.channel_id', 'c.min_gap_minutes'])
        .where('t.post_id', 'in', posts.map((p) => p.id))
        .execute();
      const nextFree = new Map<string, number>(); // channel → earliest time its next moved post may go
      return posts.map((post) => {
        if (post.publish_at.getTime() > resumed) return { workflowId: post.workflow_id };
        const own = targets.filter((t) => t.post_id === post.id);
        const at = Math.max(resumed + 60_000, ...own.map((t) => nextFree.get(t.channel_id) ?? 0));
        for (const t of own) nextFree.set(t.channel_id, at + Math.max(t.min_gap_minutes, RESUME_SPACING_MINUTES) * 60_000);
        return { workflowId: post.workflow_id, publishAt: new Date(at).toISOString() };
      });
    },

    async recordCampaignDecision(input: { campaignId: string; round: number; step: number; stepName: string; userId: string; decision: DecisionKind; comment?: string }): Promise<void> {
      await recordDecisionInAudit(db, { subjectType: 'campaign', subjectId: input.campaignId, ...input });
    },
  };
}

export type CampaignActivities = ReturnType<typeof createCampaignActivities>;


/**
 * Records a decision on a campaign's or library item's chain in the audit log, once: the same
 * decision on the same step and round is not written twice, whatever the retries.
 */
export async function recordDecisionInAudit(
  db: Db,
  input: { subjectType: 'campaign' | 'library_item'; subjectId: string; round: number; step: number; stepName: string; userId: string; decision: DecisionKind; comment?: string },
): Promise<void> {
  const table = input.subjectType === 'campaign' ? 'campaigns' : 'library_items';
  await db.transaction().execute(async (trx) => {
    const subject = await trx.selectFrom(table).select('workspace_id').where('id', '=', input.subjectId).executeTakeFirstOrThrow();
    const audited = input.subjectType === 'campaign' ? ({ action: 'campaign.approval_decided', subjectType: 'campaign' } as const) : ({ action: 'library_item.approval_decided', subjectType: 'library_item' } as const);
    const key = `${input.round}:${input.step + 1}`; // round and step as people see them (steps from 1)
    // One decision per approver and step: a row under this action's older names counts too.
    const existing = await trx
      .selectFrom('audit_log')
      .select('id')
      .where('subject_id', '=', input.subjectId)
      .where('action', 'in', auditActionNames(audited.action))
      .where('actor_id', '=', input.userId)
      .where(sql<boolean>`after->>'key' = ${key}`)
      .executeTakeFirst();
    if (existing) return;
    await appendAudit(trx, {
      workspaceId: subject.workspace_id,
      actorId: input.userId,
      ...audited,
      subjectId: input.subjectId,
      after: { decision: input.decision, key, step: input.step + 1, stepName: input.stepName, comment: input.comment ?? null },
    });
  });
}
