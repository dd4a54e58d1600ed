/** The approval chain a post, a campaign or a library item goes through: its steps, decisions and messages. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';

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

/** A decision a chain applied, as its workflow records it: the step (from 0) named. */
export interface ChainDecision {
  round: number;
  step: number;
  stepName: string;
  userId: string;
  decision: DecisionKind;
  comment?: string;
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
  /** When the current step escalates (ISO), for a pending step with a deadline. */
  deadline?: string;
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

/** Approvals a step needs before the chain moves on. */
export function approvalsNeeded(step: ApprovalStep): number {
  if (step.mode === 'any') return 1;
  if (step.mode === 'all') return step.eligibleUserIds.length;
  return step.quorum ?? 1;
}

export const decideUpdate = defineUpdate<ApprovalChainStatus, [DecisionRequest]>('decide');
export const approvalQuery = defineQuery<ApprovalChainStatus>('approval');

/** A reminder or escalation the chain owes now (the workflow hands it to the notification activity). */
export interface DueNotification {
  kind: 'approval.reminder' | 'approval.escalated';
  round: number;
  step: number;
  stepName: string;
  recipientIds: string[];
  deadline: string;
  awaitingUserIds?: string[];
  /** Why the recipients are not the step's escalation targets (they left the workspace). */
  fallback?: string;
}
