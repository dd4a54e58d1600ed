import { AsyncResource } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ActivityNotFoundError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../contracts/shared';
import { WORKER_CALL_MS, withinMs } from '../temporal/connection';
import { activityLabel, expectedFailureLine, type ActivityNamed } from './activity-log';
import type { PublishHold, PublishLease } from './publish-leases';

/**
 * Staged publishes waiting for their time in this worker process, each without an activity in
 * flight (Temporal's asynchronous activity completion).
 *
 * A staged publish is scheduled two to six minutes before its post's time (workflows/post/state.ts).
 * As a running activity, each held an activity slot and the SDK's per-activity machinery the whole
 * while: some 35 KB of heap apiece, so 10,000 posts due in one minute held about 350 MB before
 * sending anything (docs/benchmarks.md). Here the activity notes itself under the worker's publish
 * lease, hands its task token to `stage` and returns "will complete asynchronously"; its wait is one
 * timer, and at the claim the publish runs and its outcome is reported to Temporal with the token
 * (`client.activity.complete` / `fail`). Nothing else changes for the post's workflow: the activity
 * runs until then, its retries and timeouts are the same, and a lost worker's tokens are failed by
 * the others through its lease (services/publish-leases.ts) as before.
 *
 * Stopping (the worker shutting down) fails the publishes still waiting as retryable
 * (`WorkerLost`), so Temporal hands them at once to a worker that is there, and lets those already
 * claimed finish their sends. Those it could not fail (Temporal unreachable) stay noted under the
 * lease, which the worker then leaves to lapse: the others' watch hands them on.
 */
export interface PublishWaitsOptions {
  lease: PublishLease;
  /** Reports the outcomes (and fails those a stop hands on). */
  temporal: Client;
  log?: (message: string, err?: unknown) => void;
}

/** A staged publish run at its claim: `pause` waits (a stop ends it early, failing the publish). */
export type StagedPublish = (hold: PublishHold, pause: (ms: number) => Promise<void>) => Promise<unknown>;

/** A staged publish's activity, as `stage` takes it. */
export interface StagedActivity {
  taskToken: Uint8Array;
  targetId: string;
  /** When it claims its post (ms since the epoch). */
  claimAt: number;
  /** Named in its failures' log lines as the worker names any activity's. */
  activity: ActivityNamed;
}

interface Waiting {
  taskToken: Uint8Array;
  activity: ActivityNamed;
  hold: PublishHold;
  timer: NodeJS.Timeout;
}

/** Attempts to report an outcome while Temporal is unreachable; past them, the start-to-close timeout retries the publish. */
const REPORT_ATTEMPTS = 8;
/** Attempts to hand a waiting publish on when stopping (a shutdown is not held up for long). */
const HAND_ON_ATTEMPTS = 3;
/** How long a stop hands waiting publishes on; those left then stay under the lease, which lapses. */
const HAND_ON_MS = 15_000;
const REPORT_RETRY_FIRST_MS = 250;
const REPORT_RETRY_MAX_MS = 10_000;
/** Publishes handed on at once when the worker stops (thousands may wait). */
const HAND_ON_CONCURRENCY = 32;

export class PublishWaits {
  private readonly log: (message: string, err?: unknown) => void;
  private readonly waiting = new Set<Waiting>();
  private readonly running = new Set<Promise<unknown>>();
  private readonly stopping = new AbortController();
  private stopped = false;
  /**
   * Timers are set in this object's async context, not the activity's: a timer set inside the
   * activity would keep its whole context (the SDK's Context and Activity) alive until it fires.
   */
  private readonly scope = new AsyncResource('PublishWaits');

  constructor(private readonly options: PublishWaitsOptions) {
    this.log = options.log ?? ((message, err) => console.warn(message, err ?? ''));
  }

  /** How many publishes wait for their claim here now. */
  get size(): number {
    return this.waiting.size;
  }

