import {
  NativeConnection,
  Runtime,
  Worker,
  type ActivityInterceptorsFactory,
  type LogMetadata,
  type Logger,
  type State,
  type WorkerOptions,
} from '@temporalio/worker';
import { createActivities, createInboxReadActivities, type ActivityDeps } from '../activities';
import { inboxReadsTaskQueue, isInboxReadsTaskQueue } from '../contracts/inbox';
import type { Db } from '../db/database';
import { PublishLease } from '../services/publish-leases';
import { expectedFailureLine } from '../services/activity-log';
import { PublishWaits } from '../services/publish-waits';
import { builtWorkflowBundle } from './workflow-bundle';

export interface ChorusWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /**
   * What activities need; the task queue is added here (imports start post workflows on it).
   * `inboxReadsDb`: the database pool the inbox reads' worker stores with; `leasesDb`: the
   * connection the process's publish lease is renewed and watched on.
   */
  deps: Omit<ActivityDeps, 'taskQueue' | 'publishWaits'> & { inboxReadsDb: Db; leasesDb: Db };
  /** A prebuilt workflow bundle (tests build one once); otherwise `npm run build`'s, when running from `dist/`; else workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Workflows kept in memory between tasks (CHORUS_WORKER_CACHED_WORKFLOWS); unset: the SDK's default. */
  maxCachedWorkflows?: number;
  /** Threads the workflows' code runs on (CHORUS_WORKER_WORKFLOW_THREADS); unset: the SDK's default (one). */
  workflowThreads?: number;
}

/**
 * The Temporal workers of one Chorus worker process, run and stopped together: the Chorus worker
 * (every workflow and activity, on the deployment's task queue) and the inbox reads' worker.
 */
export interface ChorusWorker {
  /** Runs both until shutdown; when one fails, the other is shut down and the failure thrown. */
  run(): Promise<void>;
  /** Shuts down those still running (the Temporal runtime also does on SIGINT/SIGTERM). */
  shutdown(): void;
  /** FAILED when either failed; RUNNING when both run; otherwise the Chorus worker's state. */
  getState(): State;
  /** Activities in flight on the Chorus worker, and staged publishes waiting without one. */
  load(): { activitiesInFlight: number; publishesWaiting: number };
}

/**
 * The channels' reads may each hold a slot for a minute (a read reads every poll interval for a
 * while, activities/inbox.ts): a slot per connected channel, with room to spare.
 */
const INBOX_READ_SLOTS = 1000;

/**
 * Both workers of a Chorus worker process (see ChorusWorker), built together so that no process
 * runs one without the other: a process without the reads' worker would leave every channel's
 * read unstarted, silently.
 */
export async function createChorusWorker(options: ChorusWorkerOptions): Promise<ChorusWorker> {
  const { inboxReadsDb, leasesDb, ...deps } = options.deps;
  const lease = new PublishLease({
    db: deps.db,
    leasesDb,
    temporal: deps.temporal,
    scope: { namespace: options.namespace, taskQueue: options.taskQueue },
  });
  // Taken (and the others' leases watched) before the workers are built: a replacement for a lost
  // worker starts watching while its workflow code loads, so the lost one's publishes move sooner.
  await lease.start();
  const waits = new PublishWaits({
    lease,
    temporal: deps.temporal,
    log: (message, err) => Runtime.instance().logger.warn(message, err === undefined ? undefined : { error: err }),
  });
  try {
    return bothWorkers(await createWorkers(options, deps, inboxReadsDb, waits), lease, waits);
  } catch (err) {
    await lease.stop();
    throw err;
  }
}

