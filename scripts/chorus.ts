import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Db } from '../db/database';

// Modules are required where a command needs them, not imported here: `chorus --help` or
// `chorus sentiment` would otherwise load the database layer, zod and the mailer for nothing.
/* eslint-disable @typescript-eslint/no-require-imports */

const USAGE = `Usage:
  chorus workspace create --name <name> --owner <email>   create a workspace; prints its id, an owner API token and the owner's
                                                          sign-in link (set a password in the web app; once, within 7 days) as JSON
  chorus audit verify --workspace <id>                    check the workspace's audit chain and checkpoints (needs the servers'
                                                          CHORUS_ENCRYPTION_KEY); exits 1 naming the first broken row
  chorus sentiment                                        score text lines from stdin: one JSON line {"score","label"} per line
  chorus ingest --key <id> [--api <url>]                  push mentions (JSON lines on stdin) to POST /v1/listening/ingest,
                                                          signed with the key's secret from CHORUS_INGEST_SECRET
  chorus invite accept --code <code> [--api <url>] [--name <token name>]
                                                          redeem an invitation; prints your new API token (shown once) as JSON

The database is DATABASE_URL, or the embedded one that a running \`npm start\` serves on PGLITE_PORT.
A command that cannot reach it says so and exits 3.`;

/** A database that does not answer within this is reported as unreachable, not waited on forever. */
const CONNECT_TIMEOUT_MS = 5000;

/** A failure the user can act on: its message is printed as is (no stack) and the process exits with `exitCode`. */
class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** The `chorus` command line: administration that precedes having an API token. */
async function main(argv: string[]): Promise<number> {
  const [group, command, ...rest] = argv;
  if (group === 'sentiment') {
    const { runSentimentCli } = require('./sentiment-cli') as typeof import('./sentiment-cli');
    await runSentimentCli(process.stdin, process.stdout);
    return 0;
  }
  if (group === 'ingest') {
    const { values } = parseArgs({
      args: [command, ...rest].filter((a): a is string => a !== undefined),
      options: { key: { type: 'string' }, api: { type: 'string', default: 'http://127.0.0.1:3000' } },
    });
    const secret = process.env.CHORUS_INGEST_SECRET;
    if (!values.key || !secret) {
      console.error(
        `chorus ingest needs --key <ingest key id> and the key's secret in CHORUS_INGEST_SECRET\n\n${USAGE}`,
      );
      return 2;
    }
    const { runIngestCli } = require('./ingest-cli') as typeof import('./ingest-cli');
    return runIngestCli({ api: values.api, keyId: values.key, secret }, process.stdin, process.stdout, process.stderr);
  }
  if (group === 'invite' && command === 'accept') {
    const { values } = parseArgs({
      args: rest,
      options: {
        code: { type: 'string' },
        api: { type: 'string', default: 'http://127.0.0.1:3000' },
        name: { type: 'string' },
      },
    });
    if (!values.code?.trim()) {
      console.error(`chorus invite accept needs --code <invitation code>\n\n${USAGE}`);
      return 2;
    }
    const endpoint = new URL('/v1/invitations/accept', values.api);
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: values.code.trim(), ...(values.name ? { tokenName: values.name } : {}) }),
    }).catch((err: unknown) => {
      throw new Error(
        `Could not reach the Chorus API at ${endpoint.origin} (${err instanceof Error ? err.message : String(err)}); pass its address with --api <url>`,
      );
    });
    const answer = await response.text();
    if (!response.ok) {
      console.error(`The invitation was refused (${response.status}): ${answer}`);
      return 1;
    }
    console.log(answer);
    return 0;
  }
  if (group === 'audit' && command === 'verify') {
    const { values } = parseArgs({ args: rest, options: { workspace: { type: 'string' } } });
    if (!values.workspace) {
      console.error(`chorus audit verify needs --workspace <id>\n\n${USAGE}`);
      return 2;
    }
    return withDb(async (db) => {
      const { verifyAuditChain } = require('../db/audit') as typeof import('../db/audit');
      const result = await verifyAuditChain(db, values.workspace!);
      console.log(JSON.stringify(result));
      return result.ok ? 0 : 1;
    });
  }
  if (group === 'workspace' && command === 'create') {
    const { values } = parseArgs({ args: rest, options: { name: { type: 'string' }, owner: { type: 'string' } } });
    if (!values.name?.trim() || !values.owner || !/^[^@\s]+@[^@\s]+$/.test(values.owner)) {
      console.error(`chorus workspace create needs --name <name> and --owner <email>\n\n${USAGE}`);
      return 2;
    }
    return withDb(async (db) => {
      const { createWorkspaceWithOwner } = require('../db/workspaces') as typeof import('../db/workspaces');
      const { loadConfig } = require('../config') as typeof import('../config');
      const created = await createWorkspaceWithOwner(db, { name: values.name!.trim(), ownerEmail: values.owner! });
      const appUrl = (loadConfig().CHORUS_APP_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
      console.log(
        JSON.stringify({
          workspaceId: created.workspaceId,
          userId: created.userId,
          token: created.token,
          signInLink: `${appUrl}/welcome?code=${encodeURIComponent(created.setupCode)}`,
        }),
      );
      return 0;
    });
  }
  console.error(USAGE);
  return group === undefined || group === '--help' || group === 'help' ? 0 : 2;
}

