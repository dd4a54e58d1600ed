import type { Client } from '@temporalio/client';
import type { ChannelAdapters } from '../channels/registry';
import type { Db } from '../db/database';
import { importLookups, importRow } from '../services/post-import';

export interface ImportDeps {
  db: Db;
  adapters: ChannelAdapters;
  /** Posts are created as through the API: stored and started in one step. */
  temporal: Client;
  taskQueue: string;
}

/** The I/O of a bulk import: each batch creates its rows' posts and records each line's outcome once. */
export function createImportActivities(ctx: ImportDeps) {
  return {
    async importBatch({ jobId, from, count }: { jobId: string; from: number; count: number }): Promise<void> {
      const job = await ctx.db.selectFrom('import_jobs').select(['workspace_id', 'created_by', 'rows']).where('id', '=', jobId).executeTakeFirstOrThrow();
      const done = new Set((await ctx.db.selectFrom('import_job_rows').select('line').where('job_id', '=', jobId).execute()).map((r) => r.line));
      const caller = { userId: job.created_by, workspaceId: job.workspace_id, role: 'editor' as const, tokenId: '' };
      const lookups = await importLookups(ctx, job.workspace_id);
      for (const row of job.rows.slice(from, from + count)) {
        if (done.has(row.line)) continue;
        const outcome = await importRow(ctx, caller, row, lookups, { jobId });
        await ctx.db
          .insertInto('import_job_rows')
          .values({ job_id: jobId, line: row.line, post_id: outcome.postId ?? null, errors: outcome.errors ? JSON.stringify(outcome.errors) : null })
          .onConflict((oc) => oc.columns(['job_id', 'line']).doNothing())
          .execute();
      }
    },

    async finishImport({ jobId, status }: { jobId: string; status: 'completed' | 'failed' }): Promise<void> {
      await ctx.db.updateTable('import_jobs').set({ status, finished_at: new Date() }).where('id', '=', jobId).where('status', '=', 'running').execute();
    },
  };
}

export type ImportActivities = ReturnType<typeof createImportActivities>;
