import type { Db, Role } from './database';
import { appendAudit } from './audit';

export interface MemberView {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  joinedAt: string;
}

export class LastOwnerError extends Error {
  override name = 'LastOwnerError';
}

export async function listMembers(db: Db, workspaceId: string): Promise<MemberView[]> {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'u.name', 'm.role', 'm.created_at'])
    .where('m.workspace_id', '=', workspaceId)
    .orderBy('m.created_at')
    .execute();
  return rows.map((r) => ({ userId: r.id, email: r.email, name: r.name, role: r.role, joinedAt: r.created_at.toISOString() }));
}

/** Adds a user (created if the email is new) with a role; undefined when already a member. */
export async function addMember(db: Db, input: { workspaceId: string; email: string; name?: string; role: Role; actorId: string }): Promise<MemberView | undefined> {
  return db.transaction().execute(async (trx) => {
    const email = input.email.trim().toLowerCase();
    const user = await trx
      .insertInto('users')
      .values({ email, name: input.name ?? null })
      .onConflict((oc) => oc.column('email').doUpdateSet({ email }))
      .returning(['id', 'name'])
      .executeTakeFirstOrThrow();
    const inserted = await trx
      .insertInto('memberships')
      .values({ workspace_id: input.workspaceId, user_id: user.id, role: input.role })
      .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doNothing())
      .returning('created_at')
      .executeTakeFirst();
    if (!inserted) return undefined;
    await appendAudit(trx, { workspaceId: input.workspaceId, actorId: input.actorId, action: 'member.added', subjectType: 'member', subjectId: user.id, after: { email, role: input.role } });
    return { userId: user.id, email, name: user.name, role: input.role, joinedAt: inserted.created_at.toISOString() };
  });
}

/**
 * Changes a member's role, or removes the member (role `null`). A workspace always keeps an owner:
 * the change that would leave none throws LastOwnerError. Returns false when the user is not a member.
 */
export async function changeMembership(db: Db, input: { workspaceId: string; userId: string; role: Role | null; actorId: string }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    // Lock the workspace's memberships so two demotions cannot each see "another owner remains".
    const members = await trx.selectFrom('memberships').select(['user_id', 'role']).where('workspace_id', '=', input.workspaceId).forUpdate().execute();
    const current = members.find((m) => m.user_id === input.userId);
    if (!current) return false;
    const owners = members.filter((m) => m.role === 'owner').length;
    if (current.role === 'owner' && input.role !== 'owner' && owners === 1) throw new LastOwnerError('A workspace must keep at least one owner');
    if (input.role === null) {
      await trx.deleteFrom('memberships').where('workspace_id', '=', input.workspaceId).where('user_id', '=', input.userId).execute();
      await trx.updateTable('api_tokens').set({ revoked_at: new Date() }).where('workspace_id', '=', input.workspaceId).where('user_id', '=', input.userId).where('revoked_at', 'is', null).execute();
    } else {
      await trx.updateTable('memberships').set({ role: input.role }).where('workspace_id', '=', input.workspaceId).where('user_id', '=', input.userId).execute();
    }
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: input.role === null ? 'member.removed' : 'member.role_changed',
      subjectType: 'member',
      subjectId: input.userId,
      before: { role: current.role },
      after: input.role === null ? null : { role: input.role },
    });
    return true;
  });
}
