/**
 * The engagement inbox: its enums, and the contracts of its two workflows — the inbound read of one
 * channel (`inbox/<channelId>`, workflows/inbox-channel.ts) and the life of one conversation
 * (`conversation/<id>`, workflows/conversation.ts: SLA timers, assignment, replies and their approval).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApprovalChainStatus, ApprovalStep, DecisionRequest } from './approval';
import { SOCIAL_NETWORKS, type Role } from './domain';

/** The channels' networks whose inbox Chorus reads (each has its hooks in channels/inbox-connectors.ts). */
export const INBOX_CHANNEL_PROVIDERS = SOCIAL_NETWORKS;
export type InboxChannelProvider = (typeof INBOX_CHANNEL_PROVIDERS)[number];
export const readsInbox = (provider: string): provider is InboxChannelProvider =>
  (INBOX_CHANNEL_PROVIDERS as readonly string[]).includes(provider);
/** Networks whose API lets an app read and reply but not like (the web app offers no Like there). */
export const INBOX_WITHOUT_LIKES: readonly InboxChannelProvider[] = ['instagram', 'threads'];
export const likesInbox = (network: string): boolean => readsInbox(network) && !INBOX_WITHOUT_LIKES.includes(network);
/**
 * Why the network takes no reply to an inbound message, or null when it does (the API refuses such a
 * reply, the web app offers no reply box). Instagram: a medium the account was tagged in — a mention
 * with no parent, where a caption or comment @mention has its medium as parent — cannot be
 * commented on through the API ("commenting on photos in which they were tagged is not supported").
 */
export function replyRefusal(message: {
  network: string;
  kind: string;
  parentExternalId: string | null;
}): string | null {
  if (message.network === 'instagram' && message.kind === 'mention' && message.parentExternalId === null)
    return "Instagram's API does not let an app comment on a post the account was tagged in; answer in the Instagram app";
  return null;
}
/** Where a conversation can come from: those networks, or another system pushing it. */
export const INBOX_NETWORKS = [...INBOX_CHANNEL_PROVIDERS, 'push'] as const;
export type InboxNetwork = (typeof INBOX_NETWORKS)[number];

/** A thread on a network (replies, mentions, quotes) or a direct conversation. */
export const CONVERSATION_KINDS = ['thread', 'direct'] as const;
export type ConversationKind = (typeof CONVERSATION_KINDS)[number];

export const CONVERSATION_STATUSES = ['open', 'pending', 'closed'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const MESSAGE_DIRECTIONS = ['in', 'out'] as const;
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];

export const MESSAGE_KINDS = ['reply', 'mention', 'quote', 'direct', 'push', 'reply_out'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const REPLY_STATUSES = ['awaiting_approval', 'sending', 'sent', 'failed', 'rejected'] as const;
export type ReplyStatus = (typeof REPLY_STATUSES)[number];

/** What a rule matches a new conversation on: every condition given must hold. */
export interface AssignmentConditions {
  channelIds?: string[];
  /** Any of these words in the first message (case-insensitive, whole words). */
  keywords?: string[];
  sentiment?: 'positive' | 'negative' | 'neutral';
  lead?: boolean;
}

/** Who a rule assigns to, in turn, skipping members who are away. */
export type AssignmentPool = { role: Role } | { userIds: string[] };

/** Which replies go through an approval chain before they are sent. */
export type ReplyApprovalPolicy =
  | { mode: 'none' }
  | { mode: 'all'; steps: ApprovalStep[] }
  /** Replies written by members with these roles. */
  | { mode: 'roles'; roles: Role[]; steps: ApprovalStep[] }
  /** Replies the workspace's content rules flag. */
  | { mode: 'rules'; steps: ApprovalStep[] };

// ---- inbox/<channelId>: the inbound read of one connected channel ----

export const inboxWorkflowId = (channelId: string): string => `inbox/${channelId}`;

/**
 * The task queue the channels' read activities run on (a worker of their own in every worker
 * process, workers/worker.ts), beside the deployment's `taskQueue`: the thousands of conversation
 * workflows and activities a burst of inbound items starts there cannot hold a read up.
 */
export const inboxReadsTaskQueue = (taskQueue: string): string => `inbox-reads/${taskQueue}`;
export const isInboxReadsTaskQueue = (name: string): boolean => name.startsWith('inbox-reads/');

export interface InboxWorkflowInput {
  channelId: string;
  workspaceId: string;
  /** Carried over continue-as-new. */
  carried?: { counters: InboxCounters };
}

export interface InboxCounters {
  reads: number;
  /** Items stored (new messages), and items seen again and skipped. */
  stored: number;
  skipped: number;
  /** Items dropped as noise (authors closed as spam). */
  filtered: number;
  lastError: string | null;
}

export const stopInboxSignal = defineSignal('stop');
export const inboxCountersQuery = defineQuery<InboxCounters>('counters');

// ---- inbox-signals/<taskQueue>: the relay of the conversations' queued signals ----

/**
 * One per deployment (task queue): it sends the signals that storing inbound items queued in the
 * database (db/inbox-signals.ts), so that a read never waits on Temporal and a crash loses none.
 */
export const inboxSignalRelayWorkflowId = (taskQueue: string): string => `inbox-signals/${taskQueue}`;

export interface InboxSignalRelayInput {
  /** Carried over continue-as-new: signals sent so far. */
  carried?: { sent: number };
}

// ---- conversation/<id>: one conversation's SLA, assignment and replies ----

export const conversationWorkflowId = (conversationId: string): string => `conversation/${conversationId}`;

export interface ConversationWorkflowInput {
  conversationId: string;
  workspaceId: string;
  /** How long one minute of the SLA targets lasts, in ms (default 60 000); tests shorten it. */
  slaMinuteMs?: number;
  /** Carried over continue-as-new. */
  carried?: ConversationCarried;
}

/** What a conversation's workflow remembers across continue-as-new (JSON). */
export interface ConversationCarried {
  /** The status it last saw: a closed conversation seen open again was reopened. */
  status: ConversationStatus | null;
  /** Assignment by rules was tried already (it is tried once per run, on first sight). */
  assignmentTried: boolean;
  /** SLA reminders and breaches already handled, by `<clock>.<event>:<deadline>`. */
  fired: string[];
}

/**
 * Something about the conversation changed in the database (a new inbound message, status,
 * priority or assignee, SLA targets): the workflow reloads it and resets its timers.
 */
export const conversationChangedSignal = defineSignal<[{ reason: string }]>('conversationChanged');

/** A reply the API stored (`inbox_replies`, status `awaiting_approval` or `sending`): approve if needed, then send. */
export const replyRequestedSignal = defineSignal<[{ replyId: string }]>('replyRequested');

/** A decision on a reply's approval chain. */
export const decideReplyUpdate = defineUpdate<ApprovalChainStatus, [DecisionRequest & { replyId: string }]>(
  'decideReply',
);

export interface ConversationState {
  status: ConversationStatus;
  firstResponseDueAt: string | null;
  resolutionDueAt: string | null;
  /** Replies waiting on approval or being sent. */
  pendingReplies: { replyId: string; status: ReplyStatus; approval?: ApprovalChainStatus }[];
}
export const conversationStateQuery = defineQuery<ConversationState>('state');

/** Like an inbound message on its network, as the channel's account (once, however often asked). */
export const likeMessageUpdate = defineUpdate<{ liked: true }, [{ messageId: string; actorId: string }]>('likeMessage');
