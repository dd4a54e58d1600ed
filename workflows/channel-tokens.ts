import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ChannelTokenActivities } from '../activities/channel-tokens';
import {
  channelTokensQuery,
  refreshNowSignal,
  tokensChangedSignal,
  type ChannelTokensInput,
  type ChannelTokensStatus,
} from '../contracts/channel-tokens';

/** Refreshes per run before continuing as new: a few events each, so the history stays short. */
const REFRESHES_PER_RUN = 100;

// The owners' and admins' notification: retried for about a day (it stays listed in the app regardless).
const { deliverChannelNotification } = proxyActivities<ChannelTokenActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '30m', maximumAttempts: 60 },
});

const { planTokenRefresh } = proxyActivities<ChannelTokenActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

// The network call and the save of its answer. Retried while the network or the database is down
// (a retry after a lost answer is how the activity learns it was lost: see activities/channel-tokens.ts).
// Heartbeats while it waits to save: a lost worker's refresh is retried within seconds.
const { refreshChannelTokens } = proxyActivities<ChannelTokenActivities>({
  startToCloseTimeout: '2m',
  heartbeatTimeout: '10s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m' },
});

/**
 * Keeps one OAuth channel's access token valid (`channel-tokens/<channelId>`): looks at its tokens,
 * sleeps (a durable timer) until a margin before the access token expires, refreshes it, again. A
 * reconnect (`tokensChanged`) or a 401 (`refreshNow`) wakes it. Ends when the channel is removed or
 * needs reconnecting (reconnecting starts it again).
 */
export async function channelTokensWorkflow(input: ChannelTokensInput): Promise<ChannelTokensStatus> {
  const status: ChannelTokensStatus = {
    refreshes: input.carried?.refreshes ?? 0,
    lastError: input.carried?.lastError ?? null,
    nextRefreshAt: null,
  };
  let changed = false;
  let refreshNow = false;
  setHandler(channelTokensQuery, () => status);
  setHandler(tokensChangedSignal, () => void (changed = true));
  setHandler(refreshNowSignal, () => void (refreshNow = true));
  const describe = (state: string) =>
    setCurrentDetails(
      `**${state}** · ${status.refreshes} refreshes${status.nextRefreshAt ? ` · next at ${status.nextRefreshAt}` : ''}${status.lastError ? ` · ${status.lastError}` : ''}`,
    );

  for (let round = 0; ; round++) {
    if (round >= REFRESHES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof channelTokensWorkflow>({
        ...input,
        carried: { refreshes: status.refreshes, lastError: status.lastError },
      });
    }
    changed = false;
    const plan = await planTokenRefresh({ channelId: input.channelId });
    if (plan.action === 'stop') {
      status.nextRefreshAt = null;
      status.lastError = plan.reason;
      describe('stopped');
      return status;
    }
    if (plan.action === 'none') {
      status.nextRefreshAt = null;
      describe('waiting');
      await condition(() => changed || refreshNow);
      if (!refreshNow) continue;
    } else {
      status.nextRefreshAt = plan.at;
      describe('waiting');
      const wait = Date.parse(plan.at) - Date.now();
      if (wait > 0) await condition(() => changed || refreshNow, wait);
      if (changed && !refreshNow) continue;
    }
    refreshNow = false;
    describe('refreshing');
    const refreshed = await refreshChannelTokens({ channelId: input.channelId });
    if (refreshed.outcome === 'refreshed') {
      status.refreshes++;
      status.lastError = null;
    } else if (refreshed.outcome === 'needs_reconnect') {
      status.lastError = refreshed.reason;
      if (refreshed.notificationId) {
        try {
          await deliverChannelNotification({ notificationId: refreshed.notificationId });
        } catch {
          // Not delivered by webhook or email after a day of trying: it is still listed in the app.
        }
      }
    } else if (refreshed.outcome === 'gone') {
      status.nextRefreshAt = null;
      describe('stopped');
      return status;
    }
  }
}
