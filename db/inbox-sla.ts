import { sql } from 'kysely';
import type { Db } from './database';
import type { ConversationStatus, Priority } from '../contracts/inbox';
import { recordConversationNotification, workspaceManagers } from './inbox-notifications';

/** A conversation as its workflow sees it: status, owner and SLA deadlines (ISO times: workflow state is JSON). */
export interface ConversationSnapshot {
  conversationId: string;
  workspaceId: string;
  status: ConversationStatus;
  priority: Priority;
  assigneeId: string | null;
  firstResponseAt: string | null;
  firstResponseDueAt: string | null;
  resolutionDueAt: string | null;
  /** How long before each deadline the assignee is reminded (ms); null: no reminder. */
  remindBeforeMs: number | null;
  /**
   * Whether the workspace has an enabled assignment rule (false: none would assign it, so its
   * workflow does not ask). Absent from snapshots loaded before it existed.
   */
  assignmentRules?: boolean;
}

export type SlaClock = 'first_response' | 'resolution';
export type SlaEvent = 'reminder' | 'breach';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Loads a conversation for its workflow and sets its SLA deadlines from the workspace's targets for
 * its priority, counted from the start of its current cycle (`sla_started_at`): its first inbound
 * message, or the moment it was reopened. A reopen (told by `reopened`, or seen as a close later
 * than the cycle's start) starts a new cycle: the clock restarts and the first response is owed
 * again. A priority change moves the deadlines without restarting the clock. Closed: left as it is.
 * `minuteMs`: how long an SLA minute lasts (60 000; tests shorten it). Undefined when the
 * conversation no longer exists.
 */
export async function armConversationSla(
  db: Db,
  { conversationId, minuteMs, reopened = false }: { conversationId: string; minuteMs: number; reopened?: boolean },
): Promise<ConversationSnapshot | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('inbox_conversations')
      .selectAll()
      .where('id', '=', conversationId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return undefined;
    const target = await trx
      .selectFrom('inbox_sla_targets')
      .selectAll()
      .where('workspace_id', '=', row.workspace_id)
      .where('priority', '=', row.priority)
      .executeTakeFirst();
    const rule = await trx
      .selectFrom('inbox_assignment_rules')
      .select('id')
      .where('workspace_id', '=', row.workspace_id)
      .where('enabled', '=', true)
      .limit(1)
      .executeTakeFirst();
    const snapshot = (r: typeof row): ConversationSnapshot => ({
      conversationId: r.id,
      workspaceId: r.workspace_id,
      status: r.status,
      priority: r.priority,
      assigneeId: r.assignee_id,
      firstResponseAt: iso(r.first_response_at),
      firstResponseDueAt: iso(r.first_response_due_at),
      resolutionDueAt: iso(r.resolution_due_at),
      remindBeforeMs: target && target.remind_before_minutes > 0 ? target.remind_before_minutes * minuteMs : null,
      assignmentRules: rule !== undefined,
    });
    if (row.status === 'closed') return snapshot(row);

    const newCycle =
      row.sla_started_at !== null &&
      (reopened || (row.closed_at !== null && row.closed_at.getTime() >= row.sla_started_at.getTime()));
    const startedAt = row.sla_started_at === null ? row.first_inbound_at : newCycle ? new Date() : row.sla_started_at;
    const firstResponseAt = newCycle ? null : row.first_response_at;
    const at = (minutes: number) => new Date(startedAt.getTime() + minutes * minuteMs);
    const updated = await trx
      .updateTable('inbox_conversations')
      .set({
        sla_started_at: startedAt,
        first_response_at: firstResponseAt,
        first_response_due_at: target ? at(target.first_response_minutes) : null,
        resolution_due_at: target ? at(target.resolution_minutes) : null,
      })
      .where('id', '=', conversationId)
      .returningAll()
      .executeTakeFirstOrThrow();
    return snapshot(updated);
  });
}

/**
 * Records an SLA reminder or breach of a conversation once: the notification (keyed by clock, event
 * and deadline, so a new cycle's deadline notifies again) and, at a breach, `*_breached_at` (set
 * once; a later cycle's breach keeps the first). Nothing when it no longer applies: the
 * conversation was closed, answered (first response) or its deadline moved since the workflow
 * planned it. Returns the notification's id to deliver.
 */
export async function recordSlaEvent(
  db: Db,
  { conversationId, clock, event, dueAt }: { conversationId: string; clock: SlaClock; event: SlaEvent; dueAt: string },
): Promise<string | undefined> {
  const key = `conversation:${conversationId}:sla.${clock}.${event}:${new Date(dueAt).toISOString()}`;
  return db.transaction().execute(async (trx) => {
    const done = await trx.selectFrom('notifications').select('id').where('key', '=', key).executeTakeFirst();
    if (done) return done.id;
    const row = await trx
      .selectFrom('inbox_conversations')
      .selectAll()
      .where('id', '=', conversationId)
      .forUpdate()
      .executeTakeFirst();
    if (!row || row.status === 'closed') return undefined;
    const due = clock === 'first_response' ? row.first_response_due_at : row.resolution_due_at;
    if (!due || due.getTime() !== Date.parse(dueAt)) return undefined;
    if (clock === 'first_response' && row.first_response_at) return undefined;

    const managers = await workspaceManagers(trx, row.workspace_id);
    // A reminder goes to the assignee (to the managers while nobody owns it); a breach to both.
    const recipientIds =
      event === 'reminder'
        ? row.assignee_id
          ? [row.assignee_id]
          : managers
        : [...new Set([...(row.assignee_id ? [row.assignee_id] : []), ...managers])];
    if (event === 'breach') {
      const column = clock === 'first_response' ? 'first_response_breached_at' : 'resolution_breached_at';
      await trx
        .updateTable('inbox_conversations')
        .set({ [column]: sql`coalesce(${sql.ref(column)}, now())` })
        .where('id', '=', conversationId)
        .execute();
    }
    return recordConversationNotification(trx, {
      workspaceId: row.workspace_id,
      key,
      kind: `sla.${clock}.${event === 'reminder' ? 'reminder' : 'breached'}`,
      conversationId,
      recipientIds,
      payload: {
        type: `sla.${clock}.${event === 'reminder' ? 'reminder' : 'breached'}`,
        timestamp: new Date().toISOString(),
        data: {
          conversationId,
          priority: row.priority,
          assigneeId: row.assignee_id,
          deadline: due.toISOString(),
          recipientIds,
        },
      },
    });
  });
}
