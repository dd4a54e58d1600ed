/**
 * Everything a client needs to talk to Chorus workflows: ids, task queue, search attributes,
 * updates, queries and failure types. The API imports this module, never workflow code.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CampaignStatus } from '../db/campaigns.types';
import type { Provider } from '../db/channels';
import type { PostStatus, TargetStatus } from '../db/posts.types';

export const DEFAULT_TASK_QUEUE = 'chorus-publishing';

export const postWorkflowId = (postId: string): string => `post/${postId}`;
export const campaignWorkflowId = (campaignId: string): string => `campaign/${campaignId}`;
export const importWorkflowId = (jobId: string): string => `import/${jobId}`;
export const recurrenceWorkflowId = (recurrenceId: string): string => `recurrence/${recurrenceId}`;
export const libraryItemWorkflowId = (itemId: string): string => `library/${itemId}`;
export const listeningWorkflowId = (queryId: string): string => `listening/${queryId}`;
export const IMPORT_POSTS_WORKFLOW = 'importPosts';
export type ImportPostsWorkflow = (input: { jobId: string; total: number }) => Promise<void>;

export const SearchAttributes = {
  workspace: defineSearchAttributeKey('ChorusWorkspace', SearchAttributeType.KEYWORD),
  post: defineSearchAttributeKey('ChorusPost', SearchAttributeType.KEYWORD),
  channels: defineSearchAttributeKey('ChorusChannels', SearchAttributeType.KEYWORD_LIST),
  campaign: defineSearchAttributeKey('ChorusCampaign', SearchAttributeType.KEYWORD),
  postStatus: defineSearchAttributeKey('ChorusPostStatus', SearchAttributeType.KEYWORD),
  /** A campaign's status (draft, in_review, scheduled, live, paused, completed, cancelled, rejected). */
  campaignStatus: defineSearchAttributeKey('ChorusCampaignStatus', SearchAttributeType.KEYWORD),
  /** A listening query's loop: active, paused or stopped. */
  listeningStatus: defineSearchAttributeKey('ChorusListeningStatus', SearchAttributeType.KEYWORD),
} as const;

export const ALL_SEARCH_ATTRIBUTES = Object.values(SearchAttributes);

