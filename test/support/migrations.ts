import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FileMigrationProvider, Migrator } from 'kysely';
import pg from 'pg';
import { createDb, type Db } from '../../db/database';
import { adminDatabaseUrl } from '../setup/test-env';

/** The project's migrations folder. */
export const MIGRATIONS_FOLDER = path.join(__dirname, '../../db/migrations');

async function admin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/** A new, empty PostgreSQL database on the test server: its URL, and `drop()` (connections still open are ended). */
export async function createScratchDatabase(
  prefix: string,
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now()}_${process.pid}`;
  await admin(`create database ${name}`);
  const url = new URL(adminDatabaseUrl());
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

/**
 * A PostgreSQL database of the test file's own, empty, for walking migrations up and down (the
 * shared test database is always at the latest): created before the file's tests, dropped after.
 * `db()` is its connection, `migrator()` a Kysely migrator over the project's migrations.
 */
export function useScratchDatabase(prefix: string) {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  let db: Db | undefined;
  beforeAll(async () => {
    scratch = await createScratchDatabase(prefix);
    db = createDb(scratch.url, 1);
  });
  afterAll(async () => {
    await db?.destroy();
    await scratch?.drop();
  });
  const current = () => {
    if (!db) throw new Error('the scratch database exists only inside the tests');
    return db;
  };
  return {
    db: current,
    migrator: () =>
      new Migrator({
        db: current(),
        provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_FOLDER }),
      }),
  };
}
