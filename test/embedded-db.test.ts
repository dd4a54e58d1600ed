import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AuditKey, withAuditKey } from '../db/audit';
import { createDb, EMBEDDED_DB_OPTIONS, type Db } from '../db/database';
import { findPosts } from '../db/posts';
import { generateKey } from '../db/sealing';
import { migrateToLatest } from '../db/migrate';
import { createWorkspaceWithOwner } from '../db/workspaces';
import { compileQuery } from '../listening/query';
import { storeMentions } from '../services/mention-store';
import { insertPostRow } from './support/posts';

/** npm start's zero-config database: PGlite behind the wire protocol, reached with the same pg code as PostgreSQL. */
let child: ChildProcess;
let db: Db;
let dataDir: string;

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'chorus-pglite-'));
  child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'support', 'embedded-db-process.ts'), dataDir, String(await freePort())],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', (code) => reject(new Error(`the embedded database exited with ${code}`)));
  });
  // Audit rows are sealed with a key, and the pool set for PGlite, as Chorus's own handle (openDatabase) does.
  db = withAuditKey(createDb(url, 4, EMBEDDED_DB_OPTIONS), AuditKey.derive(generateKey()));
}, 60_000);
afterAll(async () => {
  await db?.destroy();
  if (child) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.stdin!.end();
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

test('every migration runs on the embedded database, and mentions are stored once through the batch insert', async () => {
  await migrateToLatest(db);
  const owner = await createWorkspaceWithOwner(db, { name: 'Embedded', ownerEmail: 'embedded@chorus.example' });
  const query = await db
    .insertInto('listening_queries')
    .values({
      workspace_id: owner.workspaceId,
      name: 'Q',
      expression: 'chorus',
      kind: 'brand',
      sources: JSON.stringify({ push: true }),
      filters: JSON.stringify({}),
      alerting: JSON.stringify({}),
      status: 'active',
      workflow_id: 'listening/embedded',
      created_by: owner.userId,
      updated_at: new Date(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const item = (id: string, text: string) => ({
    source: 'push:test',
    sourceId: id,
    text,
    author: `${id}@example`,
    links: [],
    postedAt: new Date(),
    url: null,
  });
  const batch = [item('1', 'Chorus "quoted" \\ {a,b} NULL 🎉'), item('2', 'not a match'), item('3', 'I love chorus')];
  expect(await storeMentions(db, query, compileQuery('chorus'), batch)).toEqual({
    stored: 2,
    unmatched: 1,
    filtered: 0,
    duplicate: 0,
  });
  expect(await storeMentions(db, query, compileQuery('chorus'), batch)).toEqual({
    stored: 0,
    unmatched: 1,
    filtered: 0,
    duplicate: 2,
  });
  const rows = await db
    .selectFrom('mentions')
    .select(['source_id', 'text', 'sentiment_label'])
    .orderBy('source_id')
    .execute();
  expect(rows).toEqual([
    { source_id: '1', text: 'Chorus "quoted" \\ {a,b} NULL 🎉', sentiment_label: expect.any(String) },
    { source_id: '3', text: 'I love chorus', sentiment_label: 'positive' },
  ]);
}, 60_000);

test('the prepared reads run from several connections at once, again and again: PGlite is one session for them all, so none runs by a name another prepared', async () => {
  const owner = await createWorkspaceWithOwner(db, { name: 'Embedded reads', ownerEmail: 'reads@chorus.example' });
  const id = await insertPostRow(db, owner, 'Read twice');
  for (let run = 0; run < 3; run++) {
    const reads = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        i % 2 ? findPosts(db, owner.workspaceId, { ids: [id] }) : findPosts(db, owner.workspaceId, { limit: 10 }),
      ),
    );
    expect(reads.map((posts) => posts.map((p) => p.text))).toEqual(Array(8).fill(['Read twice']));
  }
});
