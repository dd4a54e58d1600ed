import type { Client, WorkflowHandle } from '@temporalio/client';
import type { ApprovalStep } from '../../contracts/approval';
import {
  conversationChangedSignal,
  conversationWorkflowId,
  replyRequestedSignal,
  type InboxNetwork,
  type MessageKind,
  type Priority,
  type ReplyStatus,
} from '../../contracts/inbox';
import type { Db } from '../../db/database';
import type { conversationWorkflow } from '../../workflows/conversation';

/**
 * Conversations, messages and replies written straight to the database, as the inbound read and
 * the API would store them, for tests of the conversation workflow.
 */
export async function seedConversation(
  db: Db,
  input: {
    workspaceId: string;
    channelId?: string | null;
    network?: InboxNetwork;
    threadKey?: string;
    contact?: { externalId: string; handle: string };
    message?: {
      externalId?: string;
      cid?: string;
      rootExternalId?: string;
      rootCid?: string;
      text?: string;
      kind?: MessageKind;
    };
    priority?: Priority;
    assigneeId?: string;
    sentiment?: string;
    lead?: boolean;
    firstInboundAt?: Date;
  },
): Promise<{ conversationId: string; messageId: string; contactId: string }> {
  const network = input.network ?? 'push';
  const unique = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const at = input.firstInboundAt ?? new Date();
  const contact = await db
    .insertInto('inbox_contacts')
    .values({
      workspace_id: input.workspaceId,
      network,
      external_id: input.contact?.externalId ?? `author-${unique}`,
      handle: input.contact?.handle ?? `author-${unique}`,
    })
    .onConflict((oc) => oc.constraint('inbox_contacts_uq').doUpdateSet({ handle: (eb) => eb.ref('excluded.handle') }))
    .returning('id')
    .executeTakeFirstOrThrow();
  const messageExternalId = input.message?.externalId ?? `item-${unique}`;
  const conversation = await db
    .insertInto('inbox_conversations')
    .values({
      workspace_id: input.workspaceId,
      channel_id: input.channelId ?? null,
      network,
      kind: 'thread',
      thread_key: input.threadKey ?? input.message?.rootExternalId ?? messageExternalId,
      contact_id: contact.id,
      priority: input.priority ?? 'normal',
      assignee_id: input.assigneeId ?? null,
      sentiment_label: input.sentiment ?? null,
      lead: input.lead ?? false,
      message_count: 1,
      first_inbound_at: at,
      last_inbound_at: at,
      last_message_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const message = await db
    .insertInto('inbox_messages')
    .values({
      workspace_id: input.workspaceId,
      conversation_id: conversation.id,
      channel_id: input.channelId ?? null,
      network,
      direction: 'in',
      kind: input.message?.kind ?? (network === 'push' ? 'push' : 'reply'),
      external_id: messageExternalId,
      external_cid: input.message?.cid ?? null,
      root_external_id: input.message?.rootExternalId ?? null,
      root_cid: input.message?.rootCid ?? null,
      contact_id: contact.id,
      text: input.message?.text ?? 'Hello?',
      sent_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { conversationId: conversation.id, messageId: message.id, contactId: contact.id };
}

/** A reply as the API stores it before signalling the workflow. */
export async function seedReply(
  db: Db,
  input: {
    workspaceId: string;
    conversationId: string;
    messageId: string;
    authorId: string;
    text: string;
    status?: ReplyStatus;
    approvalSteps?: ApprovalStep[];
  },
): Promise<string> {
  const row = await db
    .insertInto('inbox_replies')
    .values({
      workspace_id: input.workspaceId,
      conversation_id: input.conversationId,
      in_reply_to_message_id: input.messageId,
      author_id: input.authorId,
      text: input.text,
      status: input.status ?? 'sending',
      approval_steps: input.approvalSteps ? JSON.stringify(input.approvalSteps) : null,
      conversation_version: 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Starts (or signals) a conversation's workflow as the inbound read and the API do: signalWithStart. */
export function signalConversation(
  client: Client,
  taskQueue: string,
  input: { conversationId: string; workspaceId: string; slaMinuteMs?: number },
  signal: { replyId: string } | { reason: string } = { reason: 'test' },
): Promise<WorkflowHandle<typeof conversationWorkflow>> {
  const common = {
    taskQueue,
    workflowId: conversationWorkflowId(input.conversationId),
    args: [input] as [typeof input],
  };
  return 'replyId' in signal
    ? client.workflow.signalWithStart<typeof conversationWorkflow, [{ replyId: string }]>('conversationWorkflow', {
        ...common,
        signal: replyRequestedSignal,
        signalArgs: [signal],
      })
    : client.workflow.signalWithStart<typeof conversationWorkflow, [{ reason: string }]>('conversationWorkflow', {
        ...common,
        signal: conversationChangedSignal,
        signalArgs: [signal],
      });
}
