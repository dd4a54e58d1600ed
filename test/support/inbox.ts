import { randomUUID } from 'node:crypto';
import type {
  InboxChannelProvider,
  InboxNetwork,
  Priority,
  ConversationStatus,
  MessageKind,
} from '../../contracts/inbox';
import { inboxCountersQuery, inboxWorkflowId } from '../../contracts/inbox';
import { waitFor, type Harness } from './harness';

/**
 * A channel row as a connected Bluesky or Mastodon account would leave it, without the network: the
 * inbox API's checks (text limits, failed credentials, removal) read only the row.
 */
export async function seedChannel(
  h: Harness,
  input: { workspaceId: string; createdBy: string; provider: InboxChannelProvider; name?: string; healthy?: boolean },
): Promise<string> {
  const row = await h.db
    .insertInto('channels')
    .values({
      workspace_id: input.workspaceId,
      provider: input.provider,
      name: input.name ?? `${input.provider} ${randomUUID().slice(0, 8)}`,
      account_ref:
        input.provider === 'bluesky'
          ? `did:plc:${randomUUID().slice(0, 12)}`
          : input.provider === 'mastodon'
            ? `https://social.example.test`
            : `${input.provider}-${randomUUID().slice(0, 8)}`,
      credentials_sealed: h.sealer.seal({ seeded: true }),
      created_by: input.createdBy,
      healthy: input.healthy ?? true,
      ...(input.healthy === false ? { last_error: 'credentials refused', consecutive_failures: 1 } : {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface SeededMessage {
  text: string;
  direction?: 'in' | 'out';
  /** Minutes after the conversation's start. */
  atMinute?: number;
  deleted?: boolean;
  authorId?: string;
  /** The network's refs of the item (defaults: a made-up at:// URI and CID). */
  externalId?: string;
  cid?: string | null;
  rootExternalId?: string;
  rootCid?: string;
  kind?: MessageKind;
}

export interface SeedConversation {
  workspaceId: string;
  channelId?: string | null;
  network?: InboxNetwork;
  handle?: string;
  displayName?: string;
  /** The author's id on the network; seeding the same one twice reuses their contact. */
  contactExternalId?: string;
  /** An existing contact (their past conversations). */
  contactId?: string;
  threadKey?: string;
  messages?: SeededMessage[];
  status?: ConversationStatus;
  priority?: Priority;
  tags?: string[];
  assigneeId?: string | null;
  sentiment?: 'positive' | 'negative' | 'neutral';
  lead?: boolean;
  postId?: string | null;
  campaignId?: string | null;
  startedAt?: Date;
  /** Minutes from the start to the team's first response. */
  firstResponseAfterMinutes?: number;
  firstResponseBreached?: boolean;
  resolutionBreached?: boolean;
  closedAfterMinutes?: number;
  /** Default: the number of messages, as the inbound read leaves it. */
  version?: number;
}

/**
 * A conversation as the inbound read (h14-inbound) would store it: its contact, messages and
 * counters, version = its message count. Tests of the API seed them directly.
 */
export async function seedConversation(h: Pick<Harness, 'db'>, input: SeedConversation) {
  const network = input.network ?? 'bluesky';
  const start = input.startedAt ?? new Date(Date.now() - 3600_000);
  const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000);
  const messages = input.messages ?? [{ text: 'Hello, I have a question' }];
  return h.db.transaction().execute(async (trx) => {
    const contactId =
      input.contactId ??
      (
        await trx
          .insertInto('inbox_contacts')
          .values({
            workspace_id: input.workspaceId,
            network,
            external_id: input.contactExternalId ?? `did:plc:${randomUUID()}`,
            handle: input.handle ?? `someone-${randomUUID().slice(0, 6)}.test`,
            display_name: input.displayName ?? 'Someone',
          })
          .onConflict((oc) =>
            oc.constraint('inbox_contacts_uq').doUpdateSet({ handle: (eb) => eb.ref('excluded.handle') }),
          )
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const inbound = messages.filter((m) => (m.direction ?? 'in') === 'in');
    const last = Math.max(...messages.map((m, i) => m.atMinute ?? i));
    const lastIn = Math.max(0, ...inbound.map((m) => m.atMinute ?? messages.indexOf(m)));
    const conversation = await trx
      .insertInto('inbox_conversations')
      .values({
        workspace_id: input.workspaceId,
        channel_id: input.channelId ?? null,
        network,
        kind: 'thread',
        thread_key: input.threadKey ?? `at://thread/${randomUUID()}`,
        post_id: input.postId ?? null,
        campaign_id: input.campaignId ?? null,
        contact_id: contactId,
        status: input.status ?? 'open',
        priority: input.priority ?? 'normal',
        tags: input.tags ?? [],
        assignee_id: input.assigneeId ?? null,
        sentiment_label: input.sentiment ?? null,
        sentiment_score: input.sentiment ? 0.9 : null,
        lead: input.lead ?? false,
        message_count: messages.length,
        first_inbound_at: start,
        last_inbound_at: at(lastIn),
        last_message_at: at(last),
        first_response_at: input.firstResponseAfterMinutes === undefined ? null : at(input.firstResponseAfterMinutes),
        closed_at: input.closedAfterMinutes === undefined ? null : at(input.closedAfterMinutes),
        first_response_breached_at: input.firstResponseBreached ? at(30) : null,
        resolution_breached_at: input.resolutionBreached ? at(120) : null,
        version: input.version ?? messages.length,
      })
      .returning(['id', 'version'])
      .executeTakeFirstOrThrow();
    const messageIds: string[] = [];
    for (const [i, m] of messages.entries()) {
      const out = m.direction === 'out';
      const row = await trx
        .insertInto('inbox_messages')
        .values({
          workspace_id: input.workspaceId,
          conversation_id: conversation.id,
          channel_id: input.channelId ?? null,
          network,
          direction: out ? 'out' : 'in',
          kind: m.kind ?? (out ? 'reply_out' : 'reply'),
          external_id: m.externalId ?? `at://item/${randomUUID()}`,
          external_cid: m.cid === undefined ? 'bafy-seeded' : m.cid,
          root_external_id: m.rootExternalId ?? null,
          root_cid: m.rootCid ?? null,
          contact_id: out ? null : contactId,
          author_id: out ? (m.authorId ?? null) : null,
          text: m.text,
          deleted: m.deleted ?? false,
          sent_at: at(m.atMinute ?? i),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      messageIds.push(row.id);
    }
    return { id: conversation.id, version: conversation.version, contactId, messageIds };
  });
}

/** A new inbound message on a seeded conversation, as the inbound read stores one: the version moves on. */
export async function seedInboundMessage(h: Harness, conversationId: string, text: string) {
  return h.db.transaction().execute(async (trx) => {
    const c = await trx
      .updateTable('inbox_conversations')
      .set((eb) => ({
        version: eb('version', '+', 1),
        message_count: eb('message_count', '+', 1),
        last_inbound_at: new Date(),
        last_message_at: new Date(),
      }))
      .where('id', '=', conversationId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const m = await trx
      .insertInto('inbox_messages')
      .values({
        workspace_id: c.workspace_id,
        conversation_id: c.id,
        channel_id: c.channel_id,
        network: c.network,
        direction: 'in',
        kind: 'reply',
        external_id: `at://item/${randomUUID()}`,
        contact_id: c.contact_id,
        text,
        sent_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { messageId: m.id, version: c.version };
  });
}

/**
 * Terminates the conversations' workflows this test file's worker runs (they run until told
 * otherwise). Found by the file's own task queue: the database is shared with test files running
 * beside it, whose conversations are not this file's to end.
 */
export async function terminateConversations(h: Harness): Promise<void> {
  const running = h.client.workflow.list({
    query: `WorkflowType = 'conversationWorkflow' AND TaskQueue = '${h.taskQueue}' AND ExecutionStatus = 'Running'`,
  });
  const ends: Promise<unknown>[] = [];
  for await (const workflow of running)
    ends.push(
      h.client.workflow
        .getHandle(workflow.workflowId)
        .terminate('test over')
        .catch(() => undefined),
    );
  await Promise.all(ends);
}

/** A channel's conversations in the workspace, as the inbound read stored them, oldest first. */
export function channelConversations(h: Pick<Harness, 'db'>, workspaceId: string, channelId: string) {
  return h.db
    .selectFrom('inbox_conversations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('channel_id', '=', channelId)
    .orderBy('id')
    .execute();
}

/** A channel's messages in the workspace (in and out), oldest first. */
export function channelMessages(h: Pick<Harness, 'db'>, workspaceId: string, channelId: string) {
  return h.db
    .selectFrom('inbox_messages')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('channel_id', '=', channelId)
    .orderBy('id')
    .execute();
}

/** The counters of a channel's inbound read (`inbox/<channelId>`). */
export function inboxCounters(h: Pick<Harness, 'client'>, channelId: string) {
  return h.client.workflow.getHandle(inboxWorkflowId(channelId)).query(inboxCountersQuery);
}

/** Waits for `n` more complete reads of the channel from now: what is stored then was seen again. */
export async function moreReads(h: Pick<Harness, 'client'>, channelId: string, n: number): Promise<void> {
  const before = (await inboxCounters(h, channelId)).reads;
  await waitFor(`${n} more reads of ${channelId}`, async () => (await inboxCounters(h, channelId)).reads >= before + n);
}
