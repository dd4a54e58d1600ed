import os from 'node:os';
import pg from 'pg';
import type { Worker } from '@temporalio/worker';
import type { Config } from '../config';
import type { ChorusDeps } from '../deps/create-deps';
import type { TemporalTarget } from '../temporal/connection';
import { startDevServer } from '../temporal/dev-server';
import { configuredTemporal } from '../temporal/target';
import { createChorusWorker } from '../workers/worker';

/** The server the benches make their throwaway databases on (shared with test runs). */
export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Everything a bench starts is registered as a cleanup and closed in reverse order, even on failure. */
export type Cleanup = { what: string; run: () => Promise<unknown> };

export async function runCleanups(cleanups: Cleanup[]): Promise<void> {
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup.run();
    } catch (err) {
      console.error(`Cleanup "${cleanup.what}" failed:`, err);
    }
  }
}

/** DATABASE_URL as is, or a fresh database of our own (the server is shared with test runs). */
export async function createBenchDatabase(config: Config, cleanups: Cleanup[]): Promise<string> {
  if (config.DATABASE_URL) return config.DATABASE_URL;
  const name = `chorus_bench_${Date.now()}`;
  await withAdminClient((admin) => admin.query(`create database ${name}`));
  cleanups.push({
    what: `drop database ${name}`,
    run: () => withAdminClient((admin) => admin.query(`drop database if exists ${name} with (force)`)),
  });
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdminClient<T>(fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The machine a figure was measured on, printed beside it. */
export function machineDescription() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** Chorus's worker in the bench's process, as `npm start` runs it (workflows are bundled at start). */
export async function startWorker(
  target: TemporalTarget,
  taskQueue: string,
  deps: ChorusDeps,
): Promise<{ stop: Cleanup; assertRunning(): void }> {
  // Workflows are bundled at start, as `npm start` does.
  const worker: Worker = await createChorusWorker({
    connection: await deps.workerConnection(),
    namespace: target.namespace,
    taskQueue,
    deps: deps.workerDeps(),
  });
  let failure: unknown;
  const running = worker.run().catch((err: unknown) => {
    failure = err;
  });
  return {
    stop: {
      what: 'worker',
      run: async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      },
    },
    assertRunning() {
      if (failure !== undefined || worker.getState() === 'FAILED')
        throw new Error(`The worker stopped: ${String(failure)}`);
    },
  };
}

/** TEMPORAL_ADDRESS when set; else a dev server in memory on a free port (a bench must not disturb `npm start`). */
export async function startTemporal(config: Config, cleanups: Cleanup[]): Promise<TemporalTarget> {
  const configured = configuredTemporal(config);
  if (configured) return configured;
  // In memory and on a free port: the bench must not disturb a developer's `npm start`.
  const server = await startDevServer();
  cleanups.push({ what: 'Temporal dev server', run: () => server.stop() });
  return configuredTemporal(config, server.address)!;
}
