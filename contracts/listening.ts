/** The listening loop of one query (workflows/listening.ts): its id, input, counters and messages. */
import { defineQuery, defineSignal } from '@temporalio/workflow';

export const listeningWorkflowId = (queryId: string): string => `listening/${queryId}`;

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

/** A read before it has seen anything. */
export const emptyListeningRun = (): ListeningRun => ({
  processed: 0,
  stored: 0,
  filtered: 0,
  malformed: 0,
  sourceHealthy: true,
  lastError: null,
});

/** A listening loop's totals since it started; `stored` and `filtered` are the query's totals in the database (every source). */
export interface ListeningCounters extends ListeningRun {
  runs: number;
}

export const pauseListeningSignal = defineSignal('pause');
export const resumeListeningSignal = defineSignal('resume');
/** The query's expression, filters or sources changed in the database: restart the read with them. */
export const queryChangedSignal = defineSignal('queryChanged');
export const stopListeningSignal = defineSignal('stop');
export const listeningCountersQuery = defineQuery<ListeningCounters & { paused: boolean }>('counters');
