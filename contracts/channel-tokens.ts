/**
 * The contract of `channel-tokens/<channelId>`: the workflow that keeps one OAuth channel's access
 * token valid (workflows/channel-tokens.ts). Started when the channel is connected and, for channels
 * connected before, at each worker's start; it refreshes the token a margin before it expires.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';

export const channelTokensWorkflowId = (channelId: string): string => `channel-tokens/${channelId}`;

export interface ChannelTokensInput {
  channelId: string;
  workspaceId: string;
  /** Carried over continue-as-new. */
  carried?: { refreshes: number; lastError: string | null };
}

/** What the next look at the channel's tokens found. */
export type TokenPlan =
  /** Refresh at this time (ISO 8601). */
  | { action: 'refresh_at'; at: string }
  /** The tokens never expire (or cannot be renewed): nothing to do until the channel's tokens change. */
  | { action: 'none' }
  /** Removed, or needs reconnecting: the workflow ends (a reconnect starts it again). */
  | { action: 'stop'; reason: string };

export type RefreshOutcome =
  | { outcome: 'refreshed'; accessTokenExpiresAt: string | null }
  /** The credentials changed meanwhile (a reconnect): look again. */
  | { outcome: 'superseded' }
  /** The network refused the grant for good (or its rotated answer was lost): the channel needs reconnecting. */
  | {
      outcome: 'needs_reconnect';
      reason: string;
      /** The owners' and admins' notification, to deliver. */ notificationId?: string;
    }
  | { outcome: 'gone' };

export interface ChannelTokensStatus {
  refreshes: number;
  lastError: string | null;
  /** When the next refresh is due (ISO 8601); null when none is planned. */
  nextRefreshAt: string | null;
}

/** The channel's tokens changed (reconnected): plan again from them. */
export const tokensChangedSignal = defineSignal('tokensChanged');
/** Refresh now (a network answered 401 before the planned time). */
export const refreshNowSignal = defineSignal('refreshNow');
export const channelTokensQuery = defineQuery<ChannelTokensStatus>('status');
