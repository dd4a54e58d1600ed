import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Caller } from '../db/tokens';
import { decideUpdate, FailureType, type DecisionKind } from '../workflows/messages';
import { conflict, forbidden } from './problems';

/**
 * Runs a workflow Update for a route. The workflow's validator has the last word: a refusal for
 * who the caller is becomes 403, any other refusal 409; a workflow that has finished is a 409 too.
 */
export async function runWorkflowUpdate<T>(update: () => Promise<T>, finished: string): Promise<T> {
  try {
    return await update();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      if (err.cause instanceof ApplicationFailure && err.cause.type === FailureType.NotEligible) throw forbidden(err.cause.message);
      throw conflict(err.cause?.message ?? err.message);
    }
    if (err instanceof WorkflowNotFoundError) throw conflict(finished);
    throw err;
  }
}

/** A caller's decision on the approval chain a workflow runs (a post's, a campaign plan's, a library item's). */
export function runDecision(temporal: Client, workflowId: string, caller: Caller, body: { decision: DecisionKind; comment?: string }, finished: string) {
  return runWorkflowUpdate(() => temporal.workflow.getHandle(workflowId).executeUpdate(decideUpdate, { args: [{ userId: caller.userId, decision: body.decision, comment: body.comment }] }), finished);
}
