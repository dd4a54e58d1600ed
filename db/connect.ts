import { dataPath, type Config } from '../config';
import { AuditKey, withAuditKey } from './audit';
import { createDb, EMBEDDED_DB_OPTIONS, type Db } from './database';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded';
import { migrateToLatest } from './migrate';
import { Unavailable } from '../contracts/errors';

export interface OpenDatabase {
  db: Db;
  /**
   * The same database through a pool of its own (INBOX_READS_DATABASE_POOL_SIZE), for the worker's
   * inbox reads; connections are opened on first use, so a process that never reads opens none.
   */
  inboxReadsDb: Db;
  /**
   * One connection of its own for a worker's lease (services/publish-leases.ts): its renewals and
   * watches must not queue behind a burst's publishes for a pooled connection. Opened on first use.
   */
  leasesDb: Db;
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

/** How long a starting process waits for an unreachable (starting, or busy) PostgreSQL. */
const STARTUP_WAIT_MS = 30_000;

/**
 * Migrates once the server answers: a process started beside a PostgreSQL that is still starting,
 * or too busy to open a connection within the pool's connect timeout, waits for it (up to
 * STARTUP_WAIT_MS) instead of dying; any other failure is thrown at once.
 */
async function migrateWhenReachable(db: Db): Promise<void> {
  const deadline = Date.now() + STARTUP_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      await migrateToLatest(db);
      return;
    } catch (err) {
      if (!(err instanceof Unavailable) || Date.now() >= deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.min(250 * attempt, 2000)));
    }
  }
}

/**
 * DATABASE_URL when set; otherwise an embedded PGlite in CHORUS_DATA_DIR served on PGLITE_PORT.
 * Either way, migrated to the latest schema before it is returned. `db` seals and checks the audit
 * chain with `auditKey` (see AuditKey).
 */
export async function openDatabase(config: Config, auditKey: AuditKey): Promise<OpenDatabase> {
  let embedded: EmbeddedPostgres | undefined;
  let url = config.DATABASE_URL;
  if (!url) {
    embedded = await startEmbeddedPostgres(dataPath(config, 'pglite'), config.PGLITE_PORT);
    url = embedded.url;
  }
  const options = embedded ? EMBEDDED_DB_OPTIONS : {};
  const db = createDb(url, config.DATABASE_POOL_SIZE, options);
  try {
    await migrateWhenReachable(db);
  } catch (err) {
    await db.destroy();
    await embedded?.close();
    throw err;
  }
  const inboxReadsDb = createDb(url, config.INBOX_READS_DATABASE_POOL_SIZE, options);
  const leasesDb = createDb(url, 1, options);
  return {
    db: withAuditKey(db, auditKey),
    inboxReadsDb: withAuditKey(inboxReadsDb, auditKey),
    leasesDb,
    url,
    embedded: embedded !== undefined,
    async close() {
      await leasesDb.destroy();
      await inboxReadsDb.destroy();
      await db.destroy();
      await embedded?.close();
    },
  };
}
