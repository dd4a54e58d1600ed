import { randomUUID } from 'node:crypto';
import { ActivityNotFoundError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/database';
import {
  endLostWorkerLease,
  endWorkerLease,
  findWorkerLeases,
  holdPublishes,
  releasePublishes,
  renewWorkerLease,
  takeWorkerLease,
  type LeaseScope,
} from '../db/publish-leases';
import { FailureType } from '../contracts/shared';
import { WORKER_CALL_MS, withinMs } from '../temporal/connection';
import { Batches } from '../db/batches';

/**
 * How a lost worker's staged publishes move on, without a heartbeat each (migration 0048).
 *
 * A staged publish waits on its worker for two to six minutes before its post's time. Heartbeating to
 * Temporal all that while made 10,000 posts due in one minute cost the server thousands of
 * heartbeats a second. Instead each worker process holds a lease in PostgreSQL, renewed every
 * `renewEveryMs` by one statement on a connection of its own, and each staged publish notes its
 * activity's task token under it while it waits and sends. Every worker also watches the leases of
 * its deployment (namespace and task queue): one that has not moved for `LOST_AFTER_MS` of the
 * watcher's own, unbroken observation is ended, and the tokens it held are failed through Temporal,
 * which retries those publishes on a worker that is there (the claim and the recorded deliveries
 * keep a retry from sending twice, as after a heartbeat timeout).
 *
 * Watchers compare a lease's beat between their own reads, never clocks: after a database outage
 * (or any gap in a watcher's reads longer than `MAX_GAP_FACTOR` renewals) they start observing
 * afresh, so leases that could not be renewed meanwhile are not taken for lost.
 */
export interface PublishLeaseOptions {
  /** Holds are noted, and lost leases handed on, through the worker's pool. */
  db: Db;
  /** Renewals and watches: one connection of their own, so a burst's queries never delay them. */
  leasesDb: Db;
  /** Fails a lost worker's held publishes. */
  temporal: Client;
  scope: LeaseScope;
  renewEveryMs?: number;
  log?: (message: string, err?: unknown) => void;
}

const DEFAULT_RENEW_EVERY_MS = 1_000;
/** With the retry's first interval (1 s) and a watch's period, a lost worker's publishes move within about 7 s. */
const LOST_AFTER_MS = 5_000;
/** However old a lease is found by a new watcher's first read, the watcher sees it stand still this long itself. */
const MIN_OBSERVE_MS = 2_000;
/** A watcher whose own reads are further apart than this many renewals starts observing afresh. */
const MAX_GAP_FACTOR = 3;
const MAX_HOLDS_PER_BATCH = 1_000;
const MAX_RELEASES_PER_TICK = 5_000;
/** Tokens failed at once when a lease is lost (thousands may wait on one worker). */
const FAIL_CONCURRENCY = 32;

/** A staged publish's note under its worker's lease. */
export interface PublishHold {
  /** True once the lease it was taken under was lost: another worker may be publishing this now. */
  lost(): boolean;
  /** The publish is over: its note goes with the lease's next renewal (or with the lease). */
  release(): void;
}

type PublishNote = Parameters<typeof holdPublishes>[1][number];

export class PublishLease {
  private readonly renewEveryMs: number;
  private readonly log: (message: string, err?: unknown) => void;
  private readonly watch: LeaseWatch;
  private id: string | undefined;
  /** Leases of this process found taken by a watcher (it renewed too late). */
  private readonly lostIds = new Set<string>();
  /** Other workers' lost leases being handed on now. */
  private readonly handingOn = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Holds noted together: a burst of staged publishes costs a statement per batch, not one each. */
  private readonly holds: Batches<PublishNote, undefined>;
  /** Publishes over, whose notes go at the next renewal (a note left a moment longer hands on nothing: its activity is done). */
  private released: Uint8Array[] = [];

  constructor(private readonly options: PublishLeaseOptions) {
    this.holds = Batches.ofWrites((holds: PublishNote[]) => holdPublishes(options.db, holds), {
      max: MAX_HOLDS_PER_BATCH,
    });
    this.renewEveryMs = options.renewEveryMs ?? DEFAULT_RENEW_EVERY_MS;
    this.log = options.log ?? ((message, err) => console.warn(message, err ?? ''));
    this.watch = new LeaseWatch(LOST_AFTER_MS, this.renewEveryMs * MAX_GAP_FACTOR);
  }

  /** Takes the lease and starts renewing it and watching the others'. */
  async start(): Promise<void> {
    this.id = randomUUID();
    await takeWorkerLease(this.options.leasesDb, this.id, this.options.scope);
    this.schedule();
  }

  /**
   * Stops renewing and watching, and ends the lease (the worker holds no publish by now). With
   * `leaveHeld`, the lease is left to lapse instead: publishes still noted under it (their hand-on
   * failed) are handed on by the others' watch, as a lost worker's are.
   */
  async stop({ leaveHeld = false }: { leaveHeld?: boolean } = {}): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await Promise.all(this.handingOn.values());
    if (!this.id) return;
    if (!leaveHeld) {
      await endWorkerLease(this.options.leasesDb, this.id).catch((err) => this.log('Ending the lease', err));
      return;
    }
    // Those over by now (sent, or handed on) leave the lease first: the others' watch hands on only
    // what is still held, instead of failing thousands of finished activities again.
    const released = this.released.splice(0);
    for (let i = 0; i < released.length; i += MAX_RELEASES_PER_TICK)
      await releasePublishes(this.options.leasesDb, released.slice(i, i + MAX_RELEASES_PER_TICK)).catch((err) =>
        this.log('Releasing the finished publishes', err),
      );
  }

  /** Notes a staged publish (its activity's task token) under the lease, until `release`. */
  async hold(taskToken: Uint8Array, targetId: string): Promise<PublishHold> {
    const leaseId = this.id;
    if (!leaseId) throw new Error('The publish lease is not started');
    await this.holds.add({ taskToken, leaseId, targetId });
    return {
      lost: () => this.lostIds.has(leaseId),
      release: () => {
        this.released.push(taskToken);
      },
    };
  }

  private schedule() {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => this.schedule());
    }, this.renewEveryMs);
  }

  private async tick(): Promise<void> {
    const { leasesDb, scope } = this.options;
    try {
      const released = this.released.splice(0, MAX_RELEASES_PER_TICK);
      if (released.length > 0)
        await releasePublishes(leasesDb, released).catch((err: unknown) => {
          this.released.push(...released); // the next renewal tries again
          throw err;
        });
      if (!(await renewWorkerLease(leasesDb, this.id!))) {
        // Not renewed in time (a stall, an outage of this process's own): a watcher ended it and
        // handed its publishes on. Those still running here must not claim; new ones hold anew.
        this.lostIds.add(this.id!);
        this.log(`This worker's publish lease ${this.id} was taken as lost; taking a new one`);
        this.id = randomUUID();
        await takeWorkerLease(leasesDb, this.id, scope);
      }
      const leases = await findWorkerLeases(leasesDb, scope);
      const lost = this.watch.observe(
        leases.filter((l) => l.id !== this.id),
        performance.now(),
      );
      // Not awaited: a lease with thousands of publishes takes a while to hand on, and this
      // worker's own renewals must go on meanwhile (on their own connection).
      for (const lease of lost) if (!this.handingOn.has(lease.id)) this.handingOn.set(lease.id, this.handOn(lease));
    } catch (err) {
      this.watch.reset(); // what it saw before the failure says nothing about what comes after
      this.log('Renewing or watching the publish leases failed; trying again', err);
    }
  }

  /**
   * Ends a lost worker's lease and fails the publishes it held, so Temporal retries them here or
   * elsewhere; through the worker's pool, in a transaction that keeps the lease until all are
   * failed (if Temporal is unreachable, the next watch tries again).
   */
  private async handOn(lease: LeaseReading): Promise<void> {
    const failure = ApplicationFailure.retryable(
      `Its worker was lost (lease ${lease.id} still for ${LOST_AFTER_MS} ms)`,
      FailureType.WorkerLost,
    );
    try {
      const tokens = await this.failHeld(lease, failure);
      this.watch.forget(lease.id);
      if (tokens > 0) this.log(`A worker was lost: ${tokens} staged publishes it held handed on (lease ${lease.id})`);
    } catch (err) {
      this.log(`Handing on the publishes of lost lease ${lease.id} failed; trying again`, err);
    } finally {
      this.handingOn.delete(lease.id);
    }
  }

  private failHeld(lease: LeaseReading, failure: ApplicationFailure): Promise<number> {
    const { temporal } = this.options;
    return endLostWorkerLease(this.options.db, lease.id, lease.beat, async (held) => {
      for (let i = 0; i < held.length; i += FAIL_CONCURRENCY)
        await Promise.all(
          held.slice(i, i + FAIL_CONCURRENCY).map((token) =>
            // Bounded: the lease's row stays locked meanwhile (the next watch tries again).
            withinMs(temporal, WORKER_CALL_MS, () => temporal.activity.fail(token, failure)).catch((err: unknown) => {
              // Over already (it finished, or another watcher failed it first): nothing to hand on.
              if (!(err instanceof ActivityNotFoundError)) throw err;
            }),
          ),
        );
    });
  }
}

