import { proxyLocalActivities, sleep } from '@temporalio/workflow';

const { noteFirstTask } = proxyLocalActivities<{ noteFirstTask(): Promise<void> }>({
  startToCloseTimeout: '10 seconds',
});

/**
 * `bench/api-load.ts`'s second baseline: the least a workflow per post runs when it starts. A
 * post's workflow, in its first task, confirms its row with a local activity and sets a timer until
 * its time (workflows/post-publishing.ts); this does both and nothing else.
 */
export async function benchFirstTask(): Promise<void> {
  await noteFirstTask();
  await sleep('1 day');
}
