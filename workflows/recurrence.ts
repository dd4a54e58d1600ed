import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { RecurrenceActivities } from '../activities/recurrence';
import { cancelSignal, holdSignal, releaseSignal } from '../contracts/post';
import {
  pauseRecurrenceUpdate,
  recurrenceStatusQuery,
  resumeRecurrenceUpdate,
  stopRecurrenceUpdate,
  type PendingOccurrence,
  type RecurrenceStatus,
  type RecurrenceWorkflowInput,
  type RecurrenceWorkflowStatus,
} from '../contracts/recurrence';

const { createOccurrence, markRecurrenceStatus, planOccurrence } = proxyActivities<RecurrenceActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/**
 * A recurring post (`recurrence/<id>`), as a workflow loop rather than a Temporal Schedule: each
 * occurrence becomes a post of its own (with its own approval, status and workflow) created when
 * the previous one's time has come, so the next occurrence is always visible in the calendar;
 * occurrences are computed by an activity in the channel's timezone (DST-safe), and pause, resume
 * and stop are validated Updates. Occurrences whose time passed while paused are skipped, never
 * published late.
 */
export async function runRecurrence(input: RecurrenceWorkflowInput): Promise<RecurrenceWorkflowStatus> {
  let status: RecurrenceStatus = input.carried?.paused ? 'paused' : 'active';
  let nextIndex = input.carried?.nextIndex ?? 0;
  let pending: PendingOccurrence | null = input.carried?.pending ?? null;
  let woken = false;

  const snapshot = (): RecurrenceWorkflowStatus => ({ recurrenceId: input.recurrenceId, status, nextIndex, pending });
  const describe = () =>
    setCurrentDetails(
      `**${status}** · next occurrence #${pending ? pending.index + 1 : nextIndex + 1}${pending ? ` at ${pending.at}` : ''}`,
    );
  const setStatus = async (next: RecurrenceStatus, actorId?: string) => {
    status = next;
    woken = true;
    describe();
    await markRecurrenceStatus({ recurrenceId: input.recurrenceId, status: next, actorId });
  };
  const signalPending = async (signal: typeof holdSignal | typeof cancelSignal) => {
    if (pending)
      await getExternalWorkflowHandle(pending.workflowId)
        .signal(signal)
        .catch(() => undefined);
  };

  setHandler(recurrenceStatusQuery, snapshot);
  setHandler(
    pauseRecurrenceUpdate,
    async ({ actorId }) => {
      await setStatus('paused', actorId);
      await signalPending(holdSignal);
      return snapshot();
    },
    {
      validator: (_request) =>
        void (status !== 'active' && fail(`The recurrence is ${status}; only an active one can be paused`)),
    },
  );
  setHandler(
    resumeRecurrenceUpdate,
    async ({ actorId }) => {
      await setStatus('active', actorId);
      if (pending && Date.parse(pending.at) <= Date.now()) {
        // Its time passed during the pause: skipped, not published late.
        await signalPending(cancelSignal);
        pending = null;
      } else if (pending) {
        await getExternalWorkflowHandle(pending.workflowId)
          .signal(releaseSignal, {})
          .catch(() => undefined);
      }
      return snapshot();
    },
    {
      validator: (_request) =>
        void (status !== 'paused' && fail(`The recurrence is ${status}; only a paused one can be resumed`)),
    },
  );
  setHandler(
    stopRecurrenceUpdate,
    async ({ actorId }) => {
      await setStatus('stopped', actorId);
      await signalPending(cancelSignal);
      pending = null;
      return snapshot();
    },
    {
      validator: (_request) =>
        void ((status === 'stopped' || status === 'completed') && fail(`The recurrence is already ${status}`)),
    },
  );

  describe();
  while (status === 'active' || status === 'paused') {
    if (status === 'paused') {
      woken = false;
      await condition(() => woken);
      continue;
    }
    if (!pending) {
      const next = await planOccurrence({ recurrenceId: input.recurrenceId, index: nextIndex });
      if (!next) {
        await setStatus('completed');
        break;
      }
      const index = nextIndex++;
      if (Date.parse(next.at) <= Date.now()) continue; // missed (paused or down): skipped
      const created = await createOccurrence({ recurrenceId: input.recurrenceId, index, at: next.at });
      // An occurrence the rules refuse today (say, a removed channel) is skipped; the next may pass.
      if (created.postId) {
        pending = { index, postId: created.postId, workflowId: created.workflowId!, at: next.at };
        // Paused or stopped while it was being created: it must not go out.
        const now = status as RecurrenceStatus; // the handlers may have changed it meanwhile
        if (now === 'paused') await signalPending(holdSignal);
        if (now === 'stopped') await signalPending(cancelSignal);
      }
      describe();
      continue;
    }
    // The occurrence publishes itself; once its time has passed, the next one is created.
    woken = false;
    const untilDue = Date.parse(pending.at) - Date.now();
    if (untilDue > 0) await condition(() => woken, untilDue);
    if (status === 'active' && pending && Date.parse(pending.at) <= Date.now()) pending = null;

    if (workflowInfo().continueAsNewSuggested && status === 'active') {
      await condition(allHandlersFinished);
      await continueAsNew<typeof runRecurrence>({ ...input, carried: { nextIndex, paused: false, pending } });
    }
  }

  await condition(allHandlersFinished);
  return snapshot();
}

function fail(message: string): never {
  throw new Error(message);
}
