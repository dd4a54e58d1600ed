import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { findOrBuildTemporalCli } from '../../temporal/cli';
import { ALL_SEARCH_ATTRIBUTES } from '../../contracts/shared';

/**
 * The fast tier's set-up: workflows against mocked activities, no database, no API. The time-skipping
 * test server cannot be had offline here (it is downloaded on first use), so each file runs on a local
 * dev server (createLocal, the Temporal CLI already on the machine) with deadlines of a second or two.
 */
export interface FastEnv {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  stop(): Promise<void>;
}

export async function startFastEnv(activities: object): Promise<FastEnv> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  // The CLI the e2e tier's dev server runs; without one, createLocal downloads it.
  const cli = await findOrBuildTemporalCli();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ...(cli ? { executable: { type: 'existing-path', path: cli } } : {}),
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
    },
  });
  const taskQueue = `fast-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../workflows'),
    activities,
    // Heartbeats reach the server at once, so a call-off reaches a waiting activity in time.
    maxHeartbeatThrottleInterval: '100ms',
    defaultHeartbeatThrottleInterval: '100ms',
  });
  const running = worker.run();
  return {
    env,
    taskQueue,
    async stop() {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}

/** Calls recorded by mocked activities, each with its arguments. */
export type Calls = { name: string; args: unknown }[];

/** An activity that records its call in `calls` and answers `result`. */
export const recorder =
  (calls: Calls) =>
  <T>(name: string, result: T) =>
  async (args: unknown) => {
    calls.push({ name, args });
    return result;
  };
