import { proxyActivities } from '@temporalio/workflow';
import type { ImportActivities } from '../activities/import';

const { importBatch, finishImport } = proxyActivities<ImportActivities>({
  startToCloseTimeout: '10m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
});

/** Rows per activity: small enough to retry cheaply, large enough to keep history short. */
const BATCH = 50;

/**
 * A bulk import (`import/<jobId>`): creates the file's posts in batches; each line's outcome is
 * recorded once, so a retried batch picks up where it stopped. Progress is in the database.
 */
export async function importPosts({ jobId, total }: { jobId: string; total: number }): Promise<void> {
  try {
    for (let from = 0; from < total; from += BATCH) await importBatch({ jobId, from, count: BATCH });
  } catch (err) {
    await finishImport({ jobId, status: 'failed' });
    throw err;
  }
  await finishImport({ jobId, status: 'completed' });
}
