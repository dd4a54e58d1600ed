import type { Db, Role } from './database';
import { appendAudit } from './audit';
import type { ApprovalMode, ApprovalStep } from '../workflows/messages';

/** A policy step as configured: approvers named by user and/or role, resolved per post. */
export interface PolicyStep {
  name: string;
  mode: ApprovalMode;
  quorum?: number;
  approvers: { userIds?: string[]; roles?: Role[] };
}

export interface PolicyView {
  id: string;
  channelId: string | null;
  steps: PolicyStep[];
  updatedBy: string;
  updatedAt: string;
}

/** Resolves each step's approvers to user ids among the workspace's current members. */
export async function resolveSteps(db: Db, workspaceId: string, steps: PolicyStep[], excludeUserId?: string): Promise<ApprovalStep[]> {
  const members = await db.selectFrom('memberships').select(['user_id', 'role']).where('workspace_id', '=', workspaceId).execute();
  return steps.map((step) => {
    const ids = members
      .filter((m) => step.approvers.userIds?.includes(m.user_id) || step.approvers.roles?.includes(m.role))
      .map((m) => m.user_id)
      .filter((id) => id !== excludeUserId);
    return { name: step.name, mode: step.mode, quorum: step.quorum, eligibleUserIds: [...new Set(ids)].sort() };
  });
}

export async function savePolicy(db: Db, input: { workspaceId: string; channelId: string | null; steps: PolicyStep[]; actorId: string }): Promise<PolicyView> {
  return db.transaction().execute(async (trx) => {
    let existingQuery = trx.selectFrom('approval_policies').selectAll().where('workspace_id', '=', input.workspaceId);
    existingQuery = input.channelId ? existingQuery.where('channel_id', '=', input.channelId) : existingQuery.where('channel_id', 'is', null);
    const existing = await existingQuery.forUpdate().executeTakeFirst();
    const values = { steps: JSON.stringify(input.steps), updated_by: input.actorId, updated_at: new Date() };
    const row = existing
      ? await trx.updateTable('approval_policies').set(values).where('id', '=', existing.id).returningAll().executeTakeFirstOrThrow()
      : await trx.insertInto('approval_policies').values({ workspace_id: input.workspaceId, channel_id: input.channelId, ...values }).returningAll().executeTakeFirstOrThrow();
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: existing ? 'policy.updated' : 'policy.created',
      subjectType: 'approval_policy',
      subjectId: row.id,
      before: existing ? { steps: existing.steps } : null,
      after: { channelId: input.channelId, steps: input.steps },
    });
    return toPolicyView(row);
  });
}

function toPolicyView(row: { id: string; channel_id: string | null; steps: unknown; updated_by: string; updated_at: Date }): PolicyView {
  return { id: row.id, channelId: row.channel_id, steps: row.steps as PolicyStep[], updatedBy: row.updated_by, updatedAt: row.updated_at.toISOString() };
}

export async function listPolicies(db: Db, workspaceId: string): Promise<PolicyView[]> {
  return (await db.selectFrom('approval_policies').selectAll().where('workspace_id', '=', workspaceId).orderBy('updated_at').execute()).map(toPolicyView);
}

/**
 * The chain a new post must pass: the policies of its channels (in channel order) when any has
 * one, otherwise the workspace-wide policy; empty when none applies.
 */
export async function policyStepsFor(db: Db, workspaceId: string, channelIds: string[]): Promise<PolicyStep[]> {
  const policies = await listPolicies(db, workspaceId);
  const perChannel = channelIds.flatMap((id) => policies.find((p) => p.channelId === id)?.steps ?? []);
  if (perChannel.length > 0) return perChannel;
  return policies.find((p) => p.channelId === null)?.steps ?? [];
}
