/**
 * Analytics (issue 15), what leaves Chorus: the weekly report's workflow id, input and messages,
 * the outbound analytics events, and the export's datasets.
 */
import { defineSignal } from '@temporalio/workflow';

export const weeklyReportWorkflowId = (workspaceId: string): string => `weekly-report/${workspaceId}`;

export interface WeeklyReportWorkflowInput {
  workspaceId: string;
  /** Reports sent by the runs before this one (continue-as-new). */
  carried?: { sent: number };
}

/** The next report of a workspace: when it is due, and the week it covers. */
export interface WeeklyReportDue {
  /** From now (already scaled by METRICS_TIME_SCALE). */
  dueInMs: number;
  /** The week's identity, the report's idempotency key: `2026-W48` (ISO week in the workspace's zone); `x<scale>-<n>` scaled. */
  periodKey: string;
  /** ISO instants: the week is [periodStart, periodEnd); the report compares it with the week before. */
  periodStart: string;
  periodEnd: string;
  timeZone: string;
}

/** The weekly report's settings changed (or it was turned on): look again at when the next one is due. */
export const weeklyReportSettingsChangedSignal = defineSignal('weeklyReportSettingsChanged');

/** Signed outbound events on the workspace's notification webhook (besides notifications). */
export const ANALYTICS_EVENT_TYPES = ['post.metrics', 'campaign.completed'] as const;
export type AnalyticsEventType = (typeof ANALYTICS_EVENT_TYPES)[number];

/** What GET /v1/analytics/export/:dataset serves. */
export const EXPORT_DATASETS = ['snapshots', 'posts', 'campaigns', 'audience', 'clicks'] as const;
export type ExportDataset = (typeof EXPORT_DATASETS)[number];
export const EXPORT_FORMATS = ['json', 'ndjson', 'csv'] as const;
