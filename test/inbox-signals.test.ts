import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { conversationWorkflowId, inboxSignalRelayWorkflowId } from '../contracts/inbox';
import type { InboundItem } from '../contracts/inbox-inbound';
import { clearConversationSignals, pendingConversationSignals } from '../db/inbox-signals';
import { relayQueuedSignals, startSignalRelay, storeInbound } from '../services/inbox-store';
import { useChorus } from './support/chorus';
import { createWorkspace, waitFor, type TestWorkspace } from './support/harness';
import { seedChannel, terminateConversations } from './support/inbox';

/**
 * The outbox of conversation signals (db/inbox-signals.ts) and its relay (workflows/inbox-signals.ts),
 * over real PostgreSQL and Temporal: storing a page queues, in its transaction, a signal for each
 * changed conversation whose workflow has work to do; the relay sends them and clears them. Nothing
 * is signalled before the commit, nothing is lost after it: a queued signal waits for a relay, a
 * relay that fails half-way leaves the rest for the next.
 */
const { harness: h } = useChorus({
  beforeClose: async (c) => {
    await terminateConversations(c.harness());
    await c
      .harness()
      .client.workflow.getHandle(inboxSignalRelayWorkflowId(c.harness().taskQueue))
      .terminate('test over')
      .catch(() => undefined);
  },
});

let ws: TestWorkspace;
let channelId: string;

beforeAll(async () => {
  ws = await createWorkspace(h(), 'Inbox signals');
  channelId = await seedChannel(h(), { workspaceId: ws.workspaceId, createdBy: ws.userId, provider: 'mastodon' });
});

const deps = () => ({ db: h().db, temporal: h().client, taskQueue: h().taskQueue });

/** A Mastodon mention that starts a thread of its own (or joins `thread`). */
function mention(text: string, thread?: string): InboundItem {
  const id = randomUUID();
  return {
    network: 'mastodon',
    kind: 'mention',
    conversationKind: 'thread',
    threadKey: thread ?? id,
    answers: [],
    externalId: id,
    externalCid: null,
    url: null,
    parent: null,
    root: null,
    author: {
      externalId: `acct-${randomUUID()}`,
      handle: 'customer',
      displayName: null,
      avatarUrl: null,
      profileUrl: null,
    },
    text,
    sentAt: new Date().toISOString(),
  };
}

async function store(...items: InboundItem[]) {
  return storeInbound(deps(), { workspaceId: ws.workspaceId, channelId, network: 'mastodon' }, items);
}

async function conversationOf(item: InboundItem): Promise<string> {
  const row = await h()
    .db.selectFrom('inbox_conversations')
    .select('id')
    .where('channel_id', '=', channelId)
    .where('thread_key', '=', item.threadKey)
    .executeTakeFirstOrThrow();
  return row.id;
}

const queued = async () =>
  (await pendingConversationSignals(h().db, h().taskQueue, 1000)).map((s) => s.conversationId).sort();

const workflowStatus = (client: Client, conversationId: string) =>
  client.workflow
    .getHandle(conversationWorkflowId(conversationId))
    .describe()
    .then((d) => d.status.name)
    .catch(() => 'NOT_FOUND');

async function setSlaTarget(on: boolean) {
  await h().db.deleteFrom('inbox_sla_targets').where('workspace_id', '=', ws.workspaceId).execute();
  if (on)
    await h()
      .db.insertInto('inbox_sla_targets')
      .values({
        workspace_id: ws.workspaceId,
        priority: 'normal',
        first_response_minutes: 600,
        resolution_minutes: 6000,
        remind_before_minutes: 0,
      })
      .execute();
}

afterEach(async () => {
  // Each test starts with an empty queue (what it left is sent by no one: no relay runs between tests).
  await h().db.deleteFrom('inbox_conversation_signals').where('task_queue', '=', h().taskQueue).execute();
  await setSlaTarget(false);
  await h().db.deleteFrom('inbox_assignment_rules').where('workspace_id', '=', ws.workspaceId).execute();
});

