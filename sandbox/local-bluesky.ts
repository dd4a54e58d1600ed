import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AtpAgent } from '@atproto/api';
import type { TestNetworkNoAppView } from '@atproto/dev-env';

export interface SandboxAccount {
  did: string;
  handle: string;
  /** The account's own password (to manage it, e.g. revoke app passwords). */
  password: string;
  /** An app password, as a user would create for Chorus. */
  appPassword: string;
}

export interface LocalBluesky {
  pdsUrl: string;
  plcUrl: string;
  network: TestNetworkNoAppView;
  createAccount(name: string): Promise<SandboxAccount>;
  /** Post records in an account's repository, read straight from the PDS. */
  listPosts(did: string): Promise<{ uri: string; text: string }[]>;
  stop(): Promise<void>;
}

/**
 * Runs `fn` with every `server.listen(port)` bound to 127.0.0.1: the PLC and PDS servers of
 * @atproto/dev-env listen on all interfaces otherwise.
 */
async function withLoopbackListen<T>(fn: () => Promise<T>): Promise<T> {
  const original = http.Server.prototype.listen;
  http.Server.prototype.listen = function listen(this: http.Server, ...args: unknown[]) {
    const portOnly = ['number', 'string', 'undefined'].includes(typeof args[0]) && (args.length <= 1 || typeof args[1] === 'function');
    if (portOnly) args.splice(0, 2, args[0] ?? 0, '127.0.0.1', ...(typeof args[1] === 'function' ? [args[1]] : []));
    return (original as (...a: unknown[]) => http.Server).apply(this, args);
  } as typeof original;
  try {
    return await fn();
  } finally {
    http.Server.prototype.listen = original;
  }
}

/**
 * A local Bluesky network: the reference PLC directory and PDS from @atproto/dev-env, on 127.0.0.1,
 * keeping their files in a temporary folder that `stop` removes.
 */
export async function startLocalBluesky(options: { pdsPort?: number; plcPort?: number } = {}): Promise<LocalBluesky> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'chorus-pds-'));
  const previousTmp = process.env.TMPDIR;
  process.env.TMPDIR = tmp; // dev-env puts the PDS's data and blob folders under os.tmpdir()
  // Loaded on demand: @atproto/dev-env is a development dependency, absent from production images.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { TestNetworkNoAppView } = require('@atproto/dev-env') as typeof import('@atproto/dev-env');
  let network: TestNetworkNoAppView;
  try {
    network = await withLoopbackListen(() =>
      // Only defined keys: dev-env spreads these over its defaults, and `port: undefined` would win.
      TestNetworkNoAppView.create({ pds: options.pdsPort ? { port: options.pdsPort } : {}, plc: options.plcPort ? { port: options.plcPort } : {} }),
    );
  } finally {
    if (previousTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmp;
  }
  const pdsUrl = network.pds.url.replace('localhost', '127.0.0.1');

  return {
    pdsUrl,
    plcUrl: network.plc.url.replace('localhost', '127.0.0.1'),
    network,
    async createAccount(name) {
      const handle = `${name}.test`;
      const password = `${name}-password-${Math.random().toString(36).slice(2)}`;
      const agent = new AtpAgent({ service: pdsUrl });
      await agent.createAccount({ email: `${name}@example.test`, handle, password });
      const appPassword = await agent.com.atproto.server.createAppPassword({ name: 'chorus' });
      return { did: agent.session!.did, handle, password, appPassword: appPassword.data.password };
    },
    async listPosts(did) {
      const agent = new AtpAgent({ service: pdsUrl });
      const posts: { uri: string; text: string }[] = [];
      let cursor: string | undefined;
      do {
        const page = await agent.com.atproto.repo.listRecords({ repo: did, collection: 'app.bsky.feed.post', limit: 100, cursor });
        for (const r of page.data.records) posts.push({ uri: r.uri, text: (r.value as { text: string }).text });
        cursor = page.data.records.length === 100 ? page.data.cursor : undefined;
      } while (cursor);
      return posts;
    },
    async stop() {
      await network.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
