import type { PublishingDeps } from './publishing';
import { createPublishingActivities } from './publishing';

export type ActivityDeps = PublishingDeps;

/** Every activity the Chorus worker registers. */
export function createActivities(deps: ActivityDeps) {
  return { ...createPublishingActivities(deps) };
}
