import type { Client } from '@temporalio/client';
import { SearchAttributes } from '../contracts/shared';
import {
  conversationChangedSignal,
  conversationWorkflowId,
  inboxSignalRelayWorkflowId,
  inboxWorkflowId,
  readsInbox,
  stopInboxSignal,
} from '../contracts/inbox';
import type { InboundCursor, InboundItem } from '../contracts/inbox-inbound';
import type { Db } from '../db/database';
import type { Sealer } from '../db/sealing';
import {
  clearConversationSignals,
  pendingConversationSignals,
  type QueuedConversationSignal,
} from '../db/inbox-signals';
import {
  listInboxChannels,
  storeInboundItems,
  type InboundSource,
  type ScoredInboundItem,
  type StoredInbound,
} from '../db/inbox-ingest';
import { analyzeSentiment } from '../listening/sentiment';
import { isSalesLead } from '../listening/noise';
import type { conversationWorkflow } from '../workflows/conversation';
import type { inboxChannelWorkflow } from '../workflows/inbox-channel';
import type { inboxSignalRelay } from '../workflows/inbox-signals';

export interface InboxStoreDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
}

/**
 * Stores inbound items (with their sentiment and lead flag, and the stream's position, in one
 * transaction); the conversations that got a new message and whose workflows have work to do are
 * queued for their signal in the same transaction (db/inbox-signals.ts), and this deployment's
 * relay (`relayConversationSignals`) sends them: the read never waits on Temporal.
 */
export async function storeInbound(
  deps: Pick<InboxStoreDeps, 'db' | 'taskQueue'>,
  source: InboundSource,
  items: InboundItem[],
  cursor?: InboundCursor,
): Promise<StoredInbound> {
  return storeInboundItems(deps.db, source, scoreInbound(items), {
    taskQueue: deps.taskQueue,
    ...(cursor ? { cursor } : {}),
  });
}

/**
 * Sends the signals queued by this deployment (oldest first, `concurrency` at a time): each
 * conversation's workflow is started if it is not running (signal-with-start) and reloads the
 * conversation. A signal's row is cleared once it is sent (unless it was queued again meanwhile),
 * so a relay that stops anywhere leaves the rest for the next, and at worst sends one twice (a
 * reload: harmless). Returns how many were sent; rejects with the first failure after clearing
 * those sent before it.
 */
export async function relayQueuedSignals(
  deps: InboxStoreDeps,
  { limit, concurrency }: { limit: number; concurrency: number },
): Promise<number> {
  const queued = await pendingConversationSignals(deps.db, deps.taskQueue, limit);
  const sent: QueuedConversationSignal[] = [];
  let failure: unknown;
  let next = 0;
  const lane = async () => {
    while (failure === undefined && next < queued.length) {
      const signal = queued[next++]!;
      try {
        await signalConversations(deps, signal.workspaceId, [signal.conversationId]);
        sent.push(signal);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queued.length) }, lane));
  await clearConversationSignals(deps.db, sent);
  if (failure !== undefined) throw failure;
  return sent.length;
}

/**
 * The relay runs for good once started (it continues as new), so a process makes sure of it at most
 * once a minute per Temporal client and task queue: a worker starting many channels' reads, or the
 * API taking many pushes, does not pay a start call each; a relay an operator ended is started again
 * by the next call after that.
 */
const RELAY_RECHECK_MS = 60_000;
const relayStartedAt = new WeakMap<Client, Map<string, number>>();

/** The relay of this deployment's queued signals: started once per task queue, runs for good. */
export async function startSignalRelay({ temporal, taskQueue }: Pick<InboxStoreDeps, 'temporal' | 'taskQueue'>) {
  const started = relayStartedAt.get(temporal) ?? new Map<string, number>();
  relayStartedAt.set(temporal, started);
  const at = started.get(taskQueue);
  if (at !== undefined && Date.now() - at < RELAY_RECHECK_MS) return;
  await temporal.workflow
    .start<typeof inboxSignalRelay>('inboxSignalRelay', {
      workflowId: inboxSignalRelayWorkflowId(taskQueue),
      taskQueue,
      args: [{}],
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: `Inbox signals of ${taskQueue}`,
    })
    .catch((err: unknown) => {
      if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
    });
  started.set(taskQueue, Date.now());
}

