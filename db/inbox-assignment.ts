import { sql } from 'kysely';
import type { Transaction } from 'kysely';
import type { Database, Db } from './database';
import type { AssignmentConditions, AssignmentPool } from '../contracts/inbox';
import { recordConversationNotification } from './inbox-notifications';

/** What a rule's conditions are matched against: the conversation and its first inbound message. */
export interface AssignmentFacts {
  channelId: string | null;
  text: string;
  sentiment: string | null;
  lead: boolean;
}

/** Every condition given holds (keywords: any of them, as a whole word, in any case). */
export function conditionsMatch(conditions: AssignmentConditions, facts: AssignmentFacts): boolean {
  if (conditions.channelIds?.length && (!facts.channelId || !conditions.channelIds.includes(facts.channelId)))
    return false;
  if (conditions.sentiment !== undefined && conditions.sentiment !== facts.sentiment) return false;
  if (conditions.lead !== undefined && conditions.lead !== facts.lead) return false;
  if (conditions.keywords?.length) {
    const text = facts.text.toLowerCase();
    const wholeWord = (word: string) =>
      new RegExp(
        `(^|[^\\p{L}\\p{N}_])${word.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}\\p{N}_])`,
        'u',
      );
    if (!conditions.keywords.some((k) => k.trim() && wholeWord(k.trim()).test(text))) return false;
  }
  return true;
}

/**
 * The member after `last` in the pool's order who is not away, going round; the pool's order is
 * its list's for `userIds`, by user id for a role. Undefined when everyone is away (or gone).
 */
export function nextInTurn(pool: { userId: string; away: boolean }[], last: string | null): string | undefined {
  const from = last === null ? -1 : pool.findIndex((m) => m.userId === last);
  for (let i = 1; i <= pool.length; i++) {
    const member = pool[(from + i + pool.length) % pool.length]!;
    if (!member.away) return member.userId;
  }
  return undefined;
}

async function poolMembers(trx: Transaction<Database>, workspaceId: string, pool: AssignmentPool) {
  let query = trx
    .selectFrom('memberships')
    .select(['user_id as userId', 'away'])
    .where('workspace_id', '=', workspaceId);
  if ('role' in pool) return query.where('role', '=', pool.role).orderBy('user_id').execute();
  if (pool.userIds.length === 0) return [];
  query = query.where('user_id', 'in', pool.userIds);
  const members = await query.execute();
  return pool.userIds.flatMap((id) => members.filter((m) => m.userId === id));
}

export interface Assignment {
  /** Who owns the conversation now (null: nobody; no rule matched, or its pool was all away). */
  assigneeId: string | null;
  ruleId?: string;
  /** The notification telling the assignee, when a rule assigned it (now or in an earlier attempt). */
  notificationId?: string;
}

const assignedKey = (conversationId: string, userId: string) => `conversation:${conversationId}:assigned:${userId}`;

/**
 * Assigns an unassigned conversation by the workspace's rules: the first enabled rule by position
 * whose conditions match takes the next member of its pool in turn who is not away. The rule's row
 * is locked while its turn moves on, so two conversations never get the same turn; the assignment,
 * the turn and the assignee's notification commit together. An assigned conversation is left as
 * it is (its notification, if a rule's, is returned again for delivery).
 */
export async function assignByRules(db: Db, conversationId: string): Promise<Assignment> {
  return db.transaction().execute(async (trx) => {
    const conversation = await trx
      .selectFrom('inbox_conversations')
      .selectAll()
      .where('id', '=', conversationId)
      .forUpdate()
      .executeTakeFirst();
    if (!conversation) return { assigneeId: null };
    if (conversation.assignee_id) {
      const earlier = await trx
        .selectFrom('notifications')
        .select('id')
        .where('key', '=', assignedKey(conversationId, conversation.assignee_id))
        .executeTakeFirst();
      return { assigneeId: conversation.assignee_id, ...(earlier ? { notificationId: earlier.id } : {}) };
    }
    const first = await trx
      .selectFrom('inbox_messages')
      .select('text')
      .where('conversation_id', '=', conversationId)
      .where('direction', '=', 'in')
      .orderBy('sent_at')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    const facts: AssignmentFacts = {
      channelId: conversation.channel_id,
      text: first?.text ?? '',
      sentiment: conversation.sentiment_label,
      lead: conversation.lead,
    };
    const rules = await trx
      .selectFrom('inbox_assignment_rules')
      .select(['id', 'conditions'])
      .where('workspace_id', '=', conversation.workspace_id)
      .where('enabled', '=', true)
      .orderBy('position')
      .orderBy('created_at')
      .execute();
    const match = rules.find((r) => conditionsMatch(r.conditions, facts));
    if (!match) return { assigneeId: null };
    const rule = await trx
      .selectFrom('inbox_assignment_rules')
      .select(['id', 'name', 'assignees', 'last_assigned_id'])
      .where('id', '=', match.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const assigneeId = nextInTurn(
      await poolMembers(trx, conversation.workspace_id, rule.assignees),
      rule.last_assigned_id,
    );
    if (!assigneeId) return { assigneeId: null, ruleId: rule.id };
    await trx
      .updateTable('inbox_assignment_rules')
      .set({ last_assigned_id: assigneeId })
      .where('id', '=', rule.id)
      .execute();
    await trx
      .updateTable('inbox_conversations')
      .set({ assignee_id: assigneeId, updated_at: sql`now()` })
      .where('id', '=', conversationId)
      .execute();
    const notificationId = await recordConversationNotification(trx, {
      workspaceId: conversation.workspace_id,
      key: assignedKey(conversationId, assigneeId),
      kind: 'conversation.assigned',
      conversationId,
      recipientIds: [assigneeId],
      payload: {
        type: 'conversation.assigned',
        timestamp: new Date().toISOString(),
        data: { conversationId, assigneeId, rule: rule.name, text: facts.text.slice(0, 280) },
      },
    });
    return { assigneeId, ruleId: rule.id, notificationId };
  });
}
