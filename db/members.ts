import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from './database';
import { USER_KINDS } from '../contracts/domain';
import { appendAudit } from './audit';
import { issueInvitation, revokeInvitationsOfRemovedMember, type IssuedInvitation } from './invitations';
import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt } from './columns';
import { ROLES, type Role } from '../contracts/domain';
// The enum lives in contracts/domain.ts (workflows and clients need it without the database).
export type { Role };

export interface MembershipsTable {
  workspace_id: string;
  user_id: string;
  role: Role;
  /**
   * What this workspace calls the member: given by whoever added them, or set by the member on
   * accepting this workspace's invitation. Per membership: one person, many workspaces, and no
   * workspace reads the name another gave them (users has no name).
   */
  name: ColumnType<string | null, string | null | undefined, string | null>;
  /** Away (holiday, off shift): round-robin assignment in the inbox skips the member. */
  away: Generated<boolean>;
  created_at: CreatedAt;
}

export const memberView = z.object({
  userId: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(ROLES),
  kind: z.enum(USER_KINDS).describe('service: a service account (an integration), not a person'),
  joinedAt: z.string(),
});
export type MemberView = z.infer<typeof memberView>;

export class LastOwnerError extends Error {
  override name = 'LastOwnerError';
}

/** The email given belongs to a service account: it cannot be added as a person. */
export class ServiceAccountEmailError extends Error {
  override name = 'ServiceAccountEmailError';
}

export async function listMembers(db: Db, workspaceId: string): Promise<MemberView[]> {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'm.name', 'u.kind', 'm.role', 'm.created_at'])
    .where('m.workspace_id', '=', workspaceId)
    .orderBy('m.created_at')
    .execute();
  return rows.map((r) => ({
    userId: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    kind: r.kind,
    joinedAt: r.created_at.toISOString(),
  }));
}

export async function findMember(db: Db, workspaceId: string, userId: string): Promise<MemberView | undefined> {
  return (await listMembers(db, workspaceId)).find((m) => m.userId === userId);
}

/**
 * Adds a person (created if the email is new) with a role and the name this workspace gives them,
 * and their invitation: the code they redeem for a token of their own. Undefined when already a
 * member. Nothing of the person's other workspaces (their names there) is read or returned.
 */
export async function addMember(
  db: Db,
  input: { workspaceId: string; email: string; name?: string; role: Role; actorId: string },
): Promise<{ member: MemberView; invitation: IssuedInvitation } | undefined> {
  return db.transaction().execute(async (trx) => {
    const email = input.email.trim().toLowerCase();
    const user = await trx
      .insertInto('users')
      .values({ email })
      .onConflict((oc) => oc.column('email').doUpdateSet({ email }))
      .returning(['id', 'kind'])
      .executeTakeFirstOrThrow();
    if (user.kind !== 'person')
      throw new ServiceAccountEmailError('That address belongs to a service account; add people by their own email');
    const inserted = await trx
      .insertInto('memberships')
      .values({ workspace_id: input.workspaceId, user_id: user.id, role: input.role, name: input.name ?? null })
      .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doNothing())
      .returning('created_at')
      .executeTakeFirst();
    if (!inserted) return undefined;
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: 'member.added',
      subjectType: 'member',
      subjectId: user.id,
      after: { email, role: input.role },
    });
    const invitation = await issueInvitation(trx, {
      workspaceId: input.workspaceId,
      userId: user.id,
      actorId: input.actorId,
    });
    return {
      member: {
        userId: user.id,
        email,
        name: input.name ?? null,
        role: input.role,
        kind: 'person',
        joinedAt: inserted.created_at.toISOString(),
      },
      invitation,
    };
  });
}

/**
 * Creates a service account (a non-human member for an integration) with a role other than owner.
 * Its address is made up and undeliverable (RFC 2606 `.invalid`): users are keyed by email, and no
 * one can add it as a person or invite it.
 */
export async function createServiceAccount(
  db: Db,
  input: { workspaceId: string; name: string; role: Exclude<Role, 'owner'>; actorId: string },
): Promise<MemberView> {
  return db.transaction().execute(async (trx) => {
    const email = `service-${randomUUID()}@service-accounts.chorus.invalid`;
    const user = await trx
      .insertInto('users')
      .values({ email, kind: 'service' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const membership = await trx
      .insertInto('memberships')
      .values({ workspace_id: input.workspaceId, user_id: user.id, role: input.role, name: input.name })
      .returning('created_at')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: 'service_account.created',
      subjectType: 'service_account',
      subjectId: user.id,
      after: { name: input.name, role: input.role },
    });
    return {
      userId: user.id,
      email,
      name: input.name,
      role: input.role,
      kind: 'service',
      joinedAt: membership.created_at.toISOString(),
    };
  });
}

/**
 * Changes a member's role, or removes the member (role `null`). A workspace always keeps an owner:
 * the change that would leave none throws LastOwnerError. Returns false when the user is not a member.
 */
export async function changeMembership(
  db: Db,
  input: { workspaceId: string; userId: string; role: Role | null; actorId: string },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    // Lock the workspace's memberships so two demotions cannot each see "another owner remains".
    const members = await trx
      .selectFrom('memberships')
      .select(['user_id', 'role', 'name'])
      .where('workspace_id', '=', input.workspaceId)
      .forUpdate()
      .execute();
    const current = members.find((m) => m.user_id === input.userId);
    if (!current) return false;
    const owners = members.filter((m) => m.role === 'owner').length;
    if (current.role === 'owner' && input.role !== 'owner' && owners === 1)
      throw new LastOwnerError('A workspace must keep at least one owner');
    if (input.role === null) {
      await revokeInvitationsOfRemovedMember(trx, {
        workspaceId: input.workspaceId,
        userId: input.userId,
        actorId: input.actorId,
      });
      await trx
        .deleteFrom('memberships')
        .where('workspace_id', '=', input.workspaceId)
        .where('user_id', '=', input.userId)
        .execute();
      await trx
        .updateTable('api_tokens')
        .set({ revoked_at: new Date() })
        .where('workspace_id', '=', input.workspaceId)
        .where('user_id', '=', input.userId)
        .where('revoked_at', 'is', null)
        .execute();
    } else {
      await trx
        .updateTable('memberships')
        .set({ role: input.role })
        .where('workspace_id', '=', input.workspaceId)
        .where('user_id', '=', input.userId)
        .execute();
    }
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: input.role === null ? 'member.removed' : 'member.role_changed',
      subjectType: 'member',
      subjectId: input.userId,
      // A removal keeps the name the workspace knew them by: views of their past acts still name them.
      before: input.role === null ? { role: current.role, name: current.name } : { role: current.role },
      after: input.role === null ? null : { role: input.role },
    });
    return true;
  });
}

export async function findMemberRole(db: Db, workspaceId: string, userId: string): Promise<Role | undefined> {
  const member = await db
    .selectFrom('memberships')
    .select('role')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return member?.role;
}
