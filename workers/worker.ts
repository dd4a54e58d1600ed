import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import {
  NativeConnection,
  Runtime,
  Worker,
  type ActivityInterceptorsFactory,
  type WorkerOptions,
} from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';

export interface ChorusWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** What activities need; the task queue is added here (imports start post workflows on it). */
  deps: Omit<ActivityDeps, 'taskQueue'>;
  /** A prebuilt workflow bundle (tests build one once); otherwise workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

/** The worker that runs every Chorus workflow and activity on one task queue. */
export function createChorusWorker(options: ChorusWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities({ ...options.deps, taskQueue: options.taskQueue }),
    // Publishing waits on the network, not the CPU: many in flight per worker. Staged publishes
    // wait here for up to a minute before their time, so a burst of posts due at once needs a slot
    // each (beyond this many, the rest start as slots free up, and publish late).
    maxConcurrentActivityTaskExecutions: 1000,
    // Publishes heartbeat every second with a 5 s timeout (workflows/post/activities.ts): sent every
    // 2 s at most (the SDK's 0.8 of the timeout would leave a busy event loop 1 s of slack, this 3 s).
    maxHeartbeatThrottleInterval: '2s',
    // A workflow task for a lost worker's workflows waits this long on its (dead) sticky queue
    // before any worker may take it: 3 s instead of the SDK's 10 s keeps recovering from a lost
    // worker under 10 s. (A task that waits this long behind a busy worker's backlog is replayed
    // from its history elsewhere: more work, not less correct.)
    stickyQueueScheduleToStartTimeout: '3s',
    interceptors: { activity: [logExpectedFailures] },
  });
}

/**
 * An expected failure (a network down, a 5xx, a rate limit, refused credentials) is thrown as a
 * BENIGN ApplicationFailure, which the SDK logs only at DEBUG: it gets one WARN line here, without a
 * stack, as an outage retried for hours would otherwise fill the log. Any other failure keeps the
 * SDK's WARN with its stack.
 */
export const logExpectedFailures: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    async execute(input, next) {
      try {
        return await next(input);
      } catch (err) {
        if (err instanceof ApplicationFailure && err.category === ApplicationFailureCategory.BENIGN) {
          const { activityType, attempt, workflowExecution } = ctx.info;
          const workflow = workflowExecution ? ` (workflow ${workflowExecution.workflowId})` : '';
          Runtime.instance().logger.warn(
            `${activityType} attempt ${attempt}${workflow} failed: ${err.type}: ${err.message}${err.nonRetryable ? '' : '; will retry'}`,
          );
        }
        throw err;
      }
    },
  },
});
