import type { Db } from './database';
import { appendAudit } from './audit';
import { issueToken } from './tokens';
import { issueInvitation } from './invitations';
import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt } from './columns';

export interface WorkspacesTable {
  id: Generated<string>;
  name: string;
  /** Sealed `{url, secret}` of the Standard Webhooks endpoint that receives approval notifications. */
  notification_webhook_sealed: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
}

/**
 * Creates a workspace, its owner (reusing the user if the email is known), an owner API token and
 * the owner's setup code: an invitation of the owner (single use, valid 7 days) that the web
 * app's /welcome page redeems to set the owner's password and sign them in.
 */
export async function createWorkspaceWithOwner(
  db: Db,
  input: { name: string; ownerEmail: string; ownerName?: string },
): Promise<{ workspaceId: string; userId: string; token: string; setupCode: string; setupExpiresAt: string }> {
  return db.transaction().execute(async (trx) => {
    const workspace = await trx
      .insertInto('workspaces')
      .values({ name: input.name })
      .returning('id')
      .executeTakeFirstOrThrow();
    const email = input.ownerEmail.trim().toLowerCase();
    const user = await trx
      .insertInto('users')
      .values({ email })
      .onConflict((oc) => oc.column('email').doUpdateSet({ email }))
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('memberships')
      .values({ workspace_id: workspace.id, user_id: user.id, role: 'owner', name: input.ownerName ?? null })
      .execute();
    await appendAudit(trx, {
      workspaceId: workspace.id,
      actorId: user.id,
      action: 'workspace.created',
      subjectType: 'workspace',
      subjectId: workspace.id,
      after: { name: input.name, owner: email },
    });
    const { token } = await issueToken(trx, {
      userId: user.id,
      workspaceId: workspace.id,
      name: 'owner',
      actorId: user.id,
    });
    const setup = await issueInvitation(trx, {
      workspaceId: workspace.id,
      userId: user.id,
      actorId: user.id,
      ownerSetup: true,
    });
    return {
      workspaceId: workspace.id,
      userId: user.id,
      token,
      setupCode: setup.code,
      setupExpiresAt: setup.invitation.expiresAt,
    };
  });
}

/** Stores the workspace's notification webhook (sealed), audited by its host only. */
export async function setNotificationWebhook(
  db: Db,
  input: { workspaceId: string; actorId: string; webhookSealed: string; host: string },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('workspaces')
      .set({ notification_webhook_sealed: input.webhookSealed })
      .where('id', '=', input.workspaceId)
      .execute();
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: 'workspace.notification_webhook_set',
      subjectType: 'workspace',
      subjectId: input.workspaceId,
      after: { host: input.host },
    });
  });
}
