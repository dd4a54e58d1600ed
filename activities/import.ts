import type { Client } from '@temporalio/client';
import type { ChannelAdapters } from '../channels/registry';
import type { Db } from '../db/database';
import { findImportJob, finishImportJob, importedLines, recordImportRow } from '../db/imports';
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
      const job = await findImportJob(ctx.db, jobId);
      const done = await importedLines(ctx.db, jobId);
      const caller = { userId: job.created_by, workspaceId: job.workspace_id, role: 'editor' as const, tokenId: null };
      const lookups = await importLookups(ctx, job.workspace_id);
      for (const row of job.rows.slice(from, from + count)) {
        if (done.has(row.line)) continue;
        const outcome = await importRow(ctx, caller, row, lookups, { jobId });
        await recordImportRow(ctx.db, { jobId, line: row.line, postId: outcome.postId, errors: outcome.errors });
      }
    },

    async finishImport({ jobId, status }: { jobId: string; status: 'completed' | 'failed' }): Promise<void> {
      await finishImportJob(ctx.db, jobId, status);
    },
  };
}

export type ImportActivities = ReturnType<typeof createImportActivities>;