/** The Chorus worker and the inbox reads' worker (see createChorusWorker). */
async function createWorkers(
  options: ChorusWorkerOptions,
  deps: Omit<ChorusWorkerOptions['deps'], 'inboxReadsDb' | 'leasesDb'>,
  inboxReadsDb: Db,
  waits: PublishWaits,
): Promise<[Worker, Worker]> {
  const workflowBundle = options.workflowBundle ?? builtWorkflowBundle();
  const main = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities({ ...deps, taskQueue: options.taskQueue, publishWaits: waits }),
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    ...(options.workflowThreads !== undefined ? { workflowThreadPoolSize: options.workflowThreads } : {}),
    // Publishing waits on the network, not the CPU: many in flight per worker. A staged publish
    // holds a slot only while it notes itself under the lease; it then waits for its time, and
    // sends, outside the SDK (services/publish-waits.ts): a timer and a kilobyte or two each.
    maxConcurrentActivityTaskExecutions: ACTIVITY_SLOTS,
    // Immediate publishes heartbeat every second with a 5 s timeout (workflows/post/activities.ts):
    // sent every 2 s at most (the SDK's 0.8 of the timeout would leave a busy event loop 1 s of
    // slack, this 3 s).
    maxHeartbeatThrottleInterval: '2s',
    // A workflow task for a lost worker's workflows waits this long on its (dead) sticky queue
    // before any worker may take it: 3 s instead of the SDK's 10 s keeps recovering from a lost
    // worker under 10 s. (A task that waits this long behind a busy worker's backlog is replayed
    // from its history elsewhere: more work, not less correct.)
    stickyQueueScheduleToStartTimeout: '3s',
    interceptors: { activity: [logExpectedFailures] },
  });
  // The channels' reads (workflows/inbox-channel.ts schedules them there): slots and database
  // connections of their own, which the conversation workflows' activities cannot take. The task
  // queue in their deps stays the deployment's (the relay and the conversations run there).
  const reads = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: inboxReadsTaskQueue(options.taskQueue),
    activities: createInboxReadActivities({ ...deps, db: inboxReadsDb, taskQueue: options.taskQueue }),
    maxConcurrentActivityTaskExecutions: INBOX_READ_SLOTS,
    // Reads heartbeat with a 10 s timeout: sent every 2 s at most, as above.
    maxHeartbeatThrottleInterval: '2s',
    interceptors: { activity: [logExpectedFailures] },
  });
  return [main, reads];
}

/** Activities in flight on one Chorus worker: a burst of staged publishes noting themselves at once, and immediate sends. */
const ACTIVITY_SLOTS = 12_000;

function bothWorkers(workers: [Worker, Worker], lease: PublishLease, waits: PublishWaits): ChorusWorker {
  const shutdown = () => {
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  return {
    async run() {
      const outcomes = await Promise.allSettled(
        workers.map((worker) =>
          worker.run().catch((err: unknown) => {
            shutdown();
            throw err;
          }),
        ),
      );
      // Staged publishes still waiting are handed on, those sending end; then the lease (held from
      // createChorusWorker until the workers stop) with them.
      const left = await waits.stop();
      await lease.stop({ leaveHeld: left > 0 });
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failed) throw failed.reason;
    },
    shutdown,
    getState() {
      const states = workers.map((worker) => worker.getState());
      if (states.includes('FAILED')) return 'FAILED';
      return states.every((state) => state === 'RUNNING') ? 'RUNNING' : states[0]!;
    },
    load() {
      return { activitiesInFlight: workers[0].getStatus().numInFlightActivities, publishesWaiting: waits.size };
    },
  };
}

/** What the SDK logs for a worker with no workflows: the inbox reads' worker has none, by design. */
const NO_WORKFLOWS_WARNING = 'No workflows registered, not polling for workflow tasks';

/**
 * The Temporal runtime's logger for a process that runs a ChorusWorker (`Runtime.install`):
 * `logger`, without the SDK's warning that the inbox reads' worker polls no workflow tasks, which
 * every start would print otherwise.
 */
export function chorusRuntimeLogger(logger: Logger): Logger {
  const expected = (message: string, meta?: LogMetadata) =>
    message === NO_WORKFLOWS_WARNING && typeof meta?.taskQueue === 'string' && isInboxReadsTaskQueue(meta.taskQueue);
  return {
    log: (level, message, meta) => void (expected(message, meta) || logger.log(level, message, meta)),
    trace: (message, meta) => logger.trace(message, meta),
    debug: (message, meta) => logger.debug(message, meta),
    info: (message, meta) => logger.info(message, meta),
    warn: (message, meta) => void (expected(message, meta) || logger.warn(message, meta)),
    error: (message, meta) => logger.error(message, meta),
  };
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
        const line = expectedFailureLine(ctx.info, err);
        if (line) Runtime.instance().logger.warn(line);
        throw err;
      }
    },
  },
});
