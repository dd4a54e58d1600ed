import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { PublishingActivities } from '../../activities/publishing';
import type { ApprovalActivities } from '../../activities/approval';
import type { ChannelTokenActivities } from '../../activities/channel-tokens';
import { NON_RETRYABLE_PUBLISH_FAILURES } from '../../contracts/post';

// The API stores the post in the same transaction that starts this workflow; if that transaction
// rolls back, the post never appears and this check gives up after about a minute.
const confirming = {
  startToCloseTimeout: '10s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 10 },
} as const;
export const { confirmPostStored } = proxyActivities<PublishingActivities>(confirming);
// The same check inside the workflow's first task: a post costs the server and the worker one
// workflow task and no activity task to start, instead of two and one.
export const { confirmPostStored: confirmPostStoredLocally } = proxyLocalActivities<PublishingActivities>(confirming);

// Database bookkeeping and notifications: retried until the database is back. (A statement or two
// each: a lost worker's are retried elsewhere after 10 s.)
export const { cancelRetries, markPostStatus, recordApprovalDecision, recordTargetFailure, savePostSchedule } =
  proxyActivities<PublishingActivities>({
    startToCloseTimeout: '10s',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
  });
export const { currentEscalationTargets, notifyApprovers, savePostContent } = proxyActivities<ApprovalActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

// The reminder of a post held for its channel's reconnect: a few attempts, then the wait goes on
// (the notice stays recorded, GET /v1/notifications; a route that failed is tried at the next one).
export const { remindHeldPost } = proxyActivities<ChannelTokenActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 },
});

// Network calls: exponential backoff for outages, the network's Retry-After for rate limits
// (the activity sets nextRetryDelay), and no retry for content or credential problems.
const publishing = {
  scheduleToCloseTimeout: '24h',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    nonRetryableErrorTypes: NON_RETRYABLE_PUBLISH_FAILURES,
  },
} as const;
// Publishes heartbeat every second (activities/publishing.ts; the worker sends one every two at
// most): a worker lost mid-burst is noticed within HEARTBEAT_TIMEOUT and its publishes retried on
// another, which sends only what the lost one had not recorded as delivered. Recovery in seconds,
// not the minutes of startToClose (sized to the longest send: media uploads of 30 s each).
const HEARTBEAT_TIMEOUT = '5s';
export const { publishTarget } = proxyActivities<PublishingActivities>({
  ...publishing,
  startToCloseTimeout: '2m',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
});
// A staged publish: held by a worker from two to six minutes before the post's time (state.ts,
// untilStaging) until it has gone out. It does not heartbeat: thousands wait at once before a busy
// minute, and their heartbeats were most of the Temporal server's work. It is noted under its
// worker's publish lease instead, and a worker whose lease stands still is handed on by the others
// within seconds (services/publish-leases.ts). Calling it off before its claim is not heard by it
// until then, and need not be: calling it off moved the post's publish stage on, so it cannot claim
// the post. startToClose: the wait, then the send (what a lost worker costs if no lease noticed).
export const { publishTargetWhenDue } = proxyActivities<PublishingActivities>({
  ...publishing,
  startToCloseTimeout: '9m',
});

// Same bookkeeping as a local activity: runs inside the workflow task, no round trip to the server.
export const { markPostStatus: markPostStatusLocally, announcePublishStage } =
  proxyLocalActivities<PublishingActivities>({
    startToCloseTimeout: '30s',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
  });
