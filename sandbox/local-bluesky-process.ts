import { fork, type ChildProcess } from 'node:child_process';
import { startLocalBluesky, type LocalBluesky, type SandboxAccount } from './local-bluesky';

/** A local Bluesky network in a child process: the same servers, on their own event loop and core. */
export type LocalBlueskyProcess = Omit<LocalBluesky, 'network' | 'appview' | 'processAll'>;

type Call = { op: 'createAccount'; name: string } | { op: 'listPosts'; did: string };
type Request = Call & { id: number };
type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
type Ready = { ready: true; pdsUrl: string; plcUrl: string } | { ready: false; error: string };

/**
 * Starts the local PLC and PDS (as `startLocalBluesky`) in a child process, so that what they do
 * does not share an event loop with the caller: the publish-burst benchmark measures Chorus against
 * a network that runs beside it, as a real one would, not inside it.
 */
export function startLocalBlueskyProcess(): Promise<LocalBlueskyProcess> {
  const child = fork(__filename, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  let nextId = 0;
  const call = <T>(request: Call): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ ...request, id });
    });

  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`The local Bluesky process exited (${code}) before it was ready`));
      for (const p of pending.values()) p.reject(new Error('The local Bluesky process exited'));
    });
    child.on('message', (message: Ready | Reply) => {
      if ('ready' in message) {
        if (!message.ready) return reject(new Error(`The local Bluesky process failed to start: ${message.error}`));
        return resolve({
          pdsUrl: message.pdsUrl,
          plcUrl: message.plcUrl,
          createAccount: (name) => call<SandboxAccount>({ op: 'createAccount', name }),
          listPosts: (did) => call<{ uri: string; text: string }[]>({ op: 'listPosts', did }),
          stop: () => stopChild(child),
        });
      }
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      if (message.ok) waiting?.resolve(message.value);
      else waiting?.reject(new Error(message.error));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM'); // the child closes its servers and removes its files
  });
}

/** The child: runs the network and answers the parent's calls until told to stop. */
async function serve(): Promise<void> {
  const send = (message: Ready | Reply) => process.send!(message);
  let network: LocalBluesky;
  try {
    network = await startLocalBluesky();
  } catch (err) {
    send({ ready: false, error: String(err) });
    process.exit(1);
  }
  process.once('SIGTERM', () => {
    void network.stop().finally(() => process.exit(0));
  });
  process.on('disconnect', () => {
    void network.stop().finally(() => process.exit(0));
  });
  process.on('message', (request: Request) => {
    const work = request.op === 'createAccount' ? network.createAccount(request.name) : network.listPosts(request.did);
    work.then(
      (value) => send({ id: request.id, ok: true, value }),
      (err: unknown) => send({ id: request.id, ok: false, error: String(err) }),
    );
  });
  send({ ready: true, pdsUrl: network.pdsUrl, plcUrl: network.plcUrl });
}

if (require.main === module) void serve();
