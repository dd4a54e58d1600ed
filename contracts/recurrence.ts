/** The recurrence workflow (workflows/recurrence.ts): its id, input, status and messages. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';

export const recurrenceWorkflowId = (recurrenceId: string): string => `recurrence/${recurrenceId}`;

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

export const pauseRecurrenceUpdate = defineUpdate<RecurrenceWorkflowStatus, [{ actorId: string }]>('pause');
export const resumeRecurrenceUpdate = defineUpdate<RecurrenceWorkflowStatus, [{ actorId: string }]>('resume');
export const stopRecurrenceUpdate = defineUpdate<RecurrenceWorkflowStatus, [{ actorId: string }]>('stop');
export const recurrenceStatusQuery = defineQuery<RecurrenceWorkflowStatus>('status');
