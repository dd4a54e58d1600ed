import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { AuditKey, withAuditKey } from '../db/audit';
import { createDb, type Db } from '../db/database';
import { generateKey } from '../db/sealing';
import { migrateToLatest } from '../db/migrate';
import { createWorkspaceWithOwner } from '../db/workspaces';
import { compileQuery } from '../listening/query';
import { parseRatedTsv } from '../listening/sentiment-metrics';
import { storeMentions, type Candidate, type ListeningQuery } from '../services/mention-store';

/**
 * Listening ingest: mentions matched + filtered + scored + stored per second per core, through
 * services/mention-store.ts, the path every source uses (firehose, RSS, Mastodon, push).
 *
 *   npx tsx bench/listening-ingest.ts                   # 100,000 items in batches of 500
 *   npx tsx bench/listening-ingest.ts --batch 1         # one item per call, as the firehose stores
 *
 * Items are the development set's tweets (../shared/data/sentiment/tweets-dev.tsv), each from its
 * own author with its own id; --match of them get the brand term so the query matches them. One
 * Node thread feeds one PostgreSQL connection, one batch at a time. "Per core" divides the stored
 * mentions by the CPU time spent on them: this process plus its PostgreSQL backend (read from
 * /proc when the server is on this machine), so it does not flatter either side.
 * The database is a fresh `chorus_bench_<timestamp>` on TEST_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test), dropped at the end. The server must run on this
 * machine, or the per-core figure cannot be measured (it is then left out, and the run fails).
 * The last line is a JSON summary; the exit code is 0 only when the target holds.
 */

const TARGET_PER_CORE = 5_000;
const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DEV_SET = path.join(__dirname, '..', '..', 'shared', 'data', 'sentiment', 'tweets-dev.tsv');
const EXPRESSION = '(chorus OR "chorus app" OR #chorus) AND NOT (giveaway OR "promo code")';

function options() {
  const { values } = parseArgs({
    options: {
      items: { type: 'string', default: '100000' },
      batch: { type: 'string', default: '500' },
      match: { type: 'string', default: '0.5' },
    },
  });
  const items = Number(values.items);
  const batch = Number(values.batch);
  const match = Number(values.match);
  if (!Number.isInteger(items) || items < 1) throw new Error('--items must be a positive integer');
  if (!Number.isInteger(batch) || batch < 1 || batch > 5000)
    throw new Error('--batch must be an integer from 1 to 5000');
  if (!(match > 0 && match <= 1)) throw new Error('--match must be in (0, 1]');
  return { items, batch, match };
}

/** utime + stime of a process in seconds, or null when /proc does not have it (server elsewhere). */
function cpuSecondsOf(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks; 100 per second on Linux
  } catch {
    return null;
  }
}

function candidates(count: number, match: number, runId: string): Candidate[] {
  const texts = parseRatedTsv(readFileSync(DEV_SET, 'utf8')).map((t) => t.text);
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const base = texts[i % texts.length]!;
    // Every 1/match-th item names the brand; the pass over the set is part of the text so the
    // "same text from many accounts" rule does not filter the repeats of the dev set.
    const text = (i % Math.round(1 / match) === 0 ? `Chorus: ${base}` : base) + ` (${Math.floor(i / texts.length)})`;
    return {
      source: 'bench',
      sourceId: `${runId}-${i}`,
      text,
      author: `author${i}.${runId}.example`,
      links: [],
      postedAt: new Date(now - (count - i) * 10),
      url: null,
    };
  });
}