test('only conversations whose workflow has work are queued: an SLA target, an assignment rule for an open unassigned one, a reply in flight', async () => {
  // Nothing to do: shown in the inbox, no workflow.
  const idle = mention('Hello there');
  const stored = await store(idle);
  expect(stored).toMatchObject({ stored: 1, signalsQueued: 0 });
  expect(await queued()).toEqual([]);

  // A reply in flight on it: its (running) workflow hears of the new message.
  const idleId = await conversationOf(idle);
  const message = await h()
    .db.selectFrom('inbox_messages')
    .select('id')
    .where('conversation_id', '=', idleId)
    .executeTakeFirstOrThrow();
  await h()
    .db.insertInto('inbox_replies')
    .values({
      workspace_id: ws.workspaceId,
      conversation_id: idleId,
      in_reply_to_message_id: message.id,
      author_id: ws.userId,
      text: 'On it',
      status: 'awaiting_approval',
      conversation_version: 1,
    })
    .execute();
  await store(mention('Any news?', idle.threadKey));
  expect(await queued()).toEqual([idleId]);

  // An enabled assignment rule: open unassigned conversations are queued (their workflow assigns).
  await h()
    .db.insertInto('inbox_assignment_rules')
    .values({
      workspace_id: ws.workspaceId,
      name: 'Everyone',
      position: 1,
      conditions: JSON.stringify({}),
      assignees: JSON.stringify({ role: 'owner' }),
    })
    .execute();
  const ruled = mention('Where is my parcel?');
  const assigned = mention('Thanks!');
  await store(ruled, assigned);
  expect(await queued()).toEqual([idleId, await conversationOf(ruled), await conversationOf(assigned)].sort());
  // Once assigned (or closed), a rule has nothing more to do with it.
  await h().db.deleteFrom('inbox_conversation_signals').where('task_queue', '=', h().taskQueue).execute();
  await h()
    .db.updateTable('inbox_conversations')
    .set({ assignee_id: ws.userId })
    .where('id', '=', await conversationOf(assigned))
    .execute();
  await h()
    .db.updateTable('inbox_conversations')
    .set({ status: 'closed', closed_at: new Date() })
    .where('id', '=', await conversationOf(ruled))
    .execute();
  await store(mention('Still thanks', assigned.threadKey));
  expect(await queued()).toEqual([]);
  // A closed one that hears again is open again: its rules apply.
  await store(mention('Me again', ruled.threadKey));
  expect(await queued()).toEqual([await conversationOf(ruled)]);

  // An SLA target for the conversation's priority: every one that hears is queued.
  await h().db.deleteFrom('inbox_assignment_rules').where('workspace_id', '=', ws.workspaceId).execute();
  await h().db.deleteFrom('inbox_conversation_signals').where('task_queue', '=', h().taskQueue).execute();
  await setSlaTarget(true);
  await store(mention('Again', assigned.threadKey), mention('New one'));
  expect(await queued()).toHaveLength(2);
});

test('a relay that fails half-way clears only what it sent; the next sends the rest, none twice-cleared', async () => {
  await setSlaTarget(true);
  const items = [mention('one'), mention('two'), mention('three'), mention('four')];
  await store(...items);
  const ids = (await Promise.all(items.map(conversationOf))).sort();
  expect(await queued()).toEqual(ids);

  // Temporal answers the first two signals, then is unreachable.
  let calls = 0;
  const flaky = {
    ...deps(),
    temporal: {
      workflow: {
        signalWithStart: (...args: Parameters<Client['workflow']['signalWithStart']>) => {
          if (++calls > 2) return Promise.reject(new Error('Temporal unreachable'));
          return h().client.workflow.signalWithStart(...args);
        },
      },
    } as unknown as Client,
  };
  await expect(relayQueuedSignals(flaky, { limit: 10, concurrency: 1 })).rejects.toThrow('Temporal unreachable');
  const left = await queued();
  expect(left).toEqual(ids.slice(2));
  for (const id of ids.slice(0, 2)) expect(await workflowStatus(h().client, id)).toBe('RUNNING');
  for (const id of left) expect(await workflowStatus(h().client, id)).toBe('NOT_FOUND');

  // The next relay sends the rest: every conversation's workflow runs, the queue is empty.
  expect(await relayQueuedSignals(deps(), { limit: 10, concurrency: 4 })).toBe(2);
  expect(await queued()).toEqual([]);
  for (const id of ids) expect(await workflowStatus(h().client, id)).toBe('RUNNING');
});

