import { condition, setHandler } from '@temporalio/workflow';
import { conversationChangedSignal, replyRequestedSignal, type ConversationWorkflowInput } from '../contracts/inbox';

/**
 * The life of one conversation (`conversation/<id>`): its SLA timers, assignment, and the replies
 * written to it, approved and sent. A placeholder until the inbox's workflow lands: it takes the
 * signals the inbound read and the API send, and ends when told nothing more is pending.
 */
export async function conversationWorkflow(input: ConversationWorkflowInput): Promise<void> {
  void input;
  let changes = 0;
  setHandler(conversationChangedSignal, () => void changes++);
  setHandler(replyRequestedSignal, () => void changes++);
  await condition(() => false);
}
