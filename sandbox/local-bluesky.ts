import http from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AtpAgent } from '@atproto/api';
import type { TestNetwork, TestNetworkNoAppView } from '@atproto/dev-env';
import pg from 'pg';

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
  /** With `appview`: the appview (Bluesky's read side: notifications, threads, profiles) and its DID. */
  appview?: { url: string; did: string; network: TestNetwork };
  /** With `appview`: waits until the appview has indexed everything written so far. */
  processAll(): Promise<void>;
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
    const portOnly =
      ['number', 'string', 'undefined'].includes(typeof args[0]) && (args.length <= 1 || typeof args[1] === 'function');
    if (portOnly) args.splice(0, 2, args[0] ?? 0, '127.0.0.1', ...(typeof args[1] === 'function' ? [args[1]] : []));
    return (original as (...a: unknown[]) => http.Server).apply(this, args);
  } as typeof original;
  try {
    return await fn();
  } finally {
    http.Server.prototype.listen = original;
  }
}

/** A PLC operation as the directory's `GET /:did/log` gives it and `POST /:did` takes it. */
type PlcOperation = Record<string, unknown>;

/**
 * A local Bluesky network: the reference PLC directory and PDS from @atproto/dev-env, on 127.0.0.1.
 *
 * Without `dataDir` its files live in a temporary folder that `stop` removes (tests, benchmarks).
 * With `dataDir` (and fixed ports) it survives restarts: the PDS keeps its accounts, repositories
 * and blobs there, and its PLC rotation key; dev-env's PLC directory only keeps DIDs in memory, so
 * their operation logs are saved there too (after each account is made, and at `stop`) and posted
 * to the new directory on the next start. Accounts, app passwords and DIDs then work as before.
 */
