import { WithStartWorkflowOperation } from '@temporalio/client';
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import type { Transaction } from 'kysely';
import {
  conversationChangedSignal,
  conversationWorkflowId,
  replyRequestedSignal,
  type ConversationWorkflowInput,
} from '../contracts/inbox';
import { Unavailable } from '../contracts/errors';
import { SearchAttributes } from '../contracts/shared';
import { temporalOutage } from '../temporal/connection';
import type { Database } from '../db/database';
import type { conversationWorkflow } from '../workflows/conversation';

/** A signal for the conversation's workflow with its arguments. */
interface Signal {
  signal: SignalDefinition<[never]>;
  args: [unknown];
}
const pair = <A>(signal: SignalDefinition<[A]>, arg: A): Signal => ({
  signal: signal as unknown as SignalDefinition<[never]>,
  args: [arg],
});

export const changed = (reason: string): Signal => pair(conversationChangedSignal, { reason });
export const replyRequested = (replyId: string): Signal => pair(replyRequestedSignal, { replyId });

/**
 * Stores a change to a conversation and tells its workflow (`conversation/<id>`, started if it is
 * not running), so that neither happens without the other — the pattern of
 * services/store-and-start.ts, with a signal: the signal is sent inside the transaction, after the
 * change is written and before it commits. A signal that cannot reach Temporal rolls the change
 * back (503, nothing stored). A commit that fails after the signal leaves the workflow told of a change it
 * will not find (a reply id with no row): the workflow ignores what it cannot load, and unlike a
 * fresh record's workflow, a conversation's is never terminated for it (it holds the
 * conversation's SLA timers and other replies).
 *
 * `work` returns undefined when the conversation is not the workspace's: nothing is signalled.
 */
export async function storeAndSignal<T>(
  app: FastifyInstance,
  conversation: { id: string; workspaceId: string },
  work: (trx: Transaction<Database>) => Promise<T | undefined>,
  signal: (result: T) => Signal,
): Promise<T | undefined> {
  return app.db.transaction().execute(async (trx) => {
    const result = await work(trx);
    if (result === undefined) return undefined;
    await signalConversation(app, conversation, signal(result));
    return result;
  });
}

/** signalWithStart on the conversation's workflow; an unreachable Temporal is Unavailable (503). */
export async function signalConversation(
  app: FastifyInstance,
  conversation: { id: string; workspaceId: string },
  { signal, args }: Signal,
): Promise<void> {
  const input: ConversationWorkflowInput = { conversationId: conversation.id, workspaceId: conversation.workspaceId };
  try {
    await app.temporal.workflow.signalWithStart<typeof conversationWorkflow, [unknown]>('conversationWorkflow', {
      workflowId: conversationWorkflowId(conversation.id),
      taskQueue: app.taskQueue,
      args: [input],
      signal: signal as SignalDefinition<[unknown]>,
      signalArgs: args,
      typedSearchAttributes: [{ key: SearchAttributes.workspace, value: conversation.workspaceId }],
      staticSummary: `Conversation ${conversation.id}`,
    });
  } catch (err) {
    if (temporalOutage(err))
      throw new Unavailable('The scheduler (Temporal) is unreachable; nothing was stored. Try again shortly.', err);
    throw err;
  }
}

/**
 * Runs an Update on the conversation's workflow, starting it first when it is not running (a
 * closed conversation's workflow has ended; a like on it still goes through the workflow).
 */
export function updateConversationWithStart<Ret, Args extends unknown[]>(
  app: FastifyInstance,
  conversation: { id: string; workspaceId: string },
  update: UpdateDefinition<Ret, Args>,
  args: Args,
): Promise<Ret> {
  const input: ConversationWorkflowInput = { conversationId: conversation.id, workspaceId: conversation.workspaceId };
  return app.temporal.workflow.executeUpdateWithStart(update, {
    args,
    startWorkflowOperation: new WithStartWorkflowOperation<typeof conversationWorkflow>('conversationWorkflow', {
      workflowId: conversationWorkflowId(conversation.id),
      taskQueue: app.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: [{ key: SearchAttributes.workspace, value: conversation.workspaceId }],
      staticSummary: `Conversation ${conversation.id}`,
    }),
  });
}

/** The workflow of a conversation for an Update (a decision); none running is a 409. */
export function conversationHandle(app: FastifyInstance, conversationId: string) {
  return app.temporal.workflow.getHandle(conversationWorkflowId(conversationId));
}