test('a conversation queued again while its signal is under way keeps its row for the next round', async () => {
  await setSlaTarget(true);
  const item = mention('First');
  await store(item);
  const [read] = await pendingConversationSignals(h().db, h().taskQueue, 10);
  // A new message is stored after the relay read the row and before it cleared it.
  await store(mention('Second', item.threadKey));
  await clearConversationSignals(h().db, [read!]);
  expect(await queued()).toEqual([read!.conversationId]);
  const [again] = await pendingConversationSignals(h().db, h().taskQueue, 10);
  expect(BigInt(again!.seq)).toBeGreaterThan(BigInt(read!.seq));
  await clearConversationSignals(h().db, [again!]);
  expect(await queued()).toEqual([]);
});

test("another deployment's queue (task queue) is not this relay's", async () => {
  await setSlaTarget(true);
  const other = await createWorkspace(h(), 'Inbox signals other');
  const otherChannel = await seedChannel(h(), {
    workspaceId: other.workspaceId,
    createdBy: other.userId,
    provider: 'mastodon',
  });
  await h()
    .db.insertInto('inbox_sla_targets')
    .values({
      workspace_id: other.workspaceId,
      priority: 'normal',
      first_response_minutes: 600,
      resolution_minutes: 6000,
      remind_before_minutes: 0,
    })
    .execute();
  const foreignQueue = `elsewhere-${randomUUID()}`;
  await storeInbound(
    { db: h().db, taskQueue: foreignQueue },
    { workspaceId: other.workspaceId, channelId: otherChannel, network: 'mastodon' },
    [mention('Not yours')],
  );
  expect(await relayQueuedSignals(deps(), { limit: 10, concurrency: 1 })).toBe(0);
  expect(await pendingConversationSignals(h().db, foreignQueue, 10)).toHaveLength(1);
  await h().db.deleteFrom('inbox_conversation_signals').where('task_queue', '=', foreignQueue).execute();
});

// Last: the relay it starts runs on (it would send what the tests above look at in the queue).
test('a signal queued with its page waits for a relay: none is lost between the commit and the signal', async () => {
  await setSlaTarget(true);
  const item = mention('My order is late');
  // The page is committed with its signal queued; no relay runs yet (as after a crash right after the commit).
  await store(item);
  const conversationId = await conversationOf(item);
  expect(await queued()).toEqual([conversationId]);
  expect(await workflowStatus(h().client, conversationId)).toBe('NOT_FOUND');

  // The relay comes (a worker's boot, a channel connected): it starts the workflow and clears the queue.
  await startSignalRelay(deps());
  await waitFor('the workflow started by the relay', async () => {
    return (await workflowStatus(h().client, conversationId)) === 'RUNNING';
  });
  await waitFor('the queue cleared', async () => (await queued()).length === 0);
  // The workflow loaded it: its SLA deadlines are set.
  await waitFor('the deadlines armed', async () => {
    const row = await h()
      .db.selectFrom('inbox_conversations')
      .select('first_response_due_at')
      .where('id', '=', conversationId)
      .executeTakeFirstOrThrow();
    return row.first_response_due_at !== null;
  });
});
