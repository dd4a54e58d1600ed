/** Analytics (issue 15): the metrics collector's id, input and messages, and the enums reports share. */
import { defineQuery, defineSignal } from '@temporalio/workflow';

/** When each published target's counts are read, after its publishing. */
export const SNAPSHOT_OFFSETS = [
  { label: '+1h', afterMs: 3_600_000 },
  { label: '+6h', afterMs: 6 * 3_600_000 },
  { label: '+24h', afterMs: 24 * 3_600_000 },
  { label: '+3d', afterMs: 3 * 86_400_000 },
  { label: '+7d', afterMs: 7 * 86_400_000 },
  { label: '+30d', afterMs: 30 * 86_400_000 },
] as const;
export type OffsetLabel = (typeof SNAPSHOT_OFFSETS)[number]['label'];
export const OFFSET_LABELS = SNAPSHOT_OFFSETS.map((o) => o.label) as [OffsetLabel, ...OffsetLabel[]];

/** `ok`: counts read; `missing`: the network does not show the post (not indexed, hidden); `deleted`: it is gone. */
export const METRIC_STATUSES = ['ok', 'missing', 'deleted'] as const;
export type MetricStatus = (typeof METRIC_STATUSES)[number];

/** How often each channel's followers are read. */
export const AUDIENCE_EVERY_MS = 86_400_000;

export const metricsWorkflowId = (workspaceId: string): string => `metrics/${workspaceId}`;

export interface MetricsWorkflowInput {
  workspaceId: string;
  /**
   * Divides every interval (the offsets, the daily audience read, back-offs): 1 in production; a
   * test runs with 3600, so +1h comes after a second (METRICS_TIME_SCALE).
   */
  timeScale?: number;
  carried?: { counters: MetricsCounters };
}

/** What one collection round did. */
export interface MetricsRound {
  /** Snapshots written, by status. */
  ok: number;
  missing: number;
  deleted: number;
  audience: number;
  /** Network calls made. */
  calls: number;
  /** Channels whose reads failed this round (rate limit, refused credentials, outage), with why. */
  failures: { channelId: string; kind: string; message: string }[];
  /** When the next round is due, in ms from the round's end (already scaled). */
  wakeInMs: number;
}

export interface MetricsCounters {
  rounds: number;
  snapshots: number;
  audience: number;
  calls: number;
  lastFailure: string | null;
}

/** A target was published: take its schedule into account now rather than at the next wake-up. */
export const targetPublishedSignal = defineSignal<[{ targetId: string }]>('targetPublished');
export const stopMetricsSignal = defineSignal('stop');
export const metricsCountersQuery = defineQuery<MetricsCounters>('counters');
