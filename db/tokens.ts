import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db } from './database';
import type { Role } from './members';
import type { Transaction } from 'kysely';
import type { Database } from './database';
import { appendAudit } from './audit';
import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, Timestamp } from './columns';
import { SCOPES, type Scope } from '../contracts/domain';
// The enum lives in contracts/domain.ts (workflows and clients need it without the database).
export type { Scope };

/** What a token may do, within its member's role; a token without scopes may do all the role allows. */

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  workspace_id: string;
  name: string;
  /** sha256 of the secret; the secret itself is shown once and never stored. */
  token_hash: string;
  prefix: string;
  created_at: CreatedAt;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
  /** null: everything the role allows. */
  scopes: ColumnType<Scope[] | null, Scope[] | null | undefined, Scope[] | null>;
}

export interface Caller {
  userId: string;
  workspaceId: string;
  role: Role;
  /** The API token the request came with; null for a signed-in browser (sessionId) or a workflow acting for someone. */
  tokenId: string | null;
}

/** A caller resolved from a bearer token (or a session cookie), with what the token itself is limited to. */
export interface TokenCaller extends Caller {
  /** The signed-in session the request came with (no token). */
  sessionId: string | null;
  /** null: the token may do everything the role allows. */
  scopes: Scope[] | null;
  tokenExpiresAt: Date | null;
}

/** Whether a token's scopes allow `needed`: every scope includes reading; null allows everything. */
export function scopesAllow(scopes: readonly Scope[] | null, needed: Scope): boolean {
  return scopes === null || scopes.includes(needed) || (needed === 'read' && scopes.length > 0);
}

/** The scopes of `requested` that `held` does not cover (all of them spelled out when `requested` is null). */
export function scopesBeyond(held: readonly Scope[] | null, requested: readonly Scope[] | null): Scope[] {
  if (held === null) return [];
  return (requested ?? SCOPES).filter((s) => !scopesAllow(held, s));
}

const TOKEN_PREFIX = 'chorus_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export const tokenView = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('The first characters of the token, to tell tokens apart'),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  scopes: z.array(z.enum(SCOPES)).nullable().describe('null: everything the role allows'),
});
export type TokenView = z.infer<typeof tokenView>;

/**
 * Issues an API token for a user in a workspace. The secret is returned once; only its SHA-256 is
 * stored, with a short prefix so people can tell their tokens apart.
 */
export async function issueToken(
  trx: Transaction<Database>,
  input: {
    userId: string;
    workspaceId: string;
    name: string;
    expiresAt?: Date | null;
    scopes?: Scope[] | null;
    actorId: string;
  },
): Promise<{ token: string; view: TokenView }> {
  const token = TOKEN_PREFIX + randomBytes(24).toString('base64url');
  const row = await trx
    .insertInto('api_tokens')
    .values({
      user_id: input.userId,
      workspace_id: input.workspaceId,
      name: input.name,
      token_hash: hashToken(token),
      prefix: token.slice(0, 12),
      expires_at: input.expiresAt ?? null,
      scopes: input.scopes ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const view = toTokenView(row);
  await appendAudit(trx, {
    workspaceId: input.workspaceId,
    actorId: input.actorId,
    action: 'api_token.created',
    subjectType: 'api_token',
    subjectId: row.id,
    after: {
      name: view.name,
      prefix: view.prefix,
      userId: view.userId,
      expiresAt: view.expiresAt,
      scopes: view.scopes,
    },
  });
  return { token, view };
}

export function toTokenView(row: {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  scopes: Scope[] | null;
}): TokenView {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    scopes: row.scopes,
  };
}

export async function listTokens(db: Db, workspaceId: string, userId?: string): Promise<TokenView[]> {
  let query = db.selectFrom('api_tokens').selectAll().where('workspace_id', '=', workspaceId);
  if (userId) query = query.where('user_id', '=', userId);
  return (await query.orderBy('created_at').execute()).map(toTokenView);
}

/** Revokes a token of the workspace (only the caller's own unless `anyUser`); false when there is none to revoke. */
export async function revokeToken(
  db: Db,
  input: { workspaceId: string; tokenId: string; actorId: string; anyUser: boolean },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    let query = trx
      .updateTable('api_tokens')
      .set({ revoked_at: new Date() })
      .where('id', '=', input.tokenId)
      .where('workspace_id', '=', input.workspaceId)
      .where('revoked_at', 'is', null);
    if (!input.anyUser) query = query.where('user_id', '=', input.actorId);
    const row = await query.returningAll().executeTakeFirst();
    if (!row) return false;
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: 'api_token.revoked',
      subjectType: 'api_token',
      subjectId: row.id,
      before: { name: row.name, prefix: row.prefix, userId: row.user_id },
    });
    return true;
  });
}

/** Whether `token` looks like one of ours (anything else is refused without a query). */
export const isTokenShaped = (token: string): boolean => token.startsWith(TOKEN_PREFIX);

/** Resolves a bearer token to its user, workspace and current role; undefined when unknown, revoked or expired. */
export async function findCallerByToken(db: Db, token: string): Promise<TokenCaller | undefined> {
  if (!isTokenShaped(token)) return undefined;
  return findCallerByTokenHash(db, hashToken(token));
}

/** findCallerByToken by the token's hash (the caller cache keys on it: the triggers of migration 0047 name it). */
export async function findCallerByTokenHash(db: Db, tokenHash: string): Promise<TokenCaller | undefined> {
  const row = await db
    .selectFrom('api_tokens as t')
    .innerJoin('memberships as m', (j) =>
      j.onRef('m.user_id', '=', 't.user_id').onRef('m.workspace_id', '=', 't.workspace_id'),
    )
    .select([
      't.id as tokenId',
      't.user_id as userId',
      't.workspace_id as workspaceId',
      'm.role as role',
      't.expires_at',
      't.revoked_at',
      't.scopes',
    ])
    .where('t.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row || row.revoked_at || (row.expires_at && row.expires_at.getTime() <= Date.now())) return undefined;
  return {
    tokenId: row.tokenId,
    sessionId: null,
    userId: row.userId,
    workspaceId: row.workspaceId,
    role: row.role,
    scopes: row.scopes,
    tokenExpiresAt: row.expires_at,
  };
}
