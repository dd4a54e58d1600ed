import { createHash, randomBytes } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { appendAudit } from './audit';
import type { Timestamp, CreatedAt } from './columns';
import type { Database, Db } from './database';
import type { Role } from './members';
import type { ColumnType, Generated } from 'kysely';

export interface SessionsTable {
  id: Generated<string>;
  /** sha256 of the cookie's value; the value itself is only in the browser. */
  token_hash: string;
  user_id: string;
  /** The workspace the session acts in now (PUT /v1/session/workspace changes it). */
  workspace_id: string;
  /** Sent back in `x-csrf-token` with every state-changing request the cookie authenticates. */
  csrf_token: string;
  created_at: CreatedAt;
  last_seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** Absolute end, set at sign-in. */
  expires_at: Timestamp;
  /** Signed out. */
  revoked_at: Timestamp | null;
}

/** How long a session lasts: `maxMs` after sign-in at most, and `idleMs` after its last request. */
export interface SessionPolicy {
  idleMs: number;
  maxMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 12 * 3600_000, maxMs: 7 * 24 * 3600_000 };

/** last_seen_at is written at most this often (a request within it does not write). */
export const TOUCH_EVERY_MS = 60_000;

export const hashSessionToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface Session {
  id: string;
  userId: string;
  workspaceId: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface WorkspaceRole {
  id: string;
  name: string;
  role: Role;
}

/** A cookie's session as the API sees it: none (unknown, signed out), expired, or active with the member's role now (null: no longer a member of its workspace). */
export type SessionLookup =
  | { state: 'none' }
  | { state: 'expired'; reason: 'idle' | 'max' }
  | { state: 'active'; session: Session; role: Role | null; lastSeenAt: Date };

/** Why a session with this end and last request is over at `now`; undefined while it lasts. */
export function sessionEnded(
  expiresAt: Date,
  lastSeenAt: Date,
  policy: SessionPolicy,
  now: number,
): 'idle' | 'max' | undefined {
  if (expiresAt.getTime() <= now) return 'max';
  if (lastSeenAt.getTime() + policy.idleMs <= now) return 'idle';
  return undefined;
}

/**
 * Starts a session for a user in a workspace (the caller has checked the membership), audited as
 * `session.created` in that workspace. The token is the cookie's value; only its hash is stored.
 */
export async function startSession(
  trx: Transaction<Database>,
  input: { userId: string; workspaceId: string; policy: SessionPolicy; via: 'password' | 'invitation' },
): Promise<{ token: string; session: Session }> {
  const token = randomBytes(32).toString('base64url');
  const row = await trx
    .insertInto('sessions')
    .values({
      token_hash: hashSessionToken(token),
      user_id: input.userId,
      workspace_id: input.workspaceId,
      csrf_token: randomBytes(24).toString('base64url'),
      expires_at: new Date(Date.now() + input.policy.maxMs),
    })
    .returning(['id', 'csrf_token', 'expires_at'])
    .executeTakeFirstOrThrow();
  await appendAudit(trx, {
    workspaceId: input.workspaceId,
    actorId: input.userId,
    action: 'session.created',
    subjectType: 'session',
    subjectId: row.id,
    after: { userId: input.userId, via: input.via, expiresAt: row.expires_at.toISOString() },
  });
  return {
    token,
    session: {
      id: row.id,
      userId: input.userId,
      workspaceId: input.workspaceId,
      csrfToken: row.csrf_token,
      expiresAt: row.expires_at,
    },
  };
}

/** Signs in: a session in the workspace (which the caller has checked the user belongs to). */
export async function signIn(
  db: Db,
  input: { userId: string; workspaceId: string; policy: SessionPolicy },
): Promise<{ token: string; session: Session }> {
  return db.transaction().execute((trx) => startSession(trx, { ...input, via: 'password' }));
}

/**
 * The session a cookie's value stands for, with the member's current role in its workspace. An
 * active session's last_seen_at moves to now (at most once a minute).
 */
export async function findSession(db: Db, token: string, policy: SessionPolicy): Promise<SessionLookup> {
  return findSessionByHash(db, hashSessionToken(token), policy);
}

/** findSession by the cookie's hash (the caller cache keys on it: the triggers of migration 0047 name it). */
export async function findSessionByHash(db: Db, tokenHash: string, policy: SessionPolicy): Promise<SessionLookup> {
  const row = await db
    .selectFrom('sessions as s')
    .leftJoin('memberships as m', (j) =>
      j.onRef('m.user_id', '=', 's.user_id').onRef('m.workspace_id', '=', 's.workspace_id'),
    )
    .select([
      's.id',
      's.user_id',
      's.workspace_id',
      's.csrf_token',
      's.last_seen_at',
      's.expires_at',
      's.revoked_at',
      'm.role',
    ])
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row || row.revoked_at) return { state: 'none' };
  const now = Date.now();
  const ended = sessionEnded(row.expires_at, row.last_seen_at, policy, now);
  if (ended) return { state: 'expired', reason: ended };
  let lastSeenAt = row.last_seen_at;
  if (now - row.last_seen_at.getTime() >= TOUCH_EVERY_MS) {
    const touched = await db
      .updateTable('sessions')
      .set({ last_seen_at: sql`now()` })
      .where('id', '=', row.id)
      .where('last_seen_at', '<', sql<Date>`now() - interval '1 minute'`)
      .returning('last_seen_at')
      .executeTakeFirst();
    lastSeenAt = touched?.last_seen_at ?? lastSeenAt;
  }
  return {
    state: 'active',
    session: {
      id: row.id,
      userId: row.user_id,
      workspaceId: row.workspace_id,
      csrfToken: row.csrf_token,
      expiresAt: row.expires_at,
    },
    role: row.role,
    lastSeenAt,
  };
}

