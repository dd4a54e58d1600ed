import { createHash, randomBytes } from 'node:crypto';
import type { Db, Role } from './database';
import { appendAudit } from './audit';

export interface Caller {
  userId: string;
  workspaceId: string;
  role: Role;
  tokenId: string;
}

const TOKEN_PREFIX = 'chorus_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates a workspace, its owner (reusing the user if the email is known) and an owner API token. */
export async function createWorkspaceWithOwner(
  db: Db,
  input: { name: string; ownerEmail: string; ownerName?: string },
): Promise<{ workspaceId: string; userId: string; token: string }> {
  return db.transaction().execute(async (trx) => {
    const workspace = await trx.insertInto('workspaces').values({ name: input.name }).returning('id').executeTakeFirstOrThrow();
    const email = input.ownerEmail.trim().toLowerCase();
    const user = await trx
      .insertInto('users')
      .values({ email, name: input.ownerName ?? null })
      .onConflict((oc) => oc.column('email').doUpdateSet({ email }))
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.insertInto('memberships').values({ workspace_id: workspace.id, user_id: user.id, role: 'owner' }).execute();
    const token = TOKEN_PREFIX + randomBytes(24).toString('base64url');
    const row = await trx
      .insertInto('api_tokens')
      .values({ user_id: user.id, workspace_id: workspace.id, name: 'owner', token_hash: hashToken(token), prefix: token.slice(0, 12) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, { workspaceId: workspace.id, actorId: user.id, action: 'workspace.created', subjectType: 'workspace', subjectId: workspace.id, after: { name: input.name, owner: email } });
    await appendAudit(trx, { workspaceId: workspace.id, actorId: user.id, action: 'token.created', subjectType: 'api_token', subjectId: row.id, after: { name: 'owner', prefix: token.slice(0, 12) } });
    return { workspaceId: workspace.id, userId: user.id, token };
  });
}

/** Resolves a bearer token to its user, workspace and current role; undefined when unknown, revoked or expired. */
export async function findCallerByToken(db: Db, token: string): Promise<Caller | undefined> {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const row = await db
    .selectFrom('api_tokens as t')
    .innerJoin('memberships as m', (j) => j.onRef('m.user_id', '=', 't.user_id').onRef('m.workspace_id', '=', 't.workspace_id'))
    .select(['t.id as tokenId', 't.user_id as userId', 't.workspace_id as workspaceId', 'm.role as role', 't.expires_at', 't.revoked_at'])
    .where('t.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.revoked_at || (row.expires_at && row.expires_at.getTime() <= Date.now())) return undefined;
  return { tokenId: row.tokenId, userId: row.userId, workspaceId: row.workspaceId, role: row.role };
}