  /**
   * Notes the publish of the activity's task token under the lease and runs it at its claim,
   * reporting its outcome with the token. The activity then completes asynchronously.
   */
  async stage({ taskToken, targetId, claimAt, activity }: StagedActivity, publish: StagedPublish): Promise<void> {
    if (this.stopped)
      throw ApplicationFailure.retryable('This worker is stopping: another takes the publish', FailureType.WorkerLost);
    const hold = await this.options.lease.hold(taskToken, targetId);
    this.scope.runInAsyncScope(() => {
      const waiting: Waiting = {
        taskToken,
        activity,
        hold,
        timer: setTimeout(
          () => {
            this.waiting.delete(waiting);
            this.run(waiting, publish);
          },
          Math.max(0, claimAt - Date.now()),
        ),
      };
      this.waiting.add(waiting);
    });
  }

  /**
   * Hands the waiting publishes on (failed as retryable, so that Temporal retries them on another
   * worker at once) and waits for the claimed ones to end. Returns how many could not be handed on
   * (still noted under the lease).
   */
  async stop(): Promise<number> {
    this.stopped = true;
    const failure = ApplicationFailure.retryable(
      'Its worker stopped before its time: handed on to another',
      FailureType.WorkerLost,
    );
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const w of waiting) clearTimeout(w.timer);
    let left = 0;
    const handOnUntil = Date.now() + HAND_ON_MS;
    for (let i = 0; i < waiting.length; i += HAND_ON_CONCURRENCY) {
      const batch = waiting.slice(i, i + HAND_ON_CONCURRENCY);
      if (Date.now() >= handOnUntil) {
        left += batch.length; // Temporal slow or unreachable: the lease lapsing hands these on
        continue;
      }
      await Promise.all(
        batch.map(async (w) => {
          if (await this.report(w.taskToken, { failure }, HAND_ON_ATTEMPTS)) w.hold.release();
          else left++;
        }),
      );
    }
    this.stopping.abort();
    await Promise.all(this.running);
    if (waiting.length > 0)
      this.log(
        `Worker stopping: ${waiting.length - left} staged publishes handed on` +
          (left ? `; ${left} left under its lease, for the other workers to hand on once it lapses` : ''),
      );
    return left;
  }

  private run(waiting: Waiting, publish: StagedPublish): void {
    const pause = (ms: number) => sleep(ms, undefined, { signal: this.stopping.signal });
    const done = publish(waiting.hold, pause)
      .then(
        (result) => this.report(waiting.taskToken, { result }),
        (failure: unknown) => {
          this.logFailure(waiting.activity, failure);
          return this.report(waiting.taskToken, { failure });
        },
      )
      .finally(() => {
        waiting.hold.release();
        this.running.delete(done);
      });
    this.running.add(done);
  }

  /**
   * Completes or fails the activity; over already (handed on, timed out): its retry finds what this
   * one recorded. False when Temporal could not be told.
   */
  private async report(
    taskToken: Uint8Array,
    outcome: { result: unknown } | { failure: unknown },
    attempts = REPORT_ATTEMPTS,
  ): Promise<boolean> {
    for (
      let attempt = 1, pauseMs = REPORT_RETRY_FIRST_MS;
      ;
      attempt++, pauseMs = Math.min(pauseMs * 2, REPORT_RETRY_MAX_MS)
    ) {
      try {
        const { activity } = this.options.temporal;
        await withinMs(this.options.temporal, WORKER_CALL_MS, () =>
          'failure' in outcome
            ? activity.fail(taskToken, outcome.failure)
            : activity.complete(taskToken, outcome.result),
        );
        return true;
      } catch (err) {
        if (err instanceof ActivityNotFoundError) return true;
        if (attempt >= attempts) {
          this.log(`Reporting a staged publish's outcome failed ${attempt} times; its timeout retries it`, err);
          return false;
        }
        await sleep(pauseMs);
      }
    }
  }

  /** As the worker's activity interceptor logs (workers/worker.ts): an expected failure in a line, any other with its stack. */
  private logFailure(activity: ActivityNamed, failure: unknown): void {
    const line = expectedFailureLine(activity, failure);
    if (line) this.log(line);
    else this.log(`${activityLabel(activity)} failed`, failure);
  }
}
