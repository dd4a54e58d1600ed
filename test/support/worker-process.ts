import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Harness } from './harness';

export interface WorkerProcess {
  pid: number;
  /** Kills the process at once (SIGKILL), as a crashed host would: nothing is finished or handed back. */
  kill(): Promise<void>;
  /** Shuts it down gracefully (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts a Chorus worker process on the harness's task queue, database and sealing key (start the
 * harness with `worker: false` so that it is the only worker); resolves once it polls.
 */
export async function startWorkerProcess(h: Harness): Promise<WorkerProcess> {
  const { config } = h;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'worker-process-main.ts')], {
    env: definedOnly({
      ...process.env,
      DATABASE_URL: config.DATABASE_URL,
      TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS,
      CHORUS_TASK_QUEUE: h.taskQueue,
      CHORUS_ENCRYPTION_KEY: h.sealerKey,
      MEDIA_DIR: config.MEDIA_DIR,
      LINK_CARDS_ALLOW_PRIVATE: String(config.LINK_CARDS_ALLOW_PRIVATE),
      WEBHOOKS_ALLOW_PRIVATE: String(config.WEBHOOKS_ALLOW_PRIVATE),
      DOTENV_CONFIG_QUIET: 'true',
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (process.env.WORKER_LOG) process.stderr.write(chunk);
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready')) resolve();
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`The worker process exited (${code ?? signal}) before it was ready:\n${output}`)),
    );
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return { pid: child.pid!, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
