/** The publishing workflow of one post (workflows/post-publishing.ts): its id, input, status and messages. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { PostStatus, Provider, TargetStatus } from './domain';
import { FailureType } from './shared';
import type { ApprovalStep } from './approval';

export const postWorkflowId = (postId: string): string => `post/${postId}`;

export const NON_RETRYABLE_PUBLISH_FAILURES: FailureType[] = [
  FailureType.InvalidContent,
  FailureType.ChannelAuthFailed,
  FailureType.DeliveryRejected,
  FailureType.ChannelRemoved,
];

export interface PostWorkflowTarget {
  targetId: string;
  channelId: string;
  provider: Provider;
}

/** New content for a post, already checked against every channel's limits by the API. */
export interface EditRequest {
  actorId: string;
  text: string;
  targets: { targetId: string; text: string }[];
}

export interface PostWorkflowInput {
  postId: string;
  workspaceId: string;
  /** ISO-8601 instant. */
  publishAt: string;
  targets: PostWorkflowTarget[];
  campaignId?: string | null;
  /** Present when a policy applies: the post cannot publish before every step approves. */
  approval?: { authorId: string; steps: ApprovalStep[]; distinctApprovers?: boolean };
  /** No publish time was asked for: publish as soon as the chain approves (such a post never expires). */
  publishOnApproval?: boolean;
  /** Part of a campaign that is not running yet (draft, in review, paused): wait for its release. */
  held?: boolean;
  /** The text's first words (`excerptOf`), for the workflow's details in the Temporal UI. */
  excerpt?: string;
  /** Names (or emails) of the people in the approval chain by user id, for the same details. */
  people?: Record<string, string>;
}

/** The first words of a text, on one line, cut at a word: what the Temporal UI shows of a post. */
export function excerptOf(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (oneLine.length <= 60) return oneLine;
  const cut = oneLine.slice(0, 59);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > 30 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}

export interface PostWorkflowTargetStatus extends PostWorkflowTarget {
  status: TargetStatus;
  externalId?: string;
  url?: string | null;
  error?: string;
}

export interface PostWorkflowStatus {
  postId: string;
  status: PostStatus;
  publishAt: string;
  targets: PostWorkflowTargetStatus[];
}

export interface RescheduleRequest {
  publishAt: string;
  /** The user asking, for the audit log. */
  actorId?: string;
}

export interface CancelRequest {
  actorId?: string;
}

export const rescheduleUpdate = defineUpdate<PostWorkflowStatus, [RescheduleRequest]>('reschedule');
export const cancelUpdate = defineUpdate<PostWorkflowStatus, [CancelRequest]>('cancel');
export const postStatusQuery = defineQuery<PostWorkflowStatus>('status');
export const editUpdate = defineUpdate<PostWorkflowStatus, [EditRequest]>('edit');

// Campaigns steer their posts with signals (a workflow cannot send Updates), and posts report back.
export interface ReleaseRequest {
  /** A new publish time, when the campaign's resume rule moved this post. */
  publishAt?: string;
}
export const holdSignal = defineSignal('hold');
export const releaseSignal = defineSignal<[ReleaseRequest]>('release');
export const campaignCancelledSignal = defineSignal('campaignCancelled');
/** Cancels a post that has not started publishing (sent by its recurrence when stopped). */
export const cancelSignal = defineSignal('cancel');
export const joinCampaignSignal = defineSignal<[{ campaignId: string; held: boolean }]>('joinCampaign');
/** A channel was reconnected (or removed): a target waiting on it after refused credentials tries again (or fails as removed). */
export const channelReconnectedSignal = defineSignal<[{ channelId: string }]>('channelReconnected');
