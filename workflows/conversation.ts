import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  conversationChangedSignal,
  conversationStateQuery,
  decideReplyUpdate,
  likeMessageUpdate,
  replyRequestedSignal,
  type ConversationWorkflowInput,
} from '../contracts/inbox';
import { ConversationFlow } from './conversation/state';

/**
 * The life of one conversation (`conversation/<id>`): its assignment (on first sight, by the
 * workspace's rules), its SLA as durable timers (a reminder before each deadline, an escalation at
 * its breach, each once), and the replies written to it: approved when the workspace's policy asks,
 * then sent through the channel exactly once. A change in the database (new message, status,
 * priority, assignee) is signalled: the workflow reloads the conversation and resets its timers.
 * It ends when the conversation is closed and no reply is in flight; a new inbound message starts
 * it again (signalWithStart).
 *
 * The state and what each message does to it live in ConversationFlow; this function wires the
 * messages to it and runs the main loop.
 */
export async function conversationWorkflow(input: ConversationWorkflowInput): Promise<void> {
  const flow = new ConversationFlow(input);

  setHandler(conversationStateQuery, () => flow.snapshot());
  setHandler(conversationChangedSignal, () => flow.changed());
  setHandler(replyRequestedSignal, ({ replyId }) => flow.requestReply(replyId));
  setHandler(decideReplyUpdate, (request) => flow.decide(request), {
    validator: (request) => flow.validateDecision(request),
  });
  setHandler(likeMessageUpdate, ({ messageId }) => flow.like(messageId));

  // Gone (its channel was removed, say): nothing to keep time for.
  if (!(await flow.reload())) return;
  await flow.assignIfNeeded();

  for (;;) {
    if (flow.reloadRequested) {
      if (!(await flow.reload())) break;
      continue;
    }
    flow.startReplies();
    await flow.fireDueSla();
    if (flow.reloadRequested) continue;
    if (flow.closed() && flow.idle()) break;
    if (workflowInfo().continueAsNewSuggested && flow.idle()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof conversationWorkflow>({ ...input, carried: flow.carried() });
    }
    await flow.sleep(flow.untilNextSla());
  }
  await condition(allHandlersFinished);
}
