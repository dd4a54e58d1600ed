import { pathToFileURL } from 'node:url';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../../config';
import { createDeps } from '../../deps/create-deps';
import { createChorusWorker } from '../../workers/worker';
import { testEnv } from '../setup/test-env';

/**
 * A Chorus worker in a process of its own, as workers/main.ts runs one, configured from the
 * environment `startWorkerProcess` (test/support/worker-process.ts) gives it, with the test run's
 * workflow bundle. Prints `ready` once it polls; a test may kill it (-9) like a crashed host.
 */
async function main() {
  Runtime.install({ logger: new DefaultLogger(process.env.WORKER_LOG ? 'WARN' : 'ERROR') });
  const deps = await createDeps(loadConfig());
  const worker = await createChorusWorker({
    connection: await deps.workerConnection(),
    namespace: deps.target.namespace,
    taskQueue: deps.taskQueue,
    deps: deps.workerDeps(),
    workflowBundle: { codePath: pathToFileURL(testEnv('workflowBundle')).pathname },
  });
  const running = worker.run();
  console.log('ready');
  process.on('SIGTERM', () => worker.shutdown());
  try {
    await running;
  } finally {
    await deps.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
