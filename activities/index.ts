import { createAlertActivities } from './alerts';
import { createApprovalActivities } from './approval';
import { createCampaignActivities } from './campaign';
import type { NotificationDeps } from '../notifications/deliver';
import { createImportActivities, type ImportDeps } from './import';
import { createLibraryActivities } from './library';
import { createListeningActivities } from './listening';
import { createPublishingActivities, type PublishingDeps } from './publishing';
import { createRecurrenceActivities } from './recurrence';

export type ActivityDeps = PublishingDeps & ImportDeps & NotificationDeps;

/** Every activity the Chorus worker registers. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createPublishingActivities(deps),
    ...createApprovalActivities(deps),
    ...createCampaignActivities(deps),
    ...createImportActivities(deps),
    ...createRecurrenceActivities(deps),
    ...createLibraryActivities(deps),
    ...createListeningActivities(deps),
    ...createAlertActivities(deps),
  };
}