/** Each item's sentiment (the listening analyzer) and whether it reads as a sales lead. */
export function scoreInbound(items: InboundItem[]): ScoredInboundItem[] {
  return items.map((item) => ({ ...item, sentiment: analyzeSentiment(item.text), lead: isSalesLead(item.text) }));
}

export async function signalConversations(
  { temporal, taskQueue }: InboxStoreDeps,
  workspaceId: string,
  conversationIds: string[],
): Promise<void> {
  await Promise.all(
    conversationIds.map((conversationId) =>
      temporal.workflow.signalWithStart<typeof conversationWorkflow, [{ reason: string }]>('conversationWorkflow', {
        workflowId: conversationWorkflowId(conversationId),
        taskQueue,
        args: [{ conversationId, workspaceId }],
        signal: conversationChangedSignal,
        signalArgs: [{ reason: 'inbound' }],
        // As the API starts it (api/inbox-workflow.ts): found by workspace in the Temporal UI.
        typedSearchAttributes: [{ key: SearchAttributes.workspace, value: workspaceId }],
        staticSummary: `Conversation ${conversationId}`,
      }),
    ),
  );
}

/** Starts a channel's inbound read if it is not running already (connecting twice, a restart: one read). */
export async function startInboxReader(
  { temporal, taskQueue }: Pick<InboxStoreDeps, 'temporal' | 'taskQueue'>,
  channel: { id: string; workspaceId: string; provider: string },
): Promise<void> {
  // The networks the inbox reads (a webhook channel only publishes).
  if (!readsInbox(channel.provider)) return;
  // What the read stores is signalled by the relay.
  await startSignalRelay({ temporal, taskQueue });
  await temporal.workflow
    .start<typeof inboxChannelWorkflow>('inboxChannelWorkflow', {
      workflowId: inboxWorkflowId(channel.id),
      taskQueue,
      args: [{ channelId: channel.id, workspaceId: channel.workspaceId }],
      // Running already (connected twice, started at boot): that one goes on.
      workflowIdConflictPolicy: 'USE_EXISTING',
    })
    .catch((err: unknown) => {
      if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
    });
}

/** Stops a channel's inbound read (the channel was removed); nothing to do when it is not running. */
export async function stopInboxReader(
  { temporal }: Pick<InboxStoreDeps, 'temporal'>,
  channelId: string,
): Promise<void> {
  await temporal.workflow
    .getHandle(inboxWorkflowId(channelId))
    .signal(stopInboxSignal)
    .catch((err: unknown) => {
      if ((err as Error).name !== 'WorkflowNotFoundError') throw err;
    });
}

/**
 * Starts the inbound read of every live channel on a network the inbox reads (INBOX_CHANNEL_PROVIDERS)
 * that has none running (a channel connected before its network's inbox existed, or a read that
 * ended): at a worker's start, idempotent.
 */
export async function ensureInboxReaders(
  deps: Pick<InboxStoreDeps, 'db' | 'temporal' | 'taskQueue'> & { sealer: Sealer },
): Promise<number> {
  // Only the channels whose credentials this deployment's key opens: one sealed with another key
  // belongs to another deployment on the same database, whose own workers read it.
  const channels = (await listInboxChannels(deps.db)).filter((c) => deps.sealer.opens(c.credentialsSealed));
  // Also without channels: items pushed by other systems are signalled by it too (each channel's
  // start below finds it started).
  await startSignalRelay(deps);
  for (const channel of channels) await startInboxReader(deps, channel);
  return channels.length;
}
