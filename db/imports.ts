import { sql, type Insertable } from 'kysely';
import type { Db, ImportJobsTable } from './database';

export async function insertImportJob(db: Db, row: Insertable<ImportJobsTable>): Promise<void> {
  await db.insertInto('import_jobs').values(row).execute();
}

/** An import job of the workspace with its rows processed, posts created and bad rows; undefined when there is none. */
export async function importProgress(db: Db, workspaceId: string, jobId: string) {
  const job = await db.selectFrom('import_jobs').select(['id', 'status', 'total', 'created_at', 'finished_at']).where('id', '=', jobId).where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (!job) return undefined;
  const counts = await db
    .selectFrom('import_job_rows')
    .select([sql<number>`count(*)::int`.as('processed'), sql<number>`count(post_id)::int`.as('created')])
    .where('job_id', '=', job.id)
    .executeTakeFirstOrThrow();
  const failed = await db.selectFrom('import_job_rows').select(['line', 'errors']).where('job_id', '=', job.id).where('errors', 'is not', null).orderBy('line').execute();
  return { job, counts, failed };
}
