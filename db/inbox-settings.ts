// The inbox's workspace settings: the reply approval policy, SLA targets, assignment rules, members
// away; and the SLA figures.
import { sql, type Transaction } from 'kysely';
import type { Database, Db } from './database';
import { appendAudit } from './audit';
import { approvableSteps, listContentRules, ruleMatches, type PolicyStep } from './approvals';
import type { ApprovalStep } from '../contracts/approval';
import type { Role } from '../contracts/domain';
import type { AssignmentConditions, AssignmentPool, Priority } from '../contracts/inbox';

/**
 * The reply approval policy as stored: its steps name approvers by role or user, as posts'
 * policies do, and are resolved among the members of the day for each reply.
 */
export type StoredReplyApproval =
  | { mode: 'none' }
  | { mode: 'all'; steps: PolicyStep[] }
  | { mode: 'roles'; roles: Role[]; steps: PolicyStep[] }
  | { mode: 'rules'; steps: PolicyStep[] };

const NO_APPROVAL: StoredReplyApproval = { mode: 'none' };

export async function findReplyApproval(db: Db, workspaceId: string) {
  const row = await db
    .selectFrom('inbox_settings')
    .select(['reply_approval', 'updated_at'])
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return {
    // Stored by saveReplyApproval only, as StoredReplyApproval (the column's type names resolved steps).
    replyApproval: (row?.reply_approval as unknown as StoredReplyApproval | undefined) ?? NO_APPROVAL,
    updatedAt: row ? (row.updated_at as unknown as Date).toISOString() : null,
  };
}

export async function saveReplyApproval(
  db: Db,
  input: { workspaceId: string; actorId: string; replyApproval: StoredReplyApproval },
) {
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('inbox_settings')
      .select('reply_approval')
      .where('workspace_id', '=', input.workspaceId)
      .forUpdate()
      .executeTakeFirst();
    const json = JSON.stringify(input.replyApproval);
    await trx
      .insertInto('inbox_settings')
      .values({ workspace_id: input.workspaceId, reply_approval: json })
      .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ reply_approval: json, updated_at: sql<Date>`now()` }))
      .execute();
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: 'inbox_settings.updated',
      subjectType: 'inbox_settings',
      subjectId: input.workspaceId,
      before: { replyApproval: before?.reply_approval ?? NO_APPROVAL },
      after: { replyApproval: input.replyApproval },
    });
  });
}

/**
 * The approval chain a reply must pass before it is sent, approvers resolved among today's members
 * other than its author; null when the policy lets it go out at once. Refused (422 on `text`) when
 * no one but the author could approve it.
 */
export async function replyApprovalSteps(
  db: Db,
  workspaceId: string,
  reply: { authorId: string; authorRole: Role; text: string; channelId: string | null },
): Promise<ApprovalStep[] | null> {
  const { replyApproval: policy } = await findReplyApproval(db, workspaceId);
  let steps: PolicyStep[] = [];
  if (policy.mode === 'all') steps = policy.steps;
  else if (policy.mode === 'roles' && policy.roles.includes(reply.authorRole)) steps = policy.steps;
  else if (policy.mode === 'rules') {
    const matched = (await listContentRules(db, workspaceId)).filter((rule) =>
      ruleMatches(rule.match, { channelIds: reply.channelId ? [reply.channelId] : [], texts: [reply.text] }),
    );
    if (matched.length > 0)
      steps = [...policy.steps, ...matched.map((rule) => ({ ...rule.step, source: `rule:${rule.name}` }))];
  }
  if (steps.length === 0) return null;
  return approvableSteps(
    db,
    workspaceId,
    { steps, distinctApprovers: false },
    { userId: reply.authorId, besides: 'you' },
    'text',
  );
}

// ---- SLA targets ----

export interface SlaTarget {
  priority: Priority;
  firstResponseMinutes: number;
  resolutionMinutes: number;
  remindBeforeMinutes: number;
}

export async function listSlaTargets(db: Db, workspaceId: string): Promise<SlaTarget[]> {
  const rows = await db
    .selectFrom('inbox_sla_targets')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy(sql`array_position(array['urgent','high','normal','low'], priority)`)
    .execute();
  return rows.map((r) => ({
    priority: r.priority,
    firstResponseMinutes: r.first_response_minutes,
    resolutionMinutes: r.resolution_minutes,
    remindBeforeMinutes: r.remind_before_minutes,
  }));
}

