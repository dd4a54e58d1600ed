import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { MetricsActivities } from '../activities/metrics';
import {
  metricsCountersQuery,
  stopMetricsSignal,
  targetPublishedSignal,
  type MetricsCounters,
  type MetricsWorkflowInput,
} from '../contracts/analytics';

/** A round reads every due channel; it heartbeats after each one. */
const { collectMetricsRound } = proxyActivities<MetricsActivities>({
  startToCloseTimeout: '30m',
  heartbeatTimeout: '2m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m' },
});

/**
 * A workspace's analytics collector (`metrics/<workspaceId>`): one durable timer at a time, set to
 * when the next snapshot or followers read falls due across all the workspace's posts, then one
 * round that takes every snapshot due, batched per channel. The schedule lives in the database
 * (published_at + each offset, and which snapshots exist), so the workflow keeps only counters and
 * continues-as-new before its history grows long. A publish signals it (wake up and look again);
 * without a signal it looks again after the longest sleep the round allows.
 */
export async function collectMetrics(input: MetricsWorkflowInput): Promise<MetricsCounters> {
  const counters: MetricsCounters = input.carried?.counters ?? {
    rounds: 0,
    snapshots: 0,
    audience: 0,
    calls: 0,
    lastFailure: null,
  };
  let woken = false;
  let stopped = false;
  setHandler(metricsCountersQuery, () => counters);
  setHandler(targetPublishedSignal, () => {
    woken = true;
  });
  setHandler(stopMetricsSignal, () => {
    stopped = true;
  });

  while (!stopped) {
    woken = false;
    const round = await collectMetricsRound({ workspaceId: input.workspaceId, timeScale: input.timeScale ?? 1 });
    counters.rounds++;
    counters.snapshots += round.ok + round.missing + round.deleted;
    counters.audience += round.audience;
    counters.calls += round.calls;
    const failure = round.failures[0];
    counters.lastFailure = failure ? `${failure.channelId}: ${failure.message}` : counters.lastFailure;
    setCurrentDetails(
      `**${counters.rounds} rounds** · ${counters.snapshots} snapshots, ${counters.audience} audience reads, ${counters.calls} calls · next in ${Math.round(round.wakeInMs / 1000)} s`,
    );
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof collectMetrics>({ ...input, carried: { counters } });
    }
    // A signal during the round already counts: it may name a target the round did not see. No
    // wait at all when more is due at once (a round stops at its limit).
    if (!woken && round.wakeInMs > 0) await condition(() => woken || stopped, round.wakeInMs);
  }
  await condition(allHandlersFinished);
  return counters;
}
