import { createAlertActivities } from './alerts';
import { createWeeklyReportActivities } from './analytics-reports';
import { createApprovalActivities } from './approval';
import { createChannelTokenActivities, type ChannelTokenDeps } from './channel-tokens';
import { createCampaignActivities } from './campaign';
import { createConversationActivities } from './conversation';
import { failBadDataForGood } from './failures';
import { createInboxConnectors } from '../channels/inbox-connectors';
import type { NotificationDeps } from '../notifications/deliver';
import { createImportActivities, type ImportDeps } from './import';
import { createInboxActivities, type InboxReadOptions } from './inbox';
import { createLibraryActivities } from './library';
import { createListeningActivities } from './listening';
import { createMetricsActivities, MetricsNotifier, type MetricsDeps } from './metrics';
import { createPublishingActivities, type PublishingDeps } from './publishing';
import { createRecurrenceActivities } from './recurrence';

export type ActivityDeps = PublishingDeps &
  ImportDeps &
  NotificationDeps &
  MetricsDeps & { inbox?: InboxReadOptions; oauth?: ChannelTokenDeps['oauth'] };

/**
 * Every activity the Chorus worker registers; each fails for good on data the database refuses
 * (`failBadDataForGood`) rather than retrying it forever.
 */
export function createActivities(deps: ActivityDeps) {
  // Each publish tells its workspace's analytics collector (started by the first one).
  const metrics = new MetricsNotifier(deps);
  // The inbox's networks share the adapters' sessions and token handling.
  const inboxConnectors = createInboxConnectors(deps.adapters, {
    blueskyAppviewDid: deps.inbox?.blueskyAppviewDid,
    db: deps.db,
  });
  return failBadDataForGood({
    ...createPublishingActivities({ ...deps, onPublished: deps.onPublished ?? metrics.published }),
    ...createApprovalActivities(deps),
    ...createCampaignActivities(deps),
    ...createImportActivities(deps),
    ...createRecurrenceActivities(deps),
    ...createLibraryActivities(deps),
    ...createListeningActivities(deps),
    ...createAlertActivities(deps),
    ...createMetricsActivities(deps),
    ...createWeeklyReportActivities(deps),
    ...createInboxActivities({ ...deps, inboxConnectors }),
    ...createConversationActivities({ ...deps, inboxConnectors }),
    ...createChannelTokenActivities(deps),
  });
}

/**
 * The activities of the inbox reads' worker (workers/worker.ts): the channels' reads alone, on
 * their own task queue; `deps.db` is the reads' own pool. (The Chorus worker registers `readInbox`
 * too, for reads scheduled on the deployment's queue before the reads had one.)
 */
export function createInboxReadActivities(deps: ActivityDeps) {
  const inboxConnectors = createInboxConnectors(deps.adapters, { blueskyAppviewDid: deps.inbox?.blueskyAppviewDid });
  const { readInbox } = createInboxActivities({ ...deps, inboxConnectors });
  return failBadDataForGood({ readInbox });
}
