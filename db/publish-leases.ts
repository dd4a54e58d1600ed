import { sql, type ColumnType } from 'kysely';
import type { Db } from './database';
import type { CreatedAt } from './columns';

// The workers' leases and the staged publishes waiting under them (migration 0048; the process
// that keeps and watches them is services/publish-leases.ts).

export interface WorkerLeasesTable {
  id: string;
  namespace: string;
  task_queue: string;
  /** bigint, as text: moved on at every renewal. */
  beat: ColumnType<string, never, string>;
  renewed_at: ColumnType<Date, never, Date>;
}

export interface PublishHoldsTable {
  task_token: Buffer;
  lease_id: string;
  target_id: string;
  held_at: CreatedAt;
}

/** Which deployment's workers a lease belongs to: its Temporal namespace and task queue. */
export interface LeaseScope {
  namespace: string;
  taskQueue: string;
}

/** A new lease for a worker process. */
export async function takeWorkerLease(db: Db, id: string, scope: LeaseScope): Promise<void> {
  await db
    .insertInto('worker_leases')
    .values({ id, namespace: scope.namespace, task_queue: scope.taskQueue })
    .execute();
}

/** Moves the lease on; false when it is gone (another worker found it still and took its holds). */
export async function renewWorkerLease(db: Db, id: string): Promise<boolean> {
  const renewed = await db
    .updateTable('worker_leases')
    .set({ beat: sql`beat + 1`, renewed_at: sql`now()` })
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  return renewed !== undefined;
}

/** A worker stopping: its lease and whatever it still notes as held go (it holds nothing by then). */
export async function endWorkerLease(db: Db, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('publish_holds').where('lease_id', '=', id).execute();
    await trx.deleteFrom('worker_leases').where('id', '=', id).execute();
  });
}

/** Every lease of the deployment: its beat, and how long ago it was renewed (the database's clock). */
export async function findWorkerLeases(
  db: Db,
  scope: LeaseScope,
): Promise<{ id: string; beat: string; ageMs: number }[]> {
  const rows = await db
    .selectFrom('worker_leases')
    .select(['id', 'beat', sql<string>`extract(epoch from clock_timestamp() - renewed_at) * 1000`.as('age_ms')])
    .where('namespace', '=', scope.namespace)
    .where('task_queue', '=', scope.taskQueue)
    .execute();
  return rows.map((r) => ({ id: r.id, beat: r.beat, ageMs: Number(r.age_ms) }));
}

/**
 * Ends a lease found still at `beat` and hands on the task tokens held under it (`handOn`, inside
 * the transaction: if it throws, the lease stays for the next watcher). Returns how many it held;
 * 0, handing on nothing, when the lease has moved since (its worker renewed it after all) or
 * another watcher ended it first. The lease's row stays locked meanwhile, so a late renewal waits
 * and then finds it gone.
 */
export async function endLostWorkerLease(
  db: Db,
  id: string,
  beat: string,
  handOn: (taskTokens: Buffer[]) => Promise<void>,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const lost = await trx
      .deleteFrom('worker_leases')
      .where('id', '=', id)
      .where('beat', '=', beat)
      .returning('id')
      .executeTakeFirst();
    if (!lost) return 0;
    const holds = await trx.deleteFrom('publish_holds').where('lease_id', '=', id).returning('task_token').execute();
    await handOn(holds.map((h) => h.task_token));
    return holds.length;
  });
}

/** Staged publishes note their activities' task tokens under their worker's lease while they wait and send. */
export async function holdPublishes(
  db: Db,
  holds: { taskToken: Uint8Array; leaseId: string; targetId: string }[],
): Promise<void> {
  await db
    .insertInto('publish_holds')
    .values(holds.map((h) => ({ task_token: Buffer.from(h.taskToken), lease_id: h.leaseId, target_id: h.targetId })))
    .onConflict((c) => c.column('task_token').doNothing())
    .execute();
}

/** Those publishes are over (whatever came of them): nothing to hand on if their worker is lost now. */
export async function releasePublishes(db: Db, taskTokens: Uint8Array[]): Promise<void> {
  await db
    .deleteFrom('publish_holds')
    .where(
      'task_token',
      'in',
      taskTokens.map((t) => Buffer.from(t)),
    )
    .execute();
}