/** Replaces the workspace's targets (a priority left out has none); returns the conversations to tell. */
export async function saveSlaTargets(
  db: Db,
  input: { workspaceId: string; actorId: string; targets: SlaTarget[] },
): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('inbox_sla_targets')
      .selectAll()
      .where('workspace_id', '=', input.workspaceId)
      .forUpdate()
      .execute();
    await trx.deleteFrom('inbox_sla_targets').where('workspace_id', '=', input.workspaceId).execute();
    if (input.targets.length > 0)
      await trx
        .insertInto('inbox_sla_targets')
        .values(
          input.targets.map((t) => ({
            workspace_id: input.workspaceId,
            priority: t.priority,
            first_response_minutes: t.firstResponseMinutes,
            resolution_minutes: t.resolutionMinutes,
            remind_before_minutes: t.remindBeforeMinutes,
          })),
        )
        .execute();
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: 'inbox_settings.sla_targets_set',
      subjectType: 'inbox_settings',
      subjectId: input.workspaceId,
      before: before.map((t) => ({
        priority: t.priority,
        firstResponseMinutes: t.first_response_minutes,
        resolutionMinutes: t.resolution_minutes,
        remindBeforeMinutes: t.remind_before_minutes,
      })),
      after: input.targets,
    });
    return openConversationIds(trx, input.workspaceId);
  });
}

/** The workspace's conversations not closed: their workflows reset their timers when targets change. */
async function openConversationIds(trx: Transaction<Database>, workspaceId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('inbox_conversations')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('status', '!=', 'closed')
    .execute();
  return rows.map((r) => r.id);
}

// ---- SLA figures ----

export interface SlaFigures {
  conversations: number;
  responded: number;
  medianFirstResponseSeconds: number | null;
  p90FirstResponseSeconds: number | null;
  firstResponseBreaches: number;
  resolutionBreaches: number;
  resolved: number;
}

/**
 * Response-time figures of the conversations that started in [from, to): for the workspace, per
 * assignee and per channel. First response time: from the start of the conversation's SLA cycle (its
 * first inbound message, or its last reopening) to the team's first reply; percentiles over the
 * conversations answered.
 */
export async function slaReport(db: Db, workspaceId: string, from: Date, to: Date) {
  const figures = sql<string>`
    count(*)::int as conversations,
    count(first_response_at)::int as responded,
    percentile_cont(0.5) within group (order by extract(epoch from first_response_at - coalesce(sla_started_at, first_inbound_at)))
      filter (where first_response_at is not null) as median,
    percentile_cont(0.9) within group (order by extract(epoch from first_response_at - coalesce(sla_started_at, first_inbound_at)))
      filter (where first_response_at is not null) as p90,
    count(first_response_breached_at)::int as first_response_breaches,
    count(resolution_breached_at)::int as resolution_breaches,
    count(closed_at)::int as resolved`;
  const where = sql`workspace_id = ${workspaceId} and first_inbound_at >= ${from} and first_inbound_at < ${to}`;
  type Row = {
    key: string | null;
    conversations: number;
    responded: number;
    median: number | null;
    p90: number | null;
    first_response_breaches: number;
    resolution_breaches: number;
    resolved: number;
  };
  const toFigures = (r: Row): SlaFigures => ({
    conversations: r.conversations,
    responded: r.responded,
    medianFirstResponseSeconds: r.median === null ? null : Math.round(Number(r.median)),
    p90FirstResponseSeconds: r.p90 === null ? null : Math.round(Number(r.p90)),
    firstResponseBreaches: r.first_response_breaches,
    resolutionBreaches: r.resolution_breaches,
    resolved: r.resolved,
  });
  const [total, byMember, byChannel] = await Promise.all([
    sql<Row>`select null as key, ${figures} from inbox_conversations where ${where}`.execute(db),
    sql<Row>`select assignee_id::text as key, ${figures} from inbox_conversations where ${where}
      group by assignee_id order by assignee_id nulls last`.execute(db),
    sql<Row>`select c.channel_id::text as key, ${figures} from inbox_conversations c where ${where}
      group by c.channel_id order by c.channel_id nulls last`.execute(db),
  ]);
  const channelIds = byChannel.rows.flatMap((r) => (r.key ? [r.key] : []));
  const memberIds = byMember.rows.flatMap((r) => (r.key ? [r.key] : []));
  const [channels, members] = await Promise.all([
    channelIds.length
      ? db.selectFrom('channels').select(['id', 'name']).where('id', 'in', channelIds).execute()
      : Promise.resolve([]),
    memberIds.length
      ? db
          .selectFrom('memberships')
          .select(['user_id', 'name'])
          .where('workspace_id', '=', workspaceId)
          .where('user_id', 'in', memberIds)
          .execute()
      : Promise.resolve([]),
  ]);
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  const memberName = new Map(members.map((m) => [m.user_id, m.name]));
  return {
    total: toFigures(total.rows[0]!),
    members: byMember.rows.map((r) => ({
      userId: r.key,
      name: r.key ? (memberName.get(r.key) ?? null) : null,
      ...toFigures(r),
    })),
    channels: byChannel.rows.map((r) => ({
      channelId: r.key,
      name: r.key ? (channelName.get(r.key) ?? null) : null,
      ...toFigures(r),
    })),
  };
}

// ---- Assignment rules ----

export interface AssignmentRuleView {
  id: string;
  name: string;
  position: number;
  enabled: boolean;
  conditions: AssignmentConditions;
  assignees: AssignmentPool;
  lastAssignedId: string | null;
  createdAt: string;
}