/** DATABASE_URL, or the embedded database a running `npm start` serves; migrated first. */
async function withDb(work: (db: Db) => Promise<number>): Promise<number> {
  const { dataPath, loadConfig } = require('../config') as typeof import('../config');
  const config = loadConfig();
  const url = config.DATABASE_URL ?? `postgres://postgres@127.0.0.1:${config.PGLITE_PORT}/postgres?sslmode=disable`;
  await checkReachable(url, config.DATABASE_URL === undefined ? { pgLitePort: config.PGLITE_PORT } : undefined);
  const { createDb, EMBEDDED_DB_OPTIONS } = require('../db/database') as typeof import('../db/database');
  const { migrateToLatest } = require('../db/migrate') as typeof import('../db/migrate');
  const { AuditKey, withAuditKey } = require('../db/audit') as typeof import('../db/audit');
  // The servers' audit key (from CHORUS_ENCRYPTION_KEY, or the key file `npm start` keeps in
  // CHORUS_DATA_DIR): rows this command writes are sealed, and the chain it verifies is checked,
  // with the same key. Never a new key: rows sealed with it would fail every later check.
  const keyFile = dataPath(config, 'encryption.key');
  const keyMaterial = config.CHORUS_ENCRYPTION_KEY ?? (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : '');
  if (!keyMaterial)
    throw new CliError(
      `chorus: no key to seal and check the audit log with. Set CHORUS_ENCRYPTION_KEY to the servers' key, or run where \`npm start\` keeps its key file (${keyFile}, CHORUS_DATA_DIR).`,
      2,
    );
  const auditKey = AuditKey.derive(keyMaterial);
  // The embedded database's session is shared with the running servers' connections.
  const db = withAuditKey(createDb(url, 2, config.DATABASE_URL === undefined ? EMBEDDED_DB_OPTIONS : {}), auditKey);
  try {
    await migrateToLatest(db);
    return await work(db);
  } finally {
    await db.destroy();
  }
}

/**
 * Connects once, with a timeout, before any work: an unreachable database (nothing listening, a
 * wrong host, a server that never answers, refused credentials) becomes one message saying how to
 * start Chorus or point the command at a database, instead of a driver error or a wait forever.
 */
async function checkReachable(url: string, embedded: { pgLitePort: number } | undefined): Promise<void> {
  const pg = require('pg') as typeof import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => undefined); // a failure is reported by connect() below
  try {
    await client.connect();
  } catch (err) {
    const reason = err instanceof Error ? err.message || (err as NodeJS.ErrnoException).code || err.name : String(err);
    const message = embedded
      ? `chorus: cannot reach the database at 127.0.0.1:${embedded.pgLitePort} (PGLITE_PORT, the embedded database of \`npm start\`): ${reason}.
Start Chorus first (npm start, in another terminal); if it runs with another PGLITE_PORT, set the same one here.
Or set DATABASE_URL to your PostgreSQL, e.g. DATABASE_URL=postgres://user:password@host:5432/chorus`
      : `chorus: cannot reach the database at DATABASE_URL (${redactPassword(url)}): ${reason}.
Check that PostgreSQL runs there and that DATABASE_URL is right, or unset it to use the embedded database of a running \`npm start\` (PGLITE_PORT).`;
    throw new CliError(message, 3);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

main(process.argv.slice(2)).then(
  // exitCode, not exit(): output piped to a slow reader must be flushed before the process ends.
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(err instanceof CliError ? err.exitCode : 1);
  },
);
