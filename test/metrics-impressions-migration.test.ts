import { promises as fs } from 'node:fs';
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { MIGRATIONS_FOLDER, useScratchDatabase } from './support/migrations';

/**
 * Migration 0046 (issue 16): impressions on metric_snapshots and target_metrics, kept by migration
 * 0037's trigger; its down puts 0037's function back, so snapshots are still written after it.
 */
const MIGRATION = '0046_post_impressions';
const scratch = useScratchDatabase('chorus_impressions');
const migrator = scratch.migrator;
let db: Db;
beforeAll(() => {
  db = scratch.db();
});

test('up: the latest counted snapshot’s impressions are kept per target; down: the trigger still writes the counts; up again', async () => {
  expect((await migrator().migrateToLatest()).error).toBeUndefined();
  const before = (await fs.readdir(MIGRATIONS_FOLDER))
    .map((f) => f.replace(/\.ts$/, ''))
    .filter((f) => f < MIGRATION)
    .sort()
    .at(-1)!;

  const [workspace] = (await sql<{ id: string }>`insert into workspaces (name) values ('W') returning id`.execute(db))
    .rows;
  const [user] = (await sql<{ id: string }>`insert into users (email) values ('i@x.test') returning id`.execute(db))
    .rows;
  const [channel] = (
    await sql<{
      id: string;
    }>`insert into channels (workspace_id, provider, name, account_ref, credentials_sealed, created_by)
      values (${workspace!.id}, 'x', 'X', 'x:1', 'sealed', ${user!.id}) returning id`.execute(db)
  ).rows;
  const [post] = (
    await sql<{ id: string }>`insert into posts (workspace_id, author_id, text, publish_at, status, workflow_id)
      values (${workspace!.id}, ${user!.id}, 'Hi', now(), 'published', 'wf-impressions') returning id`.execute(db)
  ).rows;
  const [target] = (
    await sql<{
      id: string;
    }>`insert into post_targets (post_id, channel_id, text, status, idempotency_key, external_id, published_at)
      values (${post!.id}, ${channel!.id}, 'Hi', 'published', 'key-impressions', '1', now() - interval '2 hours') returning id`.execute(
      db,
    )
  ).rows;
  const snapshot = (label: string, at: string, status: string, likes: number | null, impressions?: number | null) =>
    impressions === undefined
      ? sql`insert into metric_snapshots (workspace_id, target_id, offset_label, taken_at, status, likes, reposts, replies)
          values (${workspace!.id}, ${target!.id}, ${label}, now() - ${at}::interval, ${status}, ${likes}, ${likes === null ? null : 0}, ${likes === null ? null : 0})`.execute(
          db,
        )
      : sql`insert into metric_snapshots (workspace_id, target_id, offset_label, taken_at, status, likes, reposts, replies, impressions)
          values (${workspace!.id}, ${target!.id}, ${label}, now() - ${at}::interval, ${status}, ${likes}, ${likes === null ? null : 0}, ${likes === null ? null : 0}, ${impressions})`.execute(
          db,
        );
  // The target's row; `impressions` only while the column exists.
  const latest = async () => {
    const row = (
      await sql<Record<string, unknown>>`select * from target_metrics where target_id = ${target!.id}`.execute(db)
    ).rows[0]!;
    return 'impressions' in row
      ? { status: row.status, likes: row.likes, impressions: row.impressions }
      : { status: row.status, likes: row.likes };
  };

  await snapshot('+1h', '60 minutes', 'ok', 3, 120);
  expect(await latest()).toEqual({ status: 'ok', likes: 3, impressions: 120 });
  // A post later gone keeps the impressions it had, as it keeps its other counts.
  await snapshot('+6h', '30 minutes', 'deleted', null, null);
  expect(await latest()).toEqual({ status: 'deleted', likes: 3, impressions: 120 });

  expect((await migrator().migrateTo(before)).error).toBeUndefined();
  const columns = await sql`select table_name from information_schema.columns where column_name = 'impressions'
    and table_name in ('metric_snapshots', 'target_metrics')`.execute(db);
  expect(columns.rows).toEqual([]);
  // 0037's function is back: a snapshot written now still updates the target's row.
  await snapshot('+24h', '10 minutes', 'ok', 7);
  expect(await latest()).toEqual({ status: 'ok', likes: 7 });

  expect((await migrator().migrateToLatest()).error).toBeUndefined();
  expect(await latest()).toEqual({ status: 'ok', likes: 7, impressions: null });
  await snapshot('+3d', '1 minute', 'ok', 8, 900);
  expect(await latest()).toEqual({ status: 'ok', likes: 8, impressions: 900 });
});
