import { proxyActivities } from '@temporalio/workflow';
import type { ConversationActivities } from '../../activities/conversation';
import { NON_RETRYABLE_PUBLISH_FAILURES } from '../../contracts/post';

// Database bookkeeping and notifications: retried until the database is back.
export const {
  assignConversation,
  loadConversation,
  loadReply,
  notifyReplyApprovers,
  notifySla,
  recordReplyDecision,
  setReplyStatus,
} = proxyActivities<ConversationActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

// Network calls, as posts' publishes: exponential backoff for outages, the network's Retry-After for
// rate limits (the activity sets nextRetryDelay), no retry for content, credentials or a deleted
// parent; given up after a day.
const network = {
  startToCloseTimeout: '2m',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    nonRetryableErrorTypes: NON_RETRYABLE_PUBLISH_FAILURES,
  },
} as const;
export const { sendReply } = proxyActivities<ConversationActivities>({ ...network, scheduleToCloseTimeout: '24h' });
// A like answers a member waiting on the API, whose Update waits 10 s: one not made within 8 s
// fails back to them (409 with the network's reason: try again), instead of the request timing out
// while the like lands minutes later unseen.
export const { likeMessage } = proxyActivities<ConversationActivities>({
  ...network,
  startToCloseTimeout: '8s',
  scheduleToCloseTimeout: '8s',
});
