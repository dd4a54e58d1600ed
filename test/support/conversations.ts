import { AtpAgent } from '@atproto/api';
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
import type { SandboxAccount } from '../../sandbox/local-bluesky';
import { connectBluesky, connectMastodon } from './channels';
import type { Chorus } from './chorus';
import { seedConversation as seedInboxConversation } from './inbox';
import { startMastodonFake, type MastodonFake } from './mastodon-fake';

/**
 * A conversation as the inbound read stores it, for tests of the conversation workflow: the
 * inbox seeder (test/support/inbox.ts) with this file's defaults (a push item that arrived now,
 * version 0) and the network refs a reply needs.
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
    sentiment?: 'positive' | 'negative' | 'neutral';
    lead?: boolean;
    firstInboundAt?: Date;
  },
): Promise<{ conversationId: string; messageId: string; contactId: string }> {
  const network = input.network ?? 'push';
  const unique = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const externalId = input.message?.externalId ?? `item-${unique}`;
  const author = input.contact ?? { externalId: `author-${unique}`, handle: `author-${unique}` };
  const seeded = await seedInboxConversation(
    { db },
    {
      workspaceId: input.workspaceId,
      channelId: input.channelId ?? null,
      network,
      threadKey: input.threadKey ?? input.message?.rootExternalId ?? externalId,
      contactExternalId: author.externalId,
      handle: author.handle,
      priority: input.priority,
      assigneeId: input.assigneeId,
      sentiment: input.sentiment,
      lead: input.lead,
      startedAt: input.firstInboundAt ?? new Date(),
      version: 0,
      messages: [
        {
          text: input.message?.text ?? 'Hello?',
          kind: input.message?.kind ?? (network === 'push' ? 'push' : 'reply'),
          externalId,
          cid: input.message?.cid ?? null,
          rootExternalId: input.message?.rootExternalId,
          rootCid: input.message?.rootCid,
        },
      ],
    },
  );
  return { conversationId: seeded.id, messageId: seeded.messageIds[0]!, contactId: seeded.contactId };
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

/** What useInboxAccounts sets up: valid in tests and in hooks registered after it. */
export interface InboxAccounts {
  brand: SandboxAccount;
  customer: SandboxAccount;
  brandAgent: AtpAgent;
  customerAgent: AtpAgent;
  /** The brand account connected as the workspace's Bluesky channel. */
  blueskyChannelId: string;
  fake: MastodonFake;
  mastodonChannelId: string;
}

/**
 * A brand and a customer on the test PDS, each signed in, the brand connected as a Bluesky
 * channel of the fixture's workspace, and a Mastodon fake connected as a second channel: the
 * networks of the conversation tests. Registers its own beforeAll and afterAll.
 */
export function useInboxAccounts(chorus: Chorus): InboxAccounts {
  const accounts = {} as InboxAccounts;
  beforeAll(async () => {
    const h = chorus.harness();
    const token = chorus.workspace().token;
    accounts.brand = await chorus.pds().createAccount('brand');
    accounts.customer = await chorus.pds().createAccount('customer');
    accounts.brandAgent = await signIn(chorus, accounts.brand);
    accounts.customerAgent = await signIn(chorus, accounts.customer);
    accounts.blueskyChannelId = (await connectBluesky(h, token, chorus.pds(), accounts.brand)).id;
    accounts.fake = await startMastodonFake();
    accounts.mastodonChannelId = (await connectMastodon(h, token, accounts.fake)).id;
  });
  afterAll(async () => {
    await accounts.fake?.close();
  });
  return accounts;
}

async function signIn(chorus: Chorus, account: SandboxAccount): Promise<AtpAgent> {
  const agent = new AtpAgent({ service: chorus.pds().pdsUrl });
  await agent.login({ identifier: account.handle, password: account.password });
  return agent;
}
