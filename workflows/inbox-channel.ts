import {
  allHandlersFinished,
  type ActivityOptions,
  condition,
  continueAsNew,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { InboxActivities } from '../activities/inbox';
import {
  inboxCountersQuery,
  inboxReadsTaskQueue,
  stopInboxSignal,
  type InboxCounters,
  type InboxWorkflowInput,
} from '../contracts/inbox';

/** Reads per run before continuing as new: a few events each, so the history stays short. */
const READS_PER_RUN = 200;

/**
 * Heartbeats after each page it stores and while it waits between its polls (a read activity reads
 * every poll interval, four times): a lost worker's read moves to another within 10 s (a
 * page, its thread look-ups and its transaction take well under that).
 */
const READ_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '10m',
  heartbeatTimeout: '10s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
};

/**
 * The inbound read of one connected channel (`inbox/<channelId>`): read (replies, mentions,
 * quotes, direct messages, from the saved positions; the activity reads again every poll interval,
 * four times), wait the poll interval (a durable timer; the read says how long, longer after
 * a rate limit), again. Each page is stored with its position in
 * one transaction by the read, so a restart anywhere neither skips nor repeats; the workflow keeps
 * only counters. Ends on the stop signal (the channel removed) or when the channel is gone.
 */
export async function inboxChannelWorkflow(input: InboxWorkflowInput): Promise<InboxCounters> {
  const counters: InboxCounters = input.carried?.counters ?? {
    reads: 0,
    stored: 0,
    skipped: 0,
    filtered: 0,
    lastError: null,
  };
  // On the reads' own task queue, which the conversation workflows' flood does not share. No patch:
  // replay compares a scheduled activity's id and type, not its queue (test/histories/
  // inbox-channel-read.v1.json was recorded with reads on the deployment's queue), so a running
  // channel's next read goes to the reads' queue; one scheduled before is run by the deployment's
  // worker, which registers readInbox too.
  const { readInbox } = proxyActivities<InboxActivities>({
    ...READ_OPTIONS,
    taskQueue: inboxReadsTaskQueue(workflowInfo().taskQueue),
  });
  let stopped = false;
  setHandler(inboxCountersQuery, () => counters);
  setHandler(stopInboxSignal, () => void (stopped = true));
  const describe = () =>
    setCurrentDetails(
      `**${stopped ? 'stopped' : 'reading'}** · ${counters.reads} reads, ${counters.stored} stored, ${counters.skipped} seen again, ${counters.filtered} filtered${counters.lastError ? ` · last error: ${counters.lastError}` : ''}`,
    );

  for (let reads = 0; !stopped; reads++) {
    if (reads >= READS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof inboxChannelWorkflow>({ ...input, carried: { counters } });
    }
    const read = await readInbox({ channelId: input.channelId, workspaceId: input.workspaceId });
    counters.reads++;
    counters.stored += read.stored;
    counters.skipped += read.skipped;
    counters.filtered += read.filtered;
    counters.lastError = read.lastError;
    describe();
    if (read.gone) break;
    // A read that waited out its last interval itself is followed at once (no timer: replaying a
    // history recorded before, whose reads all asked for a wait, still makes the same timers).
    if (read.pollAfterMs > 0) await condition(() => stopped, read.pollAfterMs);
  }
  stopped = true;
  describe();
  return counters;
}
