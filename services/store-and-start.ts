import type { Client } from '@temporalio/client';
import type { Transaction } from 'kysely';
import { Unavailable } from '../contracts/errors';
import type { Database, Db } from '../db/database';

/**
 * Runs the workflow start inside `storeAndStart`'s transaction, marking what failed if it fails.
 * The returned promise may be awaited later: a caller can start first and store while the start is
 * on its way (the transaction waits for it before committing either way).
 */
export type StartWorkflow = (start: () => Promise<unknown>) => Promise<void>;

/**
 * Stores a record and starts its workflow so that neither exists without the other: the workflow
 * is started inside the database transaction (through `start`), so if the start fails nothing is
 * stored (503); if the commit fails after the start, the workflow is terminated (and would find no
 * record anyway). Other errors pass through unchanged. The workflow may run before the commit: it
 * waits for its record (`confirmPostStored` and the like retry until it is there).
 */
export async function storeAndStart(
  ctx: { db: Db; temporal: Client },
  workflowId: string,
  work: (trx: Transaction<Database>, start: StartWorkflow) => Promise<void>,
): Promise<void> {
  let started = false;
  let startFailed = false;
  let inFlight: Promise<void> | undefined;
  const start: StartWorkflow = (startWorkflow) => {
    inFlight = startWorkflow().then(
      () => {
        started = true;
      },
      (err: unknown) => {
        startFailed = true;
        throw err;
      },
    );
    // Handled here too: a failed store rolls back (a round trip) before anything awaits the start again.
    inFlight.catch(() => undefined);
    return inFlight;
  };
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await work(trx, start);
      await inFlight; // never commit before the start has answered
    });
  } catch (err) {
    // A store that failed while the start was on its way: wait for the start to know what to undo.
    await inFlight?.catch(() => undefined);
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
