import type { Client } from '@temporalio/client';
import { SearchAttributes } from '../contracts/shared';
import {
  conversationChangedSignal,
  conversationWorkflowId,
  inboxWorkflowId,
  stopInboxSignal,
} from '../contracts/inbox';
import type { InboundCursor, InboundItem } from '../contracts/inbox-inbound';
import type { Db } from '../db/database';
import type { Sealer } from '../db/sealing';
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

export interface InboxStoreDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
}

/**
 * Stores inbound items (with their sentiment and lead flag, and the stream's position, in one
 * transaction), then tells each conversation that got a new message: its workflow is started if it
 * is not running (signal-with-start), and reloads the conversation.
 */
export async function storeInbound(
  deps: InboxStoreDeps,
  source: InboundSource,
  items: InboundItem[],
  cursor?: InboundCursor,
): Promise<StoredInbound> {
  const scored = items.map((item) => ({
    ...item,
    sentiment: analyzeSentiment(item.text),
    lead: isSalesLead(item.text),
  }));
  const stored = await storeInboundItems(deps.db, source, scored, cursor);
  await signalConversations(deps, source.workspaceId, stored.changedConversationIds);
  return stored;
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

/** The networks the inbox reads (a webhook channel only publishes). */
export const READS_INBOX = new Set(['bluesky', 'mastodon']);

/** Starts a channel's inbound read if it is not running already (connecting twice, a restart: one read). */
export async function startInboxReader(
  { temporal, taskQueue }: Pick<InboxStoreDeps, 'temporal' | 'taskQueue'>,
  channel: { id: string; workspaceId: string; provider: string },
): Promise<void> {
  if (!READS_INBOX.has(channel.provider)) return;
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
 * Starts the inbound read of every live Bluesky and Mastodon channel that has none running (a
 * channel connected before the inbox existed, or a read that ended): at a worker's start, idempotent.
 */
export async function ensureInboxReaders(
  deps: Pick<InboxStoreDeps, 'db' | 'temporal' | 'taskQueue'> & { sealer: Sealer },
): Promise<number> {
  // Only the channels whose credentials this deployment's key opens: one sealed with another key
  // belongs to another deployment on the same database, whose own workers read it.
  const channels = (await listInboxChannels(deps.db)).filter((c) => deps.sealer.opens(c.credentialsSealed));
  for (const channel of channels) await startInboxReader(deps, channel);
  return channels.length;
}
