import { appendAudit } from './audit';
import type { Db } from './database';
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { RecurrenceRule } from '../content/recurrence';
import type { CreatedAt, Timestamp } from './columns';

export interface RecurrencesTable {
  id: Generated<string>;
  workspace_id: string;
  author_id: string;
  text: string;
  channel_ids: string[];
  variants: ColumnType<Record<string, string>, string | undefined, string>;
  rule: ColumnType<RecurrenceRule, string, string>;
  status: 'active' | 'paused' | 'stopped' | 'completed';
  workflow_id: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export async function findRecurrenceRule(db: Db, recurrenceId: string) {
  const recurrence = await db
    .selectFrom('recurrences')
    .select('rule')
    .where('id', '=', recurrenceId)
    .executeTakeFirstOrThrow();
  return recurrence.rule;
}

/** A recurrence by id, whatever its workspace (its workflow's own). */
export async function loadRecurrence(db: Db, recurrenceId: string) {
  return db.selectFrom('recurrences').selectAll().where('id', '=', recurrenceId).executeTakeFirstOrThrow();
}

/** Sets a recurrence's status, with its audit entry; nothing when it has it already. */
export async function saveRecurrenceStatus(
  db: Db,
  { recurrenceId, status, actorId }: { recurrenceId: string; status: RecurrencesTable['status']; actorId?: string },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('recurrences')
      .select(['workspace_id', 'status'])
      .where('id', '=', recurrenceId)
      .executeTakeFirstOrThrow();
    if (before.status === status) return;
    await trx
      .updateTable('recurrences')
      .set({ status, updated_at: new Date() })
      .where('id', '=', recurrenceId)
      .execute();
    await appendAudit(trx, {
      workspaceId: before.workspace_id,
      actorId: actorId ?? null,
      action: 'recurrence.status_changed',
      subjectType: 'recurrence',
      subjectId: recurrenceId,
      before: { status: before.status },
      after: { status },
    });
  });
}

export type RecurrenceRow = Selectable<RecurrencesTable>;

export async function findRecurrence(db: Db, workspaceId: string, id: string): Promise<RecurrenceRow | undefined> {
  return db
    .selectFrom('recurrences')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listRecurrences(db: Db, workspaceId: string): Promise<RecurrenceRow[]> {
  return db
    .selectFrom('recurrences')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .execute();
}

export async function insertRecurrence(db: Db, row: Insertable<RecurrencesTable>): Promise<void> {
  await db.insertInto('recurrences').values(row).execute();
}

/** The posts a recurrence has made so far, by occurrence. */
export async function recurrenceOccurrences(db: Db, recurrenceId: string) {
  return db
    .selectFrom('posts')
    .select(['id', 'occurrence'])
    .where('recurrence_id', '=', recurrenceId)
    .orderBy('occurrence')
    .execute();
}
