import type { Insertable, Selectable } from 'kysely';
import type { Db, RecurrencesTable } from './database';

export type RecurrenceRow = Selectable<RecurrencesTable>;

export async function findRecurrence(db: Db, workspaceId: string, id: string): Promise<RecurrenceRow | undefined> {
  return db.selectFrom('recurrences').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export async function listRecurrences(db: Db, workspaceId: string): Promise<RecurrenceRow[]> {
  return db.selectFrom('recurrences').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').execute();
}

export async function insertRecurrence(db: Db, row: Insertable<RecurrencesTable>): Promise<void> {
  await db.insertInto('recurrences').values(row).execute();
}

/** The posts a recurrence has made so far, by occurrence. */
export async function recurrenceOccurrences(db: Db, recurrenceId: string) {
  return db.selectFrom('posts').select(['id', 'occurrence']).where('recurrence_id', '=', recurrenceId).orderBy('occurrence').execute();
}
