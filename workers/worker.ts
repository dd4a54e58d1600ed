import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
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
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities({ ...options.deps, taskQueue: options.taskQueue }),
    // Publishing waits on the network, not the CPU: many in flight per worker. Staged publishes
    // wait here for up to a minute before their time, so a burst of posts due at once needs a slot
    // each (beyond this many, the rest start as slots free up, and publish late).
    maxConcurrentActivityTaskExecutions: 1000,
  });
}