/** Every workspace the user is a member of, with their role there, by name. */
export async function workspacesOf(db: Db | Transaction<Database>, userId: string): Promise<WorkspaceRole[]> {
  return db
    .selectFrom('memberships as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(['w.id', 'w.name', 'm.role'])
    .where('m.user_id', '=', userId)
    .orderBy('w.name')
    .orderBy('w.id')
    .execute();
}

/** The user's id and email, and the name the session's workspace knows them by (null: none, or no longer a member). */
export async function sessionUser(
  db: Db | Transaction<Database>,
  userId: string,
  workspaceId: string,
): Promise<{ id: string; email: string; name: string | null }> {
  const user = await db
    .selectFrom('users as u')
    .leftJoin('memberships as m', (j) => j.onRef('m.user_id', '=', 'u.id').on('m.workspace_id', '=', workspaceId))
    .select(['u.id', 'u.email', 'm.name'])
    .where('u.id', '=', userId)
    .executeTakeFirstOrThrow();
  return { id: user.id, email: user.email, name: user.name ?? null };
}

/**
 * Moves an active session to another workspace of its user, audited as `session.switched` there.
 * False (nothing changed) when the user is not a member of it.
 */
export async function switchSessionWorkspace(
  db: Db,
  input: { sessionId: string; userId: string; workspaceId: string },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const member = await trx
      .selectFrom('memberships')
      .select('role')
      .where('user_id', '=', input.userId)
      .where('workspace_id', '=', input.workspaceId)
      .executeTakeFirst();
    if (!member) return false;
    const moved = await trx
      .updateTable('sessions')
      .set({ workspace_id: input.workspaceId })
      .where('id', '=', input.sessionId)
      .where('revoked_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!moved) return false;
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: input.userId,
      action: 'session.switched',
      subjectType: 'session',
      subjectId: input.sessionId,
      after: { userId: input.userId },
    });
    return true;
  });
}

/** Signs out: the session stops working; audited as `session.ended` in its workspace. */
export async function endSession(db: Db, sessionId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const ended = await trx
      .updateTable('sessions')
      .set({ revoked_at: sql`now()` })
      .where('id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .returning(['workspace_id', 'user_id'])
      .executeTakeFirst();
    if (!ended) return;
    await appendAudit(trx, {
      workspaceId: ended.workspace_id,
      actorId: ended.user_id,
      action: 'session.ended',
      subjectType: 'session',
      subjectId: sessionId,
      after: { userId: ended.user_id },
    });
  });
}
