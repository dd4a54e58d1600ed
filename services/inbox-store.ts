import type { Client } from '@temporalio/client';
import { SearchAttributes } from '../contracts/shared';
import {
  conversationChangedSignal,
  conversationWorkflowId,
  inboxWorkflowId,
  readsInbox,
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
 * is not running (signal-with-start), and reloads the conversation. With `signals`, the telling is
 * queued there and this returns once the page is stored (the caller awaits `signals.drain()`);
 * without, it is done before this returns.
 */
export async function storeInbound(
  deps: InboxStoreDeps,
  source: InboundSource,
  items: InboundItem[],
  cursor?: InboundCursor,
  signals?: ConversationSignals,
): Promise<StoredInbound> {
  const stored = await storeInboundItems(deps.db, source, scoreInbound(items), cursor);
  if (signals) signals.add(source.workspaceId, stored.changedConversationIds);
  else await signalConversations(deps, source.workspaceId, stored.changedConversationIds);
  return stored;
}

/**
 * Signals changed conversations' workflows beside a read that goes on storing, a few at a time:
 * the Temporal server starts workflows far slower than a read stores items (about 50/s on the dev
 * server), so signalling each page before reading the next held the read to that pace. A
 * conversation already waiting for its signal is not queued twice (the signal only says "reload").
 *
 * As before, the signals follow the commit: a crash (or a failed signal) after a page is committed
 * and before its conversations are signalled loses only those reloads; the retried read finds the
 * items stored and does not signal them again, and the conversation's workflow is started by the
 * next message or the API. Queuing does not widen that: the activity awaits `drain()` before it
 * returns, so a read that returns has signalled everything it stored.
 */
export class ConversationSignals {
  private readonly queue: { workspaceId: string; conversationId: string }[] = [];
  private readonly queued = new Set<string>();
  private running = 0;
  private error: unknown;
  private idle: (() => void)[] = [];

  constructor(
    private readonly deps: InboxStoreDeps,
    private readonly concurrency = 8,
    /** Called as each signal completes (an activity's heartbeat while it drains). */
    private readonly onProgress: () => void = () => undefined,
  ) {}

  add(workspaceId: string, conversationIds: string[]): void {
    for (const conversationId of conversationIds) {
      if (this.queued.has(conversationId)) continue;
      this.queued.add(conversationId);
      this.queue.push({ workspaceId, conversationId });
    }
    this.pump();
  }

  /** Signals queued or under way. */
  get pending(): boolean {
    return this.running > 0 || this.queue.length > 0;
  }

  /** Resolves when every queued signal is sent, or after `ms`, whichever comes first. */
  async idleWithin(ms: number): Promise<void> {
    if (!this.pending) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => this.idle.push(resolve)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
    ]);
    clearTimeout(timer);
  }

  /** Resolves when every queued signal is sent; rejects with the first that failed. */
  async drain(): Promise<void> {
    if (this.running > 0 || this.queue.length > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    if (this.error !== undefined) throw this.error;
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const { workspaceId, conversationId } = this.queue.shift()!;
      this.queued.delete(conversationId);
      this.running++;
      signalConversations(this.deps, workspaceId, [conversationId])
        .catch((err: unknown) => {
          this.error ??= err;
        })
        .finally(() => {
          this.running--;
          this.onProgress();
          this.pump();
          if (this.running === 0 && this.queue.length === 0) for (const resolve of this.idle.splice(0)) resolve();
        });
    }
  }
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
  for (const channel of channels) await startInboxReader(deps, channel);
  return channels.length;
}
