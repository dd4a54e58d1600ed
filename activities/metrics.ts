import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ChannelError } from '../channels/errors';
import type { ChannelAdapters } from '../channels/registry';
import type { Db } from '../db/database';
import {
  audienceDue,
  dueSnapshots,
  insertAudienceSnapshot,
  insertSnapshots,
  nextAudienceDue,
  nextSnapshotDue,
  type NewSnapshot,
  type ScaledOffset,
} from '../db/metrics';
import type { Sealer } from '../db/sealing';
import {
  AUDIENCE_EVERY_MS,
  metricsWorkflowId,
  SNAPSHOT_OFFSETS,
  targetPublishedSignal,
  type MetricsRound,
} from '../contracts/analytics';
import type { collectMetrics } from '../workflows/metrics';
import { deliverAnalyticsEvents, recordCampaignCompletedEvents, recordPostMetricsEvents } from './analytics-reports';

export interface MetricsDeps {
  db: Db;
  adapters: ChannelAdapters;
  sealer: Sealer;
  temporal: Client;
  taskQueue: string;
  /** METRICS_TIME_SCALE (1 unless set). */
  metricsTimeScale?: number;
  /** CHORUS_APP_URL: campaign.completed events link to the campaign's page. */
  appUrl?: string;
}

/** Targets one round reads at most; more due than this and the next round starts at once. */
const ROUND_LIMIT = 5000;
/** Channels whose counts a round reads at the same time. */
const CHANNELS_AT_ONCE = 4;
/** How long a channel whose read failed waits before the next try (a rate limit says its own delay). */
const FAILED_CHANNEL_BACKOFF_MS = 5 * 60_000;
const RATE_LIMIT_BACKOFF_MS = 60_000;
/**
 * The longest a collector sleeps, unscaled: a target published while it slept past its +1h gets
 * that snapshot at most this late even if the publish's wake-up signal was lost.
 */
const MAX_SLEEP_MS = 15 * 60_000;
/** How late a snapshot may be taken to share its round (and its calls) with those due just after it. */
const BATCH_WINDOW_MS = 2 * 60_000;

export const scaledOffsets = (timeScale: number): ScaledOffset[] =>
  SNAPSHOT_OFFSETS.map((o) => ({ label: o.label, afterMs: Math.round(o.afterMs / timeScale) }));

