import { dataPath, type Config } from '../config';
import { AuditKey, withAuditKey } from './audit';
import { createDb, type Db } from './database';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded';
import { migrateToLatest } from './migrate';

export interface OpenDatabase {
  db: Db;
  url: string;
  embedded: boolean;
  close(): Promise<void>;
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
  const db = createDb(url, config.DATABASE_POOL_SIZE);
  try {
    await migrateToLatest(db);
  } catch (err) {
    await db.destroy();
    await embedded?.close();
    throw err;
  }
  return {
    db: withAuditKey(db, auditKey),
    url,
    embedded: embedded !== undefined,
    async close() {
      await db.destroy();
      await embedded?.close();
    },
  };
}