/** ApplicationFailure types raised by activities; the first three are never retried. */
export const FailureType = {
  InvalidContent: 'InvalidContent',
  ChannelAuthFailed: 'ChannelAuthFailed',
  DeliveryRejected: 'DeliveryRejected',
  ChannelRemoved: 'ChannelRemoved',
  RateLimited: 'RateLimited',
  ChannelUnavailable: 'ChannelUnavailable',
  PostNotFound: 'PostNotFound',
  NotEligible: 'NotEligible',
  /** A decision named a step or round the chain is no longer at (details: the current ones). */
  StaleDecision: 'StaleDecision',
  /** A staged post was claimed for publishing before a cancel, reschedule or edit could be saved. */
  PublishingStarted: 'PublishingStarted',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

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

export const APPROVAL_MODES = ['any', 'all', 'quorum'] as const;
export type ApprovalMode = (typeof APPROVAL_MODES)[number];

/** One step of a post's approval chain, with its eligible approvers resolved when the post was created. */
export interface ApprovalStep {
  name: string;
  mode: ApprovalMode;
  /** Approvals needed for `quorum`. */
  quorum?: number;
  eligibleUserIds: string[];
  /** Where the step came from: the policy, or the content rule that inserted it. */
  source?: string;
  /** Time the step may take; a reminder goes out `remindBeforeSeconds` before, escalation at the end. */
  deadlineSeconds?: number;
  remindBeforeSeconds?: number;
  /** Notified at the deadline, and from then on eligible to decide the step. */
  escalateToUserIds?: string[];
}

export type DecisionKind = 'approve' | 'reject' | 'request_changes';

export interface ApprovalDecision {
  round: number;
  step: number;
  userId: string;
  decision: DecisionKind;
  comment?: string;
  at: string;
}

/**
 * Steps are numbered from 0 inside workflows (`currentStep`, `ApprovalDecision.step`,
 * `DecisionRequest.step`) and from 1 in everything people and clients see; the API converts at
 * its edge (api/workflow-updates.ts), activities when they write audit entries and notifications.
 */
export interface ApprovalChainStatus {
  state: 'pending' | 'changes_requested' | 'approved' | 'rejected' | 'expired' | 'none';
  /** Starts at 0; each edit of the content starts a new round from step one. */
  round: number;
  currentStep: number | null;
  steps: ApprovalStep[];
  /** Every decision of every round, oldest first. */
  decisions: ApprovalDecision[];
  /** Approvers of the current step who have not decided yet. */
  awaitingUserIds?: string[];
  /** One person approves at most one step of a round (absent in chains started before it existed). */
  distinctApprovers?: boolean;
  /** Who changed the content in this round: they may not decide in it, like the author. */
  editorIds?: string[];
}

export interface DecisionRequest {
  userId: string;
  decision: DecisionKind;
  comment?: string;
  /** The step (from 0) and round the decision is for; a decision for any other is refused as stale. */
  step?: number;
  round?: number;
}

/** Details of a StaleDecision failure: where the chain is (step from 0). */
export interface StaleDecisionDetails {
  state: ApprovalChainStatus['state'];
  round: number;
  currentStep: number | null;
}

/** New content for a post, already checked against every channel's limits by the API. */
export interface EditRequest {
  actorId: string;
  text: string;
  targets: { targetId: string; text: string }[];
}

/** Approvals a step needs before the chain moves on. */
export function approvalsNeeded(step: ApprovalStep): number {
  if (step.mode === 'any') return 1;
  if (step.mode === 'all') return step.eligibleUserIds.length;
  return step.quorum ?? 1;
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

export const PUBLISH_POST_WORKFLOW = 'publishPost';
export type PublishPostWorkflow = (input: PostWorkflowInput) => Promise<PostWorkflowStatus>;

export const rescheduleUpdate = defineUpdate<PostWorkflowStatus, [RescheduleRequest]>('reschedule');
export const cancelUpdate = defineUpdate<PostWorkflowStatus, [CancelRequest]>('cancel');
export const postStatusQuery = defineQuery<PostWorkflowStatus>('status');
export const decideUpdate = defineUpdate<ApprovalChainStatus, [DecisionRequest]>('decide');
export const approvalQuery = defineQuery<ApprovalChainStatus>('approval');
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

export const RUN_CAMPAIGN_WORKFLOW = 'runCampaign';
export type RunCampaignWorkflow = (input: CampaignWorkflowInput) => Promise<CampaignWorkflowStatus>;

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

export interface RecurrenceWorkflowInput {
  recurrenceId: string;
  workspaceId: string;
  /** Carried over by continue-as-new. */
  carried?: { nextIndex: number; paused: boolean; pending: PendingOccurrence | null };
}

export interface PendingOccurrence {
  index: number;
  postId: string;
  workflowId: string;
  at: string;
}

export type RecurrenceStatus = 'active' | 'paused' | 'stopped' | 'completed';

export interface RecurrenceWorkflowStatus {
  recurrenceId: string;
  status: RecurrenceStatus;
  nextIndex: number;
  pending: PendingOccurrence | null;
}

export const RUN_RECURRENCE_WORKFLOW = 'runRecurrence';
export type RunRecurrenceWorkflow = (input: RecurrenceWorkflowInput) => Promise<RecurrenceWorkflowStatus>;
export const pauseRecurrenceUpdate = defineUpdate<RecurrenceWorkflowStatus, [{ actorId: string }]>('pause');
export const resumeRecurrenceUpdate = defineUpdate<RecurrenceWorkflowStatus, [{ actorId: string }]>('resume');
export const stopRecurrenceUpdate = defineUpdate<RecurrenceWorkflowStatus, [{ actorId: string }]>('stop');
export const recurrenceStatusQuery = defineQuery<RecurrenceWorkflowStatus>('status');

export interface LibraryItemReviewInput {
  itemId: string;
  workspaceId: string;
  ownerId: string;
  steps: ApprovalStep[];
  distinctApprovers?: boolean;
}
export const REVIEW_LIBRARY_ITEM_WORKFLOW = 'reviewLibraryItem';
export type ReviewLibraryItemWorkflow = (input: LibraryItemReviewInput) => Promise<ApprovalChainStatus>;

export interface ListeningWorkflowInput {
  queryId: string;
  workspaceId: string;
  /** How long each firehose read runs before the loop takes stock (ms). */
  runForMs?: number;
  carried?: { counters: ListeningCounters; paused: boolean };
}

/** What one firehose read saw. */
export interface ListeningRun {
  processed: number;
  stored: number;
  filtered: number;
  malformed: number;
  /** Whether the source answered during the read. */
  sourceHealthy: boolean;
  lastError: string | null;
}

/** A listening loop's totals since it started; `stored` and `filtered` are the query's totals in the database (every source). */
export interface ListeningCounters extends ListeningRun {
  runs: number;
}

export const LISTEN_QUERY_WORKFLOW = 'listenQuery';
export type ListenQueryWorkflow = (input: ListeningWorkflowInput) => Promise<ListeningCounters>;
export const pauseListeningSignal = defineSignal('pause');
export const resumeListeningSignal = defineSignal('resume');
/** The query's expression, filters or sources changed in the database: restart the read with them. */
export const queryChangedSignal = defineSignal('queryChanged');
export const stopListeningSignal = defineSignal('stop');
export const listeningCountersQuery = defineQuery<ListeningCounters & { paused: boolean }>('counters');