async function main() {
  const opts = options();
  const runId = `chorus_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${runId}`);
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${runId}`;
  const db: Db = withAuditKey(createDb(url.toString(), 1), AuditKey.derive(generateKey()));
  try {
    await migrateToLatest(db);
    const owner = await createWorkspaceWithOwner(db, { name: 'Ingest bench', ownerEmail: 'bench@chorus.example' });
    const query: ListeningQuery = await db
      .insertInto('listening_queries')
      .values({
        workspace_id: owner.workspaceId,
        name: 'Bench',
        expression: EXPRESSION,
        kind: 'brand',
        sources: JSON.stringify({ push: true }),
        filters: JSON.stringify({ minLength: 5 }),
        alerting: JSON.stringify({}),
        status: 'active',
        workflow_id: `listening/${runId}`,
        created_by: owner.userId,
        updated_at: new Date(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const matcher = compileQuery(EXPRESSION);
    const items = candidates(opts.items, opts.match, runId);
    const backend = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]!.pid;

    // Warm-up: JIT, the connection, the first index pages.
    await storeMentions(db, query, matcher, candidates(Math.min(2000, opts.items), opts.match, `${runId}-warm`));

    const pgBefore = cpuSecondsOf(backend);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const totals = { unmatched: 0, filtered: 0, stored: 0, duplicate: 0 };
    for (let i = 0; i < items.length; i += opts.batch) {
      const counts = await storeMentions(db, query, matcher, items.slice(i, i + opts.batch));
      for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += counts[k];
    }
    const wallSeconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const nodeCpuSeconds = (cpu.user + cpu.system) / 1e6;
    const pgAfter = cpuSecondsOf(backend);
    const pgCpuSeconds = pgBefore !== null && pgAfter !== null ? pgAfter - pgBefore : null;
    // Without the server's CPU time the figure would flatter the pipeline: leave it out.
    const perCore = pgCpuSeconds === null ? null : totals.stored / (nodeCpuSeconds + pgCpuSeconds);

    const stored = Number(
      (
        await sql<{
          n: string;
        }>`select count(*) as n from mentions where query_id = ${query.id} and source_id like ${`${runId}-%`} and source_id not like ${`${runId}-warm%`}`.execute(
          db,
        )
      ).rows[0]!.n,
    );
    console.log(
      `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`,
    );
    console.log(
      `Items: ${opts.items.toLocaleString('en')} in batches of ${opts.batch}; ${totals.stored.toLocaleString('en')} stored (${stored.toLocaleString('en')} in the table), ${totals.unmatched.toLocaleString('en')} unmatched, ${totals.filtered} filtered, ${totals.duplicate} duplicates`,
    );
    console.log(
      `Wall: ${wallSeconds.toFixed(2)} s → ${Math.round(opts.items / wallSeconds).toLocaleString('en')} items/s offered, ${Math.round(totals.stored / wallSeconds).toLocaleString('en')} mentions/s stored (one thread, one connection)`,
    );
    console.log(
      `CPU: Node ${nodeCpuSeconds.toFixed(2)} s + PostgreSQL backend ${pgCpuSeconds === null ? 'n/a (not on this machine)' : `${pgCpuSeconds.toFixed(2)} s`}`,
    );
    console.log(
      `Per core: ${perCore === null ? 'not measurable (PostgreSQL is not on this machine)' : Math.round(perCore).toLocaleString('en')} mentions matched + scored + stored per CPU-second (target ≥ ${TARGET_PER_CORE.toLocaleString('en')})`,
    );
    const met = perCore !== null && perCore >= TARGET_PER_CORE && stored === totals.stored;
    console.log(
      JSON.stringify({
        items: opts.items,
        batch: opts.batch,
        stored: totals.stored,
        unmatched: totals.unmatched,
        filtered: totals.filtered,
        wallSeconds: +wallSeconds.toFixed(3),
        nodeCpuSeconds: +nodeCpuSeconds.toFixed(3),
        pgCpuSeconds: pgCpuSeconds === null ? null : +pgCpuSeconds.toFixed(3),
        storedPerSecondWall: Math.round(totals.stored / wallSeconds),
        storedPerCpuSecond: perCore === null ? null : Math.round(perCore),
        target: TARGET_PER_CORE,
        met,
      }),
    );
    process.exitCode = met ? 0 : 1;
  } finally {
    await db.destroy();
    await admin.query(`drop database if exists ${runId}`);
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
