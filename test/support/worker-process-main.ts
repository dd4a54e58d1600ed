import { pathToFileURL } from 'node:url';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../../config';
import { createDeps } from '../../deps/create-deps';
import { createChorusWorker } from '../../workers/worker';
import { testEnv } from '../setup/test-env';
import { TestOAuthProvider, testOAuthAdapter } from './oauth-network';
import type { OAuthServer } from './oauth-server';

/** CHORUS_TEST_OAUTH_X: `{ url, clientId, clientSecret, redirectUri }` of a test authorization server standing in for X. */
function oauthOverrides() {
  if (!process.env.CHORUS_TEST_OAUTH_X) return {};
  const { url, ...client } = JSON.parse(process.env.CHORUS_TEST_OAUTH_X) as {
    url: string;
    clientId: string;
    clientSecret: string;
    redirectUri: string;
  };
  const server = { url } as OAuthServer;
  return {
    adapters: { x: testOAuthAdapter('x', server) },
    oauth: { providers: { x: new TestOAuthProvider('x', server) }, clients: { x: client } },
  };
}

/**
 * A Chorus worker in a process of its own, as workers/main.ts runs one, configured from the
 * environment `startWorkerProcess` (test/support/worker-process.ts) gives it, with the test run's
 * workflow bundle. Prints `loaded` once the worker is built and `polling` once it runs: at once,
 * or, with CHORUS_TEST_WORKER_STANDBY set, when a line comes on its stdin (a replacement whose start-up cost is paid
 * ahead). A test may kill it (-9) like a crashed host. CHORUS_TEST_WORKER_LOG shows its warnings.
 */
async function main() {
  Runtime.install({ logger: new DefaultLogger(process.env.CHORUS_TEST_WORKER_LOG ? 'WARN' : 'ERROR') });
  const deps = await createDeps(loadConfig(), oauthOverrides());
  const worker = await createChorusWorker({
    connection: await deps.workerConnection(),
    namespace: deps.target.namespace,
    taskQueue: deps.taskQueue,
    deps: deps.workerDeps(),
    workflowBundle: { codePath: pathToFileURL(testEnv('workflowBundle')).pathname },
  });
  console.log('loaded');
  // (Not a signal: the SDK's Runtime shuts workers down on SIGUSR2.)
  if (process.env.CHORUS_TEST_WORKER_STANDBY) await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdin.destroy(); // nothing more to read: it must not keep the process alive after a shutdown
  const running = worker.run();
  console.log('polling');
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
