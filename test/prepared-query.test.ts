import { sql } from 'kysely';
import { AuditKey, withAuditKey } from '../db/audit';
import { findPosts } from '../db/posts';
import { prepare } from '../db/prepared';
import { generateKey } from '../db/sealing';
import { createWorkspaceWithOwner } from '../db/workspaces';
import { useScratchDatabase } from './support/migrations';
import { insertPostRow } from './support/posts';

// A query compiled once per shape and run with new values (db/prepared.ts), on real PostgreSQL.
const scratch = useScratchDatabase('prepared_query');

test('each shape is built once; every run binds its own values; a value the shape needs must be given', async () => {
  const built: string[] = [];
  const echo = prepare<{ word: string; n?: number }>()((db, p, shape) => {
    built.push(shape);
    return db.selectNoFrom([
      sql<string>`${p.word}::text`.as('word'),
      (shape === 'n,word' ? sql<number>`${p.n}::int * 2` : sql<number>`0`).as('twice'),
    ]);
  });
  const db = scratch.db();
  expect(await echo.execute(db, 'word', { word: 'one' })).toEqual([{ word: 'one', twice: 0 }]);
  expect(await echo.execute(db, 'word', { word: "two'; drop table x; --" })).toEqual([
    { word: "two'; drop table x; --", twice: 0 },
  ]);
  expect(await echo.execute(db, 'n,word', { word: 'three', n: 21 })).toEqual([{ word: 'three', twice: 42 }]);
  expect(await echo.execute(db, 'n,word', { word: 'four', n: 5 })).toEqual([{ word: 'four', twice: 10 }]);
  expect(built).toEqual(['word', 'n,word']);
  // Each shape is a statement prepared by name on the connection (the pool has one), once.
  const prepared = await sql<{
    name: string;
    statement: string;
  }>`select name, statement from pg_prepared_statements order by prepare_time`.execute(db);
  expect(prepared.rows).toEqual([
    {
      name: expect.stringMatching(/^chorus_[0-9a-f]{24}$/),
      statement: expect.stringMatching(/^select \$1::text as "word", 0 as "twice"$/),
    },
    { name: expect.stringMatching(/^chorus_[0-9a-f]{24}$/), statement: expect.stringMatching(/\$2::int \* 2/) },
  ]);
  await expect(echo.execute(db, 'n,word', { word: 'five' })).rejects.toThrow(
    'PreparedQuery: no value for n in shape "n,word"',
  );
});

test('a post read prepared on a connection keeps working after a migration adds a column to posts', async () => {
  // An API process still running while a newer one migrates: its connections hold the prepared read.
  const db = scratch.db();
  const { error } = await scratch.migrator().migrateToLatest();
  expect(error).toBeUndefined();
  const owner = await createWorkspaceWithOwner(withAuditKey(db, AuditKey.derive(generateKey())), {
    name: 'Prepared reads',
    ownerEmail: 'prepared@chorus.example',
  });
  const id = await insertPostRow(db, owner, 'Read before and after');
  const read = async () => (await findPosts(db, owner.workspaceId, { ids: [id] })).map((p) => p.text);
  expect(await read()).toEqual(['Read before and after']);
  await sql`alter table posts add column added_later text`.execute(db);
  await sql`alter table post_targets add column added_later text`.execute(db);
  expect(await read()).toEqual(['Read before and after']);
});