/** The I/O of the analytics collector (workflows/metrics.ts): one round of reads, batched per channel. */
export function createMetricsActivities({ db, adapters, sealer, appUrl }: MetricsDeps) {
  return {
    /**
     * Takes every snapshot due in the workspace: per channel, its due targets in as few calls as
     * the network allows (Bluesky: 25 a call), then the followers of channels whose daily read is
     * due. A channel whose read fails (rate limit, refused credentials, outage) is left for a later
     * round, the others go on. Safe to retry: a snapshot already taken is kept as it was.
     */
    async collectMetricsRound({ workspaceId, timeScale = 1 }: { workspaceId: string; timeScale?: number }) {
      const context = Context.current();
      const offsets = scaledOffsets(timeScale);
      const audienceEveryMs = Math.round(AUDIENCE_EVERY_MS / timeScale);
      const round: MetricsRound = { ok: 0, missing: 0, deleted: 0, audience: 0, calls: 0, failures: [], wakeInMs: 0 };
      let retryInMs = Infinity;
      const failed = (channelId: string, err: unknown) => {
        const error =
          err instanceof ChannelError
            ? err
            : new ChannelError('transient', err instanceof Error ? err.message : String(err));
        round.failures.push({ channelId, kind: error.kind, message: error.message });
        const wait =
          error.kind === 'rate_limited' ? (error.retryAfterMs ?? RATE_LIMIT_BACKOFF_MS) : FAILED_CHANNEL_BACKOFF_MS;
        retryInMs = Math.min(retryInMs, wait);
      };

      const due = await dueSnapshots(db, { workspaceId, offsets, now: new Date(), limit: ROUND_LIMIT });
      // Channels are read a few at a time (each its own account, so its own rate limit): a round's
      // time is then not the sum of every call's round trip (bench/metrics --latency).
      await eachConcurrently(due, CHANNELS_AT_ONCE, async (channel) => {
        const adapter = adapters[channel.provider];
        if (!adapter.readMetrics) return;
        try {
          const { metrics, calls } = await adapter.readMetrics(
            sealer.open(channel.credentialsSealed),
            channel.targets.map((t) => t.externalId),
          );
          round.calls += calls;
          const snapshots: NewSnapshot[] = channel.targets.flatMap((t) => {
            const read = metrics.get(t.externalId) ?? { status: 'missing' as const };
            return t.labels.map((label) => ({
              targetId: t.targetId,
              label,
              status: read.status,
              counts: read.status === 'ok' ? read.counts : null,
            }));
          });
          // The post.metrics events with the snapshots they tell of: both or neither.
          const takenAt = new Date();
          await db.transaction().execute(async (trx) => {
            await insertSnapshots(trx, workspaceId, takenAt, snapshots);
            await recordPostMetricsEvents(trx, {
              workspaceId,
              takenAt,
              targetIds: channel.targets.map((t) => t.targetId),
            });
          });
          for (const s of snapshots) round[s.status]++;
        } catch (err) {
          failed(channel.channelId, err);
        }
        context.heartbeat();
      });

      const now = new Date();
      // A channel whose counts could not be read this round is not asked again for its followers.
      const failedAlready = new Set(round.failures.map((f) => f.channelId));
      for (const channel of await audienceDue(db, { workspaceId, now, everyMs: audienceEveryMs })) {
        const adapter = adapters[channel.provider];
        if (!adapter.readFollowers || failedAlready.has(channel.channelId)) continue;
        try {
          round.calls++;
          const followers = await adapter.readFollowers(sealer.open(channel.credentialsSealed));
          await insertAudienceSnapshot(db, {
            workspaceId,
            channelId: channel.channelId,
            takenAt: new Date(),
            followers,
          });
          round.audience++;
        } catch (err) {
          failed(channel.channelId, err);
        }
        context.heartbeat();
      }

      // Outbound analytics events (post.metrics of this round, campaign.completed): a receiver
      // that fails keeps them for the next round, and never fails this one.
      try {
        await recordCampaignCompletedEvents(db, workspaceId, appUrl);
        const sent = await deliverAnalyticsEvents({ db, adapters, sealer }, workspaceId);
        if (sent.failure) context.log.warn('Analytics events not delivered yet', { workspaceId, error: sent.failure });
      } catch (err) {
        context.log.warn('Analytics events not delivered yet', { workspaceId, error: String(err) });
      }
      context.heartbeat();

      const skip = [...new Set(round.failures.map((f) => f.channelId))];
      const [snapshotDue, followersDue] = await Promise.all([
        nextSnapshotDue(db, { workspaceId, offsets, skip }),
        nextAudienceDue(db, { workspaceId, everyMs: audienceEveryMs, skip }),
      ]);
      const end = Date.now();
      // A round waits a little past the next due time, so that the posts falling due just after it
      // (a burst published together) are read in the same calls rather than a round each.
      const batchWindowMs = Math.round(BATCH_WINDOW_MS / timeScale);
      const untilDue = Math.min(
        ...[snapshotDue, followersDue]
          .filter((d): d is Date => d !== undefined)
          // Still due after the round: it stopped at its limit, so the next one starts at once.
          .map((d) => (d.getTime() <= end ? 0 : d.getTime() - end + batchWindowMs)),
        retryInMs,
        Math.round(MAX_SLEEP_MS / timeScale),
      );
      round.wakeInMs = Math.max(0, untilDue);
      return round;
    },
  };
}

export type MetricsActivities = ReturnType<typeof createMetricsActivities>;

/** Runs `work` on every item, at most `limit` at a time. */
async function eachConcurrently<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * Tells a workspace's collector that a target was published, starting the collector if it is not
 * running: at most once per workspace per window, so a burst of 10,000 publishes sends a handful
 * of signals (a later publish's snapshots fall due after the earlier one's, which the collector
 * already wakes for). Fire and forget: a lost signal only delays a snapshot by the collector's
 * longest sleep.
 */
export class MetricsNotifier {
  private readonly lastSent = new Map<string, number>();

  constructor(
    private readonly deps: { temporal: Client; taskQueue: string; metricsTimeScale?: number },
    private readonly windowMs = 30_000,
  ) {}

  readonly published = ({ workspaceId, targetId }: { workspaceId: string; targetId: string }): void => {
    const timeScale = this.deps.metricsTimeScale ?? 1;
    const now = Date.now();
    const last = this.lastSent.get(workspaceId);
    if (last !== undefined && now - last < this.windowMs / timeScale) return;
    this.lastSent.set(workspaceId, now);
    this.deps.temporal.workflow
      .signalWithStart<typeof collectMetrics, [{ targetId: string }]>('collectMetrics', {
        workflowId: metricsWorkflowId(workspaceId),
        taskQueue: this.deps.taskQueue,
        args: [{ workspaceId, timeScale }],
        signal: targetPublishedSignal,
        signalArgs: [{ targetId }],
      })
      .catch((err: unknown) => {
        this.lastSent.delete(workspaceId);
        console.warn(`Could not tell the analytics collector of workspace ${workspaceId}: ${String(err)}`);
      });
  };
}
