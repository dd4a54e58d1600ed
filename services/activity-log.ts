import type { Info } from '@temporalio/activity';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';

/** The parts of an activity's info its log lines name. */
export type ActivityNamed = Pick<Info, 'activityType' | 'attempt'> & { workflowExecution?: { workflowId: string } };

/**
 * How the worker logs an activity's failure: `publishTargetWhenDue attempt 2 (workflow post/…)
 * failed: Type: message; will retry` for an expected (benign) failure, in one line; undefined for
 * any other, which is logged with its stack.
 */
export function expectedFailureLine(activity: ActivityNamed, failure: unknown): string | undefined {
  if (!(failure instanceof ApplicationFailure && failure.category === ApplicationFailureCategory.BENIGN))
    return undefined;
  return `${activityLabel(activity)} failed: ${failure.type}: ${failure.message}${failure.nonRetryable ? '' : '; will retry'}`;
}

/** `publishTargetWhenDue attempt 2 (workflow post/…)`. */
export function activityLabel({ activityType, attempt, workflowExecution }: ActivityNamed): string {
  return `${activityType} attempt ${attempt}${workflowExecution ? ` (workflow ${workflowExecution.workflowId})` : ''}`;
}
