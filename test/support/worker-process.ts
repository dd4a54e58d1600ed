import { spawn } from 'node:child_process';
import path from 'node:path';
import { useChorus } from './chorus';
import type { Harness } from './harness';

export interface WorkerProcess {
  pid: number;
  /** A standby process starts polling (resolves once it does); a running one is already polling. */
  start(): Promise<void>;
  /** Kills the process at once (SIGKILL), as a crashed host would: nothing is finished or handed back. */
  kill(): Promise<void>;
  /** Shuts it down gracefully (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** What it printed so far, stdout and stderr. */
  output(): string;
}

/**
 * Starts a Chorus worker process on the harness's task queue, database and sealing key (start the
 * harness with `worker: false` so that it is the only worker); resolves once it polls, or, with
 * `standby`, once it is loaded and waits for `start()` (a replacement ready to take over at once).
 * `compiled`: production's own `node dist/workers/main.js` (built by `npm ci`), with the workflow
 * bundle built beside it, instead of the test run's.
 */
export async function startWorkerProcess(
  h: Harness,
  {
    standby = false,
    compiled = false,
    env = {},
  }: { standby?: boolean; compiled?: boolean; env?: Record<string, string> } = {},
): Promise<WorkerProcess> {
  const { config } = h;
  const main = compiled
    ? [path.join(__dirname, '..', '..', 'dist', 'workers', 'main.js')]
    : ['--import', 'tsx', path.join(__dirname, 'worker-process-main.ts')];
  const child = spawn(process.execPath, main, {
    env: definedOnly({
      ...process.env,
      DATABASE_URL: config.DATABASE_URL,
      TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS,
      CHORUS_TASK_QUEUE: h.taskQueue,
      CHORUS_ENCRYPTION_KEY: h.encryptionKey,
      MEDIA_DIR: config.MEDIA_DIR,
      LINK_CARDS_ALLOW_PRIVATE: String(config.LINK_CARDS_ALLOW_PRIVATE),
      WEBHOOKS_ALLOW_PRIVATE: String(config.WEBHOOKS_ALLOW_PRIVATE),
      CHORUS_INBOX_POLL_SECONDS: String(config.CHORUS_INBOX_POLL_SECONDS),
      BLUESKY_APPVIEW_DID: config.BLUESKY_APPVIEW_DID,
      CHORUS_TEST_WORKER_STANDBY: standby ? '1' : undefined,
      DOTENV_CONFIG_QUIET: 'true',
      ...env,
    }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const seen: ((text: string) => void)[] = [];
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    seen.forEach((check) => check(output));
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', (chunk: Buffer) => {
    collect(chunk);
    if (process.env.CHORUS_TEST_WORKER_LOG) process.stderr.write(chunk);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const printed = (line: string) =>
    new Promise<void>((resolve, reject) => {
      if (output.includes(line)) return resolve();
      seen.push((text) => text.includes(line) && resolve());
      void exited.then(() => reject(new Error(`The worker process exited before it printed ${line}:\n${output}`)));
    });
  await printed(standby ? 'loaded' : 'polling');
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return {
    pid: child.pid!,
    start: async () => {
      if (standby) child.stdin!.write('start\n');
      await printed('polling');
    },
    kill: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
    output: () => output,
  };
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/**
 * `useChorus` for a test file whose workers are processes of its own (`startWorkerProcess`, pushed
 * on `workers`), with a webhook receiver and a workspace: no in-process worker, and every worker
 * process stopped when the file ends.
 */
export function useChorusWithWorkerProcesses(workspace: string) {
  const workers: WorkerProcess[] = [];
  const chorus = useChorus({
    harness: { worker: false },
    hook: true,
    workspace,
    beforeClose: async () => {
      for (const w of workers) await w.stop();
    },
  });
  return { ...chorus, workers };
}