/** A lease as a watcher reads it: its beat, and how long ago it was renewed by the database's clock. */
export interface LeaseReading {
  id: string;
  beat: string;
  ageMs: number;
}

/**
 * Which leases stood still: a lease is lost when its beat was the same in every read of the last
 * `lostAfterMs`, with no two reads further apart than `maxGapMs` (else observation starts again).
 * A watcher's very first read (a worker just started, perhaps to replace a lost one) also credits
 * a lease's age by the database's clock, up to all but `minObserveMs`: it still sees the lease
 * stand still itself for that long. Never after a failed read or a gap, when ages may only say the
 * database was unreachable.
 */
export class LeaseWatch {
  private readonly seen = new Map<string, { beat: string; since: number }>();
  private lastRead: number | undefined;
  private firstRead = true;

  constructor(
    private readonly lostAfterMs: number,
    private readonly maxGapMs: number,
    private readonly minObserveMs = MIN_OBSERVE_MS,
  ) {}

  /** One read of the leases at `now` (ms, monotonic): those found lost. */
  observe(leases: LeaseReading[], now: number): LeaseReading[] {
    if (this.lastRead !== undefined && now - this.lastRead > this.maxGapMs) this.seen.clear();
    this.lastRead = now;
    const creditMs = (lease: LeaseReading) =>
      this.firstRead ? Math.max(0, Math.min(lease.ageMs, this.lostAfterMs - this.minObserveMs)) : 0;
    const lost: LeaseReading[] = [];
    const present = new Set<string>();
    for (const lease of leases) {
      present.add(lease.id);
      const before = this.seen.get(lease.id);
      if (!before || before.beat !== lease.beat)
        this.seen.set(lease.id, { beat: lease.beat, since: now - (before ? 0 : creditMs(lease)) });
      else if (now - before.since >= this.lostAfterMs) lost.push(lease);
    }
    for (const id of this.seen.keys()) if (!present.has(id)) this.seen.delete(id);
    this.firstRead = false;
    return lost;
  }

  /** A read failed: start observing afresh. */
  reset(): void {
    this.seen.clear();
    this.lastRead = undefined;
    this.firstRead = false;
  }

  forget(id: string): void {
    this.seen.delete(id);
  }
}
