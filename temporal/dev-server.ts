import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/messages';
import { findOrBuildTemporalCli } from './cli';

export interface DevServerOptions {
  /** SQLite file the server keeps its state in; omit for in-memory (tests). */
  dbFile?: string;
  port?: number;
  uiPort?: number;
  namespace?: string;
}

export interface DevServer {
  address: string;
  uiUrl: string | undefined;
  namespace: string;
  stop(): Promise<void>;
}

/**
 * Starts `temporal server start-dev` through the SDK, on 127.0.0.1, with Chorus's search
 * attributes registered, the Web UI on when a UI port is given, and SQLite persistence.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = await findOrBuildTemporalCli();
  if (options.dbFile) mkdirSync(path.dirname(options.dbFile), { recursive: true });
  const namespace = options.namespace ?? 'default';
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: cli ? { type: 'existing-path', path: cli } : { type: 'cached-download' },
      ip: '127.0.0.1',
      port: options.port,
      namespace,
      dbFilename: options.dbFile,
      ui: options.uiPort !== undefined,
      uiPort: options.uiPort,
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      extraArgs: ['--log-level', 'error'],
    },
  });
  return {
    address: env.address,
    uiUrl: options.uiPort !== undefined ? `http://127.0.0.1:${options.uiPort}` : undefined,
    namespace,
    stop: () => env.teardown(),
  };
}
