import { getHeapStatistics } from 'node:v8';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../config';
import { inboxReadsTaskQueue } from '../contracts/inbox';
import { createDeps } from '../deps/create-deps';
import { startAuditCheckpoints } from '../notifications/audit-checkpoints';
import { ensureSearchAttributes } from '../temporal/connection';
import { ensureInboxReaders } from '../services/inbox-store';
import { ensureChannelTokenWorkflows } from '../services/channel-tokens';
import { chorusRuntimeLogger, createChorusWorker } from './worker';

/** Production worker process: needs DATABASE_URL and TEMPORAL_ADDRESS (npm start runs everything in one process instead). */
async function main() {
  const config = loadConfig();
  // The SDK's default logger (INFO), without its warning about the inbox reads' worker.
  Runtime.install({ logger: chorusRuntimeLogger(new DefaultLogger('INFO')) });
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS)
    throw new Error(
      'The standalone worker needs DATABASE_URL and TEMPORAL_ADDRESS; use `npm start` for the embedded setup',
    );
  const deps = await createDeps(config);
  try {
    await ensureSearchAttributes(deps.temporal, deps.target.namespace);
    const worker = await createChorusWorker({
      connection: await deps.workerConnection(),
      namespace: deps.target.namespace,
      taskQueue: deps.taskQueue,
      deps: deps.workerDeps(),
      maxCachedWorkflows: config.CHORUS_WORKER_CACHED_WORKFLOWS,
      workflowThreads: config.CHORUS_WORKER_WORKFLOW_THREADS,
    });
    // Channels connected before the inbox existed, or whose read ended: read from now on (idempotent).
    await ensureInboxReaders(deps);
    // OAuth channels' tokens are kept fresh by a workflow each (idempotent: running ones go on).
    await ensureChannelTokenWorkflows(deps);
    console.log(
      `Chorus worker polling ${deps.taskQueue} and ${inboxReadsTaskQueue(deps.taskQueue)} on ${deps.target.address}` +
        ` (${memorySettings(config.CHORUS_WORKER_CACHED_WORKFLOWS)})`,
    );
    // Audit checkpoints are signed and sent from the worker process (not the API's).
    const checkpoints = startAuditCheckpoints(deps.workerDeps(), {
      intervalMs: config.CHORUS_AUDIT_CHECKPOINT_SECONDS * 1000,
      onError: (err) => console.error(err),
    });
    try {
      await worker.run();
    } finally {
      await checkpoints.stop();
    }
  } finally {
    await deps.close();
  }
}

/** What bounds the worker's memory, for its start line (README, "Production"). */
function memorySettings(cachedWorkflows: number | undefined): string {
  const heapMb = Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
  const cache =
    cachedWorkflows === undefined ? "the SDK's number of cached workflows" : `${cachedWorkflows} cached workflows`;
  return `heap limit ${heapMb} MB per isolate, ${cache}`;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
