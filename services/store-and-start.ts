import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Transaction } from 'kysely';
import { Unavailable } from '../contracts/errors';
import type { Database, Db } from '../db/database';

/**
 * Runs the workflow start inside `storeAndStart`'s transaction, marking what failed if it fails.
 * The returned promise may be awaited later: a caller can start first and store while the start is
 * on its way (the transaction waits for it before committing either way).
 */
export type StartWorkflow = (start: () => Promise<unknown>) => Promise<void>;

/** Waits between attempts to end a workflow whose start timed out (about four minutes in all). */
const RECONCILE_DELAYS_MS = [0, 1000, 2000, 5000, 10_000, 20_000, 30_000, 60_000, 120_000];

/**
 * Ends the workflow `workflowId` if it exists: its record was rolled back, so it must not run.
 * Tried again (in the background, without holding the process) while Temporal cannot be reached;
 * done once Temporal says the workflow is not running (never started, or already ended).
 */
export function terminateOrphan(
  temporal: Client,
  workflowId: string,
  delays: readonly number[] = RECONCILE_DELAYS_MS,
): Promise<boolean> {
  return new Promise((resolve) => {
    const attempt = (i: number) => {
      temporal.workflow
        .getHandle(workflowId)
        .terminate('its record was not stored')
        .then(
          () => resolve(true),
          (err: unknown) => {
            if (err instanceof WorkflowNotFoundError) return resolve(true);
            if (i + 1 >= delays.length) return resolve(false);
            setTimeout(() => attempt(i + 1), delays[i + 1]).unref();
          },
        );
    };
    setTimeout(() => attempt(0), delays[0]).unref();
  });
}

/**
 * Stores a record and starts its workflow so that neither exists without the other: the workflow
 * is started inside the database transaction (through `start`), so if the start fails nothing is
 * stored (503); if the commit fails after the start, the workflow is terminated (and would find no
 * record anyway). Other errors pass through unchanged. The workflow may run before the commit: it
 * waits for its record (`confirmPostStored` and the like retry until it is there).
 *
 * A start that failed (Temporal refused the connection, or did not answer before the client's
 * deadline) may still have happened on the server: the record is rolled back all the
 * same, and the workflow, if it exists, is terminated in the background as soon as Temporal
 * answers. Record ids are fresh, so that id is never reused: a retry of the request stores a new
 * record with a workflow of its own, and the orphan never acts (a post's workflow also checks its
 * record is stored before anything else, and fails when it is not).
 */
export async function storeAndStart(
  ctx: { db: Db; temporal: Client },
  workflowId: string,
  work: (trx: Transaction<Database>, start: StartWorkflow) => Promise<void>,
): Promise<void> {
  let started = false;
  let startError: unknown;
  let inFlight: Promise<void> | undefined;
  const start: StartWorkflow = (startWorkflow) => {
    inFlight = startWorkflow().then(
      () => {
        started = true;
      },
      (err: unknown) => {
        startError = err ?? new Error('the workflow start failed');
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
    // Started, then the store or the commit failed: end it now (and keep trying if Temporal went away meanwhile).
    if (started && !(await terminateOrphan(ctx.temporal, workflowId, [0])))
      void terminateOrphan(ctx.temporal, workflowId);
    if (startError !== undefined) {
      // Perhaps started all the same (an answer that never came); an id in use was never ours to end.
      if (!(startError instanceof WorkflowExecutionAlreadyStartedError)) void terminateOrphan(ctx.temporal, workflowId);
      throw new Unavailable(
        'The scheduler (Temporal) is unreachable; nothing was stored. Try again shortly.',
        startError,
      );
    }
    throw err;
  }
}
