import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { WeeklyReportActivities } from '../activities/analytics-reports';
import { weeklyReportSettingsChangedSignal, type WeeklyReportWorkflowInput } from '../contracts/analytics-reports';

const { nextWeeklyReportDue } = proxyActivities<WeeklyReportActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', maximumInterval: '5m' },
});
/** A receiver or mail server down for a day: the report is recorded, its routes retried that long, then left. */
const { sendWeeklyReport } = proxyActivities<WeeklyReportActivities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1h', maximumAttempts: 30 },
});

/**
 * A workspace's weekly report (`weekly-report/<workspaceId>`): asks when the next one is due (the
 * settings live in the database: weekday, hour, time zone), sleeps on one durable timer until then,
 * sends it, and again. A settings change wakes it to ask anew; turned off, it ends (turning it on
 * starts it again). The week's key makes the report once per week whatever the retries, replays
 * or restarts. Chosen over a Temporal Schedule so that the database holds the only copy of the
 * settings (a Schedule would be a second one, to keep in step), and so that the worker's
 * METRICS_TIME_SCALE shrinks a week for the tests as it does the collector's hours.
 */
export async function weeklyReport(input: WeeklyReportWorkflowInput): Promise<{ sent: number }> {
  let sent = input.carried?.sent ?? 0;
  let changed = false;
  setHandler(weeklyReportSettingsChangedSignal, () => {
    changed = true;
  });

  for (;;) {
    changed = false;
    const next = await nextWeeklyReportDue({ workspaceId: input.workspaceId });
    if (!next) {
      // Turned off; unless turned on again meanwhile, the workflow ends here.
      if (changed) continue;
      setCurrentDetails(`**off** · ${sent} reports sent`);
      await condition(allHandlersFinished);
      return { sent };
    }
    setCurrentDetails(`**next report** ${next.periodEnd} (week ${next.periodKey}) · ${sent} sent`);
    if (await condition(() => changed, next.dueInMs)) continue;
    try {
      await sendWeeklyReport({ workspaceId: input.workspaceId, ...next });
      sent++;
    } catch (err) {
      // Recorded but not delivered by every route after a day of tries: the next week goes on.
      if (!(err instanceof ActivityFailure)) throw err;
      setCurrentDetails(`**week ${next.periodKey} not delivered**: ${err.cause?.message ?? err.message}`);
    }
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > 2000) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof weeklyReport>({ ...input, carried: { sent } });
    }
  }
}