export async function startLocalBluesky(
  options: {
    pdsPort?: number;
    plcPort?: number;
    dataDir?: string;
    /**
     * Also run Bluesky's appview (dev-env's TestNetwork): it indexes the PDS's repositories into
     * PostgreSQL at this URL, in schemas of its own (made here, dropped at `stop`). Not with `dataDir`.
     */
    appview?: { postgresUrl: string };
  } = {},
): Promise<LocalBluesky> {
  if (options.appview && options.dataDir)
    throw new Error('startLocalBluesky: the appview is for tests, not with dataDir');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'chorus-pds-'));
  const previousTmp = process.env.TMPDIR;
  process.env.TMPDIR = tmp; // dev-env puts the PDS's data and blob folders under os.tmpdir()
  const persistent = options.dataDir ? persistentPds(options.dataDir) : {};
  // Loaded on demand: @atproto/dev-env is a development dependency, absent from production images.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { TestNetwork, TestNetworkNoAppView } = require('@atproto/dev-env') as typeof import('@atproto/dev-env');
  let network: TestNetworkNoAppView;
  // The appview's schemas (`appview_<name>`, `ozone_<name>`): dev-env takes letters and underscores only.
  const schema = options.appview
    ? `chorus_${Array.from({ length: 12 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('')}`
    : undefined;
  try {
    network = await withLoopbackListen(() =>
      // Only defined keys: dev-env spreads these over its defaults, and `port: undefined` would win.
      options.appview
        ? withRedisHost(() =>
            TestNetwork.create({
              dbPostgresUrl: options.appview!.postgresUrl,
              dbPostgresSchema: schema,
              pds: options.pdsPort ? { port: options.pdsPort } : {},
              plc: options.plcPort ? { port: options.plcPort } : {},
            }),
          )
        : TestNetworkNoAppView.create({
            pds: { ...(options.pdsPort ? { port: options.pdsPort } : {}), ...persistent },
            plc: options.plcPort ? { port: options.plcPort } : {},
          }),
    );
  } catch (err) {
    if (options.appview) await dropSchemas(options.appview.postgresUrl, schema!).catch(() => undefined);
    throw err;
  } finally {
    if (previousTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmp;
  }
  const pdsUrl = network.pds.url.replace('localhost', '127.0.0.1');
  const plcUrl = network.plc.url.replace('localhost', '127.0.0.1');
  const plcLogFile = options.dataDir ? path.join(options.dataDir, 'plc-log.json') : undefined;

  /** Every DID of the PDS's accounts with its PLC operation log, written to `plcLogFile`. */
  const savePlcLog = async () => {
    if (!plcLogFile) return;
    const agent = new AtpAgent({ service: pdsUrl });
    const logs: Record<string, PlcOperation[]> = {};
    let cursor: string | undefined;
    do {
      const page = await agent.com.atproto.sync.listRepos({ limit: 1000, cursor });
      for (const repo of page.data.repos) {
        const response = await fetch(`${plcUrl}/${encodeURIComponent(repo.did)}/log`);
        if (response.ok) logs[repo.did] = (await response.json()) as PlcOperation[];
      }
      cursor = page.data.repos.length === 1000 ? page.data.cursor : undefined;
    } while (cursor);
    writeFileSync(plcLogFile, JSON.stringify(logs));
  };

  if (plcLogFile && existsSync(plcLogFile)) {
    try {
      const logs = JSON.parse(readFileSync(plcLogFile, 'utf8')) as Record<string, PlcOperation[]>;
      for (const [did, operations] of Object.entries(logs)) {
        for (const operation of operations) {
          const response = await fetch(`${plcUrl}/${encodeURIComponent(did)}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(operation),
          });
          if (!response.ok)
            throw new Error(
              `the PLC directory refused ${did}'s saved operation: ${response.status} ${await response.text()}`,
            );
        }
      }
    } catch (err) {
      await network.close();
      rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
  }

  const withAppview = options.appview ? (network as TestNetwork) : undefined;
  return {
    pdsUrl,
    plcUrl,
    network,
    ...(withAppview
      ? {
          appview: {
            url: withAppview.bsky.url.replace('localhost', '127.0.0.1'),
            did: withAppview.bsky.serverDid,
            network: withAppview,
          },
        }
      : {}),
    async processAll() {
      if (withAppview) await withAppview.processAll();
      else await network.processAll();
    },
    async createAccount(name) {
      const handle = `${name}.test`;
      const password = `${name}-password-${Math.random().toString(36).slice(2)}`;
      const agent = new AtpAgent({ service: pdsUrl });
      await agent.createAccount({ email: `${name}@example.test`, handle, password });
      const appPassword = await agent.com.atproto.server.createAppPassword({ name: 'chorus' });
      await savePlcLog();
      return { did: agent.session!.did, handle, password, appPassword: appPassword.data.password };
    },
    async listPosts(did) {
      const agent = new AtpAgent({ service: pdsUrl });
      const posts: { uri: string; text: string }[] = [];
      let cursor: string | undefined;
      do {
        const page = await agent.com.atproto.repo.listRecords({
          repo: did,
          collection: 'app.bsky.feed.post',
          limit: 100,
          cursor,
        });
        for (const r of page.data.records) posts.push({ uri: r.uri, text: (r.value as { text: string }).text });
        cursor = page.data.records.length === 100 ? page.data.cursor : undefined;
      } while (cursor);
      return posts;
    },
    async stop() {
      // Accounts made on the PDS directly (not through createAccount) keep their DIDs too.
      await savePlcLog().catch((err: unknown) =>
        console.error(`The local Bluesky's DIDs were not saved: ${String(err)}`),
      );
      await network.close();
      rmSync(tmp, { recursive: true, force: true });
      if (options.appview) await dropSchemas(options.appview.postgresUrl, schema!);
    },
  };
}

/**
 * dev-env asserts REDIS_HOST is set before it builds a TestNetwork, though its appview and ozone
 * as configured there never connect to Redis: a placeholder when unset.
 */
async function withRedisHost<T>(fn: () => Promise<T>): Promise<T> {
  if (process.env.REDIS_HOST) return fn();
  process.env.REDIS_HOST = '127.0.0.1:6379';
  try {
    return await fn();
  } finally {
    delete process.env.REDIS_HOST;
  }
}

/** The appview's and ozone's schemas, left behind by their services otherwise. */
async function dropSchemas(postgresUrl: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    for (const name of [`appview_${schema}`, `ozone_${schema}`])
      await client.query(`drop schema if exists "${name}" cascade`);
  } finally {
    await client.end();
  }
}

/**
 * The PDS settings that keep its state in `dataDir`: its databases and repositories, its blobs, and
 * the PLC rotation key it signs its DIDs' updates with (made once, as a secp256k1 key in hex).
 */
function persistentPds(dataDir: string) {
  mkdirSync(dataDir, { recursive: true });
  const keyFile = path.join(dataDir, 'plc-rotation.key');
  if (!existsSync(keyFile)) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    writeFileSync(keyFile, Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url').toString('hex'), {
      mode: 0o600,
    });
  }
  const dataDirectory = path.join(dataDir, 'pds');
  mkdirSync(dataDirectory, { recursive: true });
  return {
    dataDirectory,
    blobstoreDiskLocation: path.join(dataDir, 'blobs'),
    plcRotationKeyK256PrivateKeyHex: readFileSync(keyFile, 'utf8').trim(),
  };
}
