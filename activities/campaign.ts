import { recordDecisionInAudit } from '../db/approvals';
import type { ChainDecision } from '../contracts/approval';
import { pendingCampaignPosts, pendingCampaignPostTimes, saveCampaignStatus, targetChannelGaps } from '../db/campaigns';
import type { Db } from '../db/database';
import type { CampaignStatus } from '../db/campaigns.types';

export interface CampaignDeps {
  db: Db;
}

/** Missed posts are spread out at least this far apart on a channel when a campaign resumes. */
const RESUME_SPACING_MINUTES = 5;

export function createCampaignActivities({ db }: CampaignDeps) {
  return {
    async markCampaignStatus(input: { campaignId: string; status: CampaignStatus; actorId?: string }): Promise<void> {
      await saveCampaignStatus(db, input);
    },

    async pendingCampaignPosts({
      campaignId,
    }: {
      campaignId: string;
    }): Promise<{ postId: string; workflowId: string }[]> {
      const rows = await pendingCampaignPosts(db, campaignId);
      return rows.map((r) => ({ postId: r.id, workflowId: r.workflow_id }));
    },

    /**
     * The resume rule: posts whose publish time passed while the campaign was not running go out
     * from one minute after the resume, in their original order, at least the channel's minimum gap
     * (and never less than five minutes) apart on each channel. Posts still ahead keep their time.
     * Returns every pending post, with a new time for those that moved.
     */
    async planResume({
      campaignId,
      resumedAt,
    }: {
      campaignId: string;
      pausedAt: string | null;
      resumedAt: string;
    }): Promise<{ workflowId: string; publishAt?: string }[]> {
      const resumed = new Date(resumedAt).getTime();
      const posts = await pendingCampaignPostTimes(db, campaignId);
      if (posts.length === 0) return [];
      const targets = await targetChannelGaps(
        db,
        posts.map((p) => p.id),
      );
      const nextFree = new Map<string, number>(); // channel → earliest time its next moved post may go
      return posts.map((post) => {
        if (post.publish_at.getTime() > resumed) return { workflowId: post.workflow_id };
        const own = targets.filter((t) => t.post_id === post.id);
        const at = Math.max(resumed + 60_000, ...own.map((t) => nextFree.get(t.channel_id) ?? 0));
        for (const t of own)
          nextFree.set(t.channel_id, at + Math.max(t.min_gap_minutes, RESUME_SPACING_MINUTES) * 60_000);
        return { workflowId: post.workflow_id, publishAt: new Date(at).toISOString() };
      });
    },

    async recordCampaignDecision(input: ChainDecision & { campaignId: string }): Promise<void> {
      await recordDecisionInAudit(db, { subjectType: 'campaign', subjectId: input.campaignId, ...input });
    },
  };
}

export type CampaignActivities = ReturnType<typeof createCampaignActivities>;