type RuleRow = Awaited<ReturnType<typeof ruleRows>>[number];
const ruleRows = (db: Db | Transaction<Database>, workspaceId: string) =>
  db
    .selectFrom('inbox_assignment_rules')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('position')
    .execute();

const toRuleView = (r: RuleRow): AssignmentRuleView => ({
  id: r.id,
  name: r.name,
  position: r.position,
  enabled: r.enabled,
  conditions: r.conditions,
  assignees: r.assignees,
  lastAssignedId: r.last_assigned_id,
  createdAt: r.created_at.toISOString(),
});

export async function listAssignmentRules(db: Db, workspaceId: string): Promise<AssignmentRuleView[]> {
  return (await ruleRows(db, workspaceId)).map(toRuleView);
}

export interface AssignmentRuleInput {
  name: string;
  enabled: boolean;
  conditions: AssignmentConditions;
  assignees: AssignmentPool;
  /** From 1; omitted: last. */
  position?: number;
}

/** Renumbers the workspace's rules 1..n in their order, `moved` (when given) at `position` (clamped). */
async function placeRule(trx: Transaction<Database>, workspaceId: string, moved?: string, position?: number) {
  const rows = await trx
    .selectFrom('inbox_assignment_rules')
    .select(['id'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('position')
    .orderBy('created_at')
    .execute();
  const others = rows.map((r) => r.id).filter((id) => id !== moved);
  if (moved !== undefined) {
    const at = Math.min(Math.max((position ?? others.length + 1) - 1, 0), others.length);
    others.splice(at, 0, moved);
  }
  for (const [i, id] of others.entries())
    await trx
      .updateTable('inbox_assignment_rules')
      .set({ position: i + 1 })
      .where('id', '=', id)
      .execute();
}

export async function createAssignmentRule(
  db: Db,
  input: { workspaceId: string; actorId: string; rule: AssignmentRuleInput },
): Promise<AssignmentRuleView> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('inbox_assignment_rules')
      .values({
        workspace_id: input.workspaceId,
        name: input.rule.name,
        position: 1_000_000,
        enabled: input.rule.enabled,
        conditions: JSON.stringify(input.rule.conditions),
        assignees: JSON.stringify(input.rule.assignees),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await placeRule(trx, input.workspaceId, row.id, input.rule.position);
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: 'assignment_rule.created',
      subjectType: 'assignment_rule',
      subjectId: row.id,
      after: input.rule,
    });
    return toRuleView((await ruleRows(trx, input.workspaceId)).find((r) => r.id === row.id)!);
  });
}

export async function updateAssignmentRule(
  db: Db,
  input: { workspaceId: string; actorId: string; ruleId: string; rule: AssignmentRuleInput },
): Promise<AssignmentRuleView | undefined> {
  return db.transaction().execute(async (trx) => {
    const before = (await ruleRows(trx, input.workspaceId)).find((r) => r.id === input.ruleId);
    if (!before) return undefined;
    await trx
      .updateTable('inbox_assignment_rules')
      .set({
        name: input.rule.name,
        enabled: input.rule.enabled,
        conditions: JSON.stringify(input.rule.conditions),
        assignees: JSON.stringify(input.rule.assignees),
      })
      .where('id', '=', input.ruleId)
      .execute();
    await placeRule(trx, input.workspaceId, input.ruleId, input.rule.position ?? before.position);
    const after = toRuleView((await ruleRows(trx, input.workspaceId)).find((r) => r.id === input.ruleId)!);
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: 'assignment_rule.updated',
      subjectType: 'assignment_rule',
      subjectId: input.ruleId,
      before: toRuleView(before),
      after,
    });
    return after;
  });
}

export async function deleteAssignmentRule(
  db: Db,
  input: { workspaceId: string; actorId: string; ruleId: string },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const deleted = await trx
      .deleteFrom('inbox_assignment_rules')
      .where('workspace_id', '=', input.workspaceId)
      .where('id', '=', input.ruleId)
      .returningAll()
      .executeTakeFirst();
    if (!deleted) return false;
    await placeRule(trx, input.workspaceId);
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: 'assignment_rule.deleted',
      subjectType: 'assignment_rule',
      subjectId: input.ruleId,
      before: toRuleView(deleted),
    });
    return true;
  });
}

// ---- Away ----

/** Marks a member away (skipped by round-robin) or back; false when they are not a member. */
export async function setAway(
  db: Db,
  input: { workspaceId: string; actorId: string; userId: string; away: boolean },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('memberships')
      .set({ away: input.away })
      .where('workspace_id', '=', input.workspaceId)
      .where('user_id', '=', input.userId)
      .returning('user_id')
      .executeTakeFirst();
    if (!row) return false;
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: 'member.away_set',
      subjectType: 'member',
      subjectId: input.userId,
      after: { away: input.away },
    });
    return true;
  });
}

/** The workspace's members who are away. */
export async function listAway(db: Db, workspaceId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('memberships')
    .select('user_id')
    .where('workspace_id', '=', workspaceId)
    .where('away', '=', true)
    .execute();
  return rows.map((r) => r.user_id);
}
