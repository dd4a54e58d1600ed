import { sql, type Transaction } from 'kysely';
import type { Database, Db } from './database';

/** A conversation whose workflow is to be signalled, as the relay reads it. */
export interface QueuedConversationSignal {
  conversationId: string;
  workspaceId: string;
  /** Moves on each time the conversation is queued again: the row is cleared only at this value. */
  seq: string;
}

/**
 * Queues, in the caller's transaction (the one that stored the conversations' new messages), a
 * signal for each of `conversationIds` whose workflow has something to do with a new message:
 * - the workspace has an SLA target for the conversation's priority (its deadlines and timers);
 * - the workspace has an enabled assignment rule and the conversation, open, is unassigned (a
 *   workflow started by the signal tries the rules, once per run);
 * - a reply of the conversation is waiting on approval or being sent (its workflow is running and
 *   must see a reopen as a new cycle).
 * Any other conversation has no workflow work to do: none is started for it (it shows in the
 * inbox all the same); the API starts its workflow when a member replies, likes, or changes it, and
 * new SLA targets signal every open conversation. A conversation already queued is queued again
 * (`seq` moves on), so a relay that is signalling the earlier change keeps the row. Rows are taken
 * in conversation order, as the relay clears them, so the two never deadlock. Returns how many
 * were queued.
 */
export async function queueConversationSignals(
  trx: Transaction<Database>,
  { workspaceId, taskQueue, conversationIds }: { workspaceId: string; taskQueue: string; conversationIds: string[] },
): Promise<number> {
  if (conversationIds.length === 0) return 0;
  const queued = await sql<{ conversation_id: string }>`
    insert into inbox_conversation_signals (conversation_id, workspace_id, task_queue)
    select c.id, c.workspace_id, ${taskQueue}
    from inbox_conversations c
    where c.workspace_id = ${workspaceId}
      and c.id in (${sql.join(conversationIds.map((id) => sql`${id}::bigint`))})
      and (
        exists (select 1 from inbox_sla_targets t where t.workspace_id = c.workspace_id and t.priority = c.priority)
        or (c.status <> 'closed' and c.assignee_id is null and exists (
          select 1 from inbox_assignment_rules r where r.workspace_id = c.workspace_id and r.enabled))
        or exists (
          select 1 from inbox_replies r where r.conversation_id = c.id and r.status in ('awaiting_approval', 'sending'))
      )
    order by c.id
    on conflict (conversation_id) do update set
      seq = nextval('inbox_conversation_signals_seq'),
      task_queue = excluded.task_queue,
      queued_at = now()
    returning conversation_id`.execute(trx);
  return queued.rows.length;
}

/** The oldest `limit` signals queued by this task queue's deployment. */
export async function pendingConversationSignals(
  db: Db,
  taskQueue: string,
  limit: number,
): Promise<QueuedConversationSignal[]> {
  return db
    .selectFrom('inbox_conversation_signals')
    .select(['conversation_id as conversationId', 'workspace_id as workspaceId', 'seq'])
    .where('task_queue', '=', taskQueue)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

/**
 * Clears signals that were sent; one queued again since it was read (its `seq` moved on) stays for
 * the next round. Rows are locked in conversation order, as a page queues them.
 */
export async function clearConversationSignals(db: Db, sent: QueuedConversationSignal[]): Promise<void> {
  if (sent.length === 0) return;
  const pairs = sql.join(sent.map((s) => sql`(${s.conversationId}::bigint, ${s.seq}::bigint)`));
  await sql`
    delete from inbox_conversation_signals s
    using (
      select q.conversation_id from inbox_conversation_signals q
      where (q.conversation_id, q.seq) in (${pairs})
      order by q.conversation_id
      for update
    ) l
    where s.conversation_id = l.conversation_id`.execute(db);
}
