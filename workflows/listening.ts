import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { AlertActivities } from '../activities/alerts';
import type { ListeningActivities } from '../activities/listening';
import {
  emptyListeningRun,
  listeningCountersQuery,
  pauseListeningSignal,
  queryChangedSignal,
  resumeListeningSignal,
  stopListeningSignal,
  type ListeningCounters,
  type ListeningWorkflowInput,
} from '../contracts/listening';
import { SearchAttributes } from '../contracts/shared';

const DEFAULT_RUN_MS = 60_000;

/** Workflows started before this change did not keep their status in a search attribute. */
const STATUS_SEARCH_ATTRIBUTE = 'status-search-attribute';

const { detectSpikes } = proxyActivities<AlertActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

const { countStored } = proxyActivities<ListeningActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

const { pollFeeds } = proxyActivities<ListeningActivities>({
  startToCloseTimeout: '5m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/** Heartbeats after each page it stores. */
const { pollMastodon } = proxyActivities<ListeningActivities>({
  startToCloseTimeout: '10m',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

const { listenBlueskyFirehose } = proxyActivities<ListeningActivities>({
  startToCloseTimeout: '30m',
  heartbeatTimeout: '20s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/**
 * One listening query (`listening/<queryId>`): read the sources (the firehose for a while, then
 * the feeds, then Mastodon), match, filter, score, store, loop.
 * Each read is a long-running activity that heartbeats its cursor; the loop keeps only counters,
 * and continues-as-new before its history grows long. Pause, resume, stop and "query changed"
 * are signals; a change cancels the read in progress, which resumes from the saved cursor.
 */
export async function listenQuery(input: ListeningWorkflowInput): Promise<ListeningCounters> {
  const counters: ListeningCounters = input.carried?.counters ?? { runs: 0, ...emptyListeningRun() };
  let paused = input.carried?.paused ?? false;
  let stopped = false;
  let reading: CancellationScope | undefined;
  const describe = () =>
    setCurrentDetails(
      `**${stopped ? 'stopped' : paused ? 'paused' : 'listening'}** · ${counters.stored} stored, ${counters.filtered} filtered, ${counters.processed} seen · source ${counters.sourceHealthy ? 'healthy' : 'unreachable'}`,
    );
  const interrupt = () => reading?.cancel();
  /** Lets ops list listening queries by status in the Temporal UI (ChorusListeningStatus). */
  let shownStatus: string | undefined;
  const showStatus = () => {
    const current = stopped ? 'stopped' : paused ? 'paused' : 'active';
    if (current === shownStatus || !patched(STATUS_SEARCH_ATTRIBUTE)) return;
    shownStatus = current;
    upsertSearchAttributes([{ key: SearchAttributes.listeningStatus, value: current }]);
  };

  setHandler(listeningCountersQuery, () => ({ ...counters, paused }));
  setHandler(pauseListeningSignal, () => {
    paused = true;
    showStatus();
    interrupt();
  });
  setHandler(resumeListeningSignal, () => {
    paused = false;
    showStatus();
  });
  setHandler(queryChangedSignal, interrupt);
  setHandler(stopListeningSignal, () => {
    stopped = true;
    showStatus();
    interrupt();
  });

  describe();
  showStatus();
  while (!stopped) {
    if (paused) {
      await condition(() => !paused || stopped);
      continue;
    }
    reading = new CancellationScope();
    try {
      const firehose = await reading.run(() =>
        listenBlueskyFirehose({ queryId: input.queryId, runForMs: input.runForMs ?? DEFAULT_RUN_MS }),
      );
      const feeds = await reading.run(() => pollFeeds({ queryId: input.queryId }));
      const runs = [firehose, feeds];
      if (patched('mastodon-source')) runs.push(await reading.run(() => pollMastodon({ queryId: input.queryId })));
      counters.runs++;
      for (const run of runs) {
        counters.processed += run.processed;
        counters.stored += run.stored;
        counters.filtered += run.filtered;
        counters.malformed += run.malformed;
      }
      counters.sourceHealthy = runs.every((run) => run.sourceHealthy);
      counters.lastError = runs.map((run) => run.lastError).find((error) => error !== null) ?? null;
    } catch (err) {
      if (!isCancellation(err)) throw err;
    } finally {
      reading = undefined;
    }
    // Stored and filtered are what the database holds for the query: pushes are stored outside the
    // loop, and a read cut short by a change or a pause returns no counts.
    if (patched('counters-from-store')) Object.assign(counters, await countStored({ queryId: input.queryId }));
    // After each read: is this a spike (crisis) or has one ended?
    await detectSpikes({ queryId: input.queryId });
    describe();
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof listenQuery>({ ...input, carried: { counters, paused } });
    }
  }
  return counters;
}
