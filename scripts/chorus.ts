import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { verifyAuditChain } from '../db/audit';
import { createDb, type Db } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { createWorkspaceWithOwner } from '../db/workspaces';

const USAGE = `Usage:
  chorus workspace create --name <name> --owner <email>   create a workspace; prints its id and an owner API token as JSON
  chorus audit verify --workspace <id>                    check the workspace's audit hash chain; exits 1 naming the first broken row
  chorus sentiment                                        score text lines from stdin: one JSON line {"score","label"} per line
  chorus ingest --key <id> [--api <url>]                  push mentions (JSON lines on stdin) to POST /v1/listening/ingest,
                                                          signed with the key's secret from CHORUS_INGEST_SECRET
  chorus invite accept --code <code> [--api <url>] [--name <token name>]
                                                          redeem an invitation; prints your new API token (shown once) as JSON

The database is DATABASE_URL, or the embedded one that a running \`npm start\` serves on PGLITE_PORT.`;

/** The `chorus` command line: administration that precedes having an API token. */
async function main(argv: string[]): Promise<number> {
  const [group, command, ...rest] = argv;
  if (group === 'sentiment') {
    // Loaded here, not at the top: only this command needs the analyzer and its lexicons.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runSentimentCli } = require('./sentiment-cli') as typeof import('./sentiment-cli');
    await runSentimentCli(process.stdin, process.stdout);
    return 0;
  }
  if (group === 'ingest') {
    const { values } = parseArgs({ args: [command, ...rest].filter((a): a is string => a !== undefined), options: { key: { type: 'string' }, api: { type: 'string', default: 'http://127.0.0.1:3000' } } });
    const secret = process.env.CHORUS_INGEST_SECRET;
    if (!values.key || !secret) {
      console.error(`chorus ingest needs --key <ingest key id> and the key's secret in CHORUS_INGEST_SECRET\n\n${USAGE}`);
      return 2;
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runIngestCli } = require('./ingest-cli') as typeof import('./ingest-cli');
    return runIngestCli({ api: values.api, keyId: values.key, secret }, process.stdin, process.stdout, process.stderr);
  }
  if (group === 'invite' && command === 'accept') {
    const { values } = parseArgs({ args: rest, options: { code: { type: 'string' }, api: { type: 'string', default: 'http://127.0.0.1:3000' }, name: { type: 'string' } } });
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
      throw new Error(`Could not reach the Chorus API at ${endpoint.origin} (${err instanceof Error ? err.message : String(err)}); pass its address with --api <url>`);
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
      const created = await createWorkspaceWithOwner(db, { name: values.name!.trim(), ownerEmail: values.owner! });
      console.log(JSON.stringify(created));
      return 0;
    });
  }
  console.error(USAGE);
  return group === undefined || group === '--help' || group === 'help' ? 0 : 2;
}

/** DATABASE_URL, or the embedded database a running `npm start` serves; migrated first. */
async function withDb(work: (db: Db) => Promise<number>): Promise<number> {
  const config = loadConfig();
  const db = createDb(config.DATABASE_URL ?? `postgres://postgres@127.0.0.1:${config.PGLITE_PORT}/postgres?sslmode=disable`, 2);
  try {
    await migrateToLatest(db);
    return await work(db);
  } finally {
    await db.destroy();
  }
}

main(process.argv.slice(2)).then(
  // exitCode, not exit(): output piped to a slow reader must be flushed before the process ends.
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
