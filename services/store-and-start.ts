import type { Client } from '@temporalio/client';
import type { Transaction } from 'kysely';
import { Unavailable } from '../contracts/errors';
import type { Database, Db } from '../db/database';

/** Runs the workflow start inside `storeAndStart`'s transaction, marking what failed if it fails. */
export type StartWorkflow = (start: () => Promise<unknown>) => Promise<void>;

/**
 * Stores a record and starts its workflow so that neither exists without the other: the workflow
 * is started inside the database transaction (through `start`), so if the start fails nothing is
 * stored (503); if the commit fails after the start, the workflow is terminated (and would find no
 * record anyway). Other errors pass through unchanged.
 */
export async function storeAndStart(
  ctx: { db: Db; temporal: Client },
  workflowId: string,
  work: (trx: Transaction<Database>, start: StartWorkflow) => Promise<void>,
): Promise<void> {
  let started = false;
  let startFailed = false;
  const start: StartWorkflow = async (startWorkflow) => {
    try {
      await startWorkflow();
      started = true;
    } catch (err) {
      startFailed = true;
      throw err;
    }
  };
  try {
    await ctx.db.transaction().execute((trx) => work(trx, start));
  } catch (err) {
    if (started)
      await ctx.temporal.workflow
        .getHandle(workflowId)
        .terminate('its record was not stored')
        .catch(() => undefined);
    if (startFailed)
      throw new Unavailable('The scheduler (Temporal) is unreachable; nothing was stored. Try again shortly.', err);
    throw err;
  }
}
