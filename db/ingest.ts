import type { Selectable, Transaction } from 'kysely';
import { appendAudit } from './audit';
import type { Database, Db } from './database';
import type { IngestKeysTable } from './listening';

export type IngestKeyRow = Selectable<IngestKeysTable>;

/** A new ingest key, audited. */
export async function createIngestKey(
  db: Db,
  input: { workspaceId: string; name: string; secretSealed: string; actorId: string },
): Promise<IngestKeyRow> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('ingest_keys')
      .values({
        workspace_id: input.workspaceId,
        name: input.name,
        secret_sealed: input.secretSealed,
        created_by: input.actorId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: 'ingest_key.created',
      subjectType: 'ingest_key',
      subjectId: row.id,
      after: { name: row.name },
    });
    return row;
  });
}

export async function listIngestKeys(db: Db, workspaceId: string): Promise<IngestKeyRow[]> {
  return db
    .selectFrom('ingest_keys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .execute();
}

/** Revokes an active key, audited; undefined when the workspace has no active key by that id. */
export async function revokeIngestKey(db: Db, workspaceId: string, keyId: string, actorId: string) {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('ingest_keys')
      .set({ revoked_at: new Date() })
      .where('id', '=', keyId)
      .where('workspace_id', '=', workspaceId)
      .where('revoked_at', 'is', null)
      .returning(['id', 'name'])
      .executeTakeFirst();
    if (row)
      await appendAudit(trx, {
        workspaceId,
        actorId,
        action: 'ingest_key.revoked',
        subjectType: 'ingest_key',
        subjectId: row.id,
        before: { name: row.name },
      });
    return row;
  });
}

/** A key that has not been revoked, with its sealed secret. */
export async function findActiveIngestKey(db: Db, keyId: string) {
  return db
    .selectFrom('ingest_keys')
    .select(['id', 'workspace_id', 'secret_sealed'])
    .where('id', '=', keyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

/**
 * Runs `work` for a delivery once: its result is stored with the delivery and answered again to a
 * retry of it. The delivery is claimed first, so a concurrent retry waits, then reads this one's
 * result. Marks the key used at `usedAt`.
 */
export async function deliverOnce<T extends object>(
  db: Db,
  keyId: string,
  deliveryId: string,
  usedAt: Date,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T & { repeatedDelivery: boolean }> {
  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .insertInto('ingest_deliveries')
      .values({ key_id: keyId, delivery_id: deliveryId, result: '{}' })
      .onConflict((oc) => oc.doNothing())
      .returning('delivery_id')
      .executeTakeFirst();
    if (!claimed) {
      const earlier = await trx
        .selectFrom('ingest_deliveries')
        .select(['result'])
        .where('key_id', '=', keyId)
        .where('delivery_id', '=', deliveryId)
        .executeTakeFirstOrThrow();
      return { ...(earlier.result as T), repeatedDelivery: true };
    }
    const result = await work(trx);
    await trx
      .updateTable('ingest_deliveries')
      .set({ result: JSON.stringify(result) })
      .where('key_id', '=', keyId)
      .where('delivery_id', '=', deliveryId)
      .execute();
    await trx.updateTable('ingest_keys').set({ last_used_at: usedAt }).where('id', '=', keyId).execute();
    return { ...result, repeatedDelivery: false };
  });
}
