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
  const inboxConnectors = inboxConnectorsOf(deps);
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
  const { readInbox } = createInboxActivities({ ...deps, inboxConnectors: inboxConnectorsOf(deps) });
  return failBadDataForGood({ readInbox });
}

/**
 * The inbox's networks, sharing the adapters' sessions and token handling, and reading what Meta's
 * Instagram webhook recorded (its @mentions) from `deps.db`.
 */
function inboxConnectorsOf(deps: ActivityDeps) {
  return createInboxConnectors(deps.adapters, { blueskyAppviewDid: deps.inbox?.blueskyAppviewDid, db: deps.db });
}
