/** The campaign workflow (workflows/campaign.ts): its id, input, status and messages, and the progress its posts report. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CampaignStatus, PostStatus } from './domain';
import type { ApprovalChainStatus, ApprovalStep } from './approval';

export const campaignWorkflowId = (campaignId: string): string => `campaign/${campaignId}`;

export interface PostProgress {
  postId: string;
  status: PostStatus;
}
export const postProgressSignal = defineSignal<[PostProgress]>('postProgress');

export interface CampaignWorkflowInput {
  campaignId: string;
  workspaceId: string;
  ownerId: string;
  startsAt: string;
  endsAt: string;
  /** State carried over by continue-as-new (the review is over by then; decisions are in the audit log). */
  carried?: { status: CampaignStatus; published: boolean; pausedAt: string | null; resumeFrom: CampaignStatus };
}

export interface CampaignWorkflowStatus {
  campaignId: string;
  status: CampaignStatus;
  approval: ApprovalChainStatus;
  pausedAt: string | null;
}

export interface SubmitRequest {
  actorId: string;
  /** The chain the plan goes through, resolved by the API from the workspace's policy. */
  steps: ApprovalStep[];
  distinctApprovers?: boolean;
}

export const submitCampaignUpdate = defineUpdate<CampaignWorkflowStatus, [SubmitRequest]>('submit');
export const pauseCampaignUpdate = defineUpdate<CampaignWorkflowStatus, [{ actorId: string }]>('pause');
export const resumeCampaignUpdate = defineUpdate<CampaignWorkflowStatus, [{ actorId: string }]>('resume');
export const cancelCampaignUpdate = defineUpdate<CampaignWorkflowStatus, [{ actorId: string }]>('cancel');
export const campaignStatusQuery = defineQuery<CampaignWorkflowStatus>('status');
