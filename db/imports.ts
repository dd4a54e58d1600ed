import { sql, type ColumnType, type Generated, type Insertable } from 'kysely';
import type { Db } from './database';
import type { CreatedAt, Timestamp } from './columns';

/** One CSV row, as parsed: its line in the file and its cells by column. */
export interface ImportRow {
  line: number;
  cells: Record<string, string>;
}

export interface ImportJobsTable {
  id: Generated<string>;
  workspace_id: string;
  created_by: string;
  status: 'running' | 'completed' | 'failed';
  rows: ColumnType<ImportRow[], string, string>;
  total: number;
  workflow_id: string;
  created_at: CreatedAt;
  finished_at: Timestamp | null;
}

export interface ImportJobRowsTable {
  job_id: string;
  line: number;
  post_id: string | null;
  errors: ColumnType<unknown, string | null, string | null>;
}

export async function findImportJob(db: Db, jobId: string) {
  return db
    .selectFrom('import_jobs')
    .select(['workspace_id', 'created_by', 'rows'])
    .where('id', '=', jobId)
    .executeTakeFirstOrThrow();
}

/** The lines of the job whose outcome is recorded already. */
export async function importedLines(db: Db, jobId: string): Promise<Set<number>> {
  return new Set(
    (await db.selectFrom('import_job_rows').select('line').where('job_id', '=', jobId).execute()).map((r) => r.line),
  );
}

/** Records a line's outcome, once. */
export async function recordImportRow(
  db: Db,
  { jobId, line, postId, errors }: { jobId: string; line: number; postId?: string; errors?: unknown },
): Promise<void> {
  await db
    .insertInto('import_job_rows')
    .values({ job_id: jobId, line, post_id: postId ?? null, errors: errors ? JSON.stringify(errors) : null })
    .onConflict((oc) => oc.columns(['job_id', 'line']).doNothing())
    .execute();
}

export async function finishImportJob(db: Db, jobId: string, status: 'completed' | 'failed'): Promise<void> {
  await db
    .updateTable('import_jobs')
    .set({ status, finished_at: new Date() })
    .where('id', '=', jobId)
    .where('status', '=', 'running')
    .execute();
}

export async function insertImportJob(db: Db, row: Insertable<ImportJobsTable>): Promise<void> {
  await db.insertInto('import_jobs').values(row).execute();
}

/** An import job of the workspace with its rows processed, posts created and bad rows; undefined when there is none. */
export async function importProgress(db: Db, workspaceId: string, jobId: string) {
  const job = await db
    .selectFrom('import_jobs')
    .select(['id', 'status', 'total', 'created_at', 'finished_at'])
    .where('id', '=', jobId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!job) return undefined;
  const counts = await db
    .selectFrom('import_job_rows')
    .select([sql<number>`count(*)::int`.as('processed'), sql<number>`count(post_id)::int`.as('created')])
    .where('job_id', '=', job.id)
    .executeTakeFirstOrThrow();
  const failed = await db
    .selectFrom('import_job_rows')
    .select(['line', 'errors'])
    .where('job_id', '=', job.id)
    .where('errors', 'is not', null)
    .orderBy('line')
    .execute();
  return { job, counts, failed };
}
