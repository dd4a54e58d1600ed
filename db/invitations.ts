import { createHash, randomBytes } from 'node:crypto';
import { sql, type ColumnType, type Transaction, type Generated } from 'kysely';
import { appendAudit } from './audit';
import { z } from 'zod';
import type { Database, Db } from './database';
import { type Role } from './members';
import { ROLES } from '../contracts/domain';
import { issueToken, type TokenView } from './tokens';
import { hashPassword, verifyPassword } from './passwords';
import { startSession, type Session, type SessionPolicy } from './sessions';
import { lockPasswordHash, setMemberName, setPassword } from './users';
import type { CreatedAt, Timestamp } from './columns';

export interface InvitationsTable {
  id: Generated<string>;
  workspace_id: string;
  /** The member the invitation lets in; the role is their membership's, read when the token is used. */
  user_id: string;
  /** sha256 of the code; the code is shown once to the inviter (and emailed), never stored. */
  code_hash: string;
  created_by: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  /** The token the code was redeemed for. */
  token_id: string | null;
  revoked_at: Timestamp | null;
  revoked_reason: 'revoked' | 'reissued' | 'member_removed' | null;
  /** The owner's "set your password" code from `chorus workspace create`, issued by the operator, not by another member. */
  owner_setup: ColumnType<boolean, boolean | undefined, boolean>;
}

/** How long an invitation code can be redeemed. */
export const INVITATION_TTL_MS = 7 * 24 * 3600_000;

// Not the token prefix: a code pasted as a bearer token is refused outright, never looked up.
const CODE_PREFIX = 'chorusinv_';

export const INVITATION_STATES = ['pending', 'expired', 'accepted', 'revoked'] as const;
export type InvitationState = (typeof INVITATION_STATES)[number];

export const invitationView = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(ROLES).nullable().describe("The member's current role; null once they left the workspace"),
  state: z.enum(INVITATION_STATES),
  revokedReason: z.enum(['revoked', 'reissued', 'member_removed']).nullable(),
  createdBy: z.uuid(),
  createdAt: z.string(),
  expiresAt: z.string(),
  acceptedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type InvitationView = z.infer<typeof invitationView>;

/** Why an invitation cannot be redeemed, re-issued or revoked; the route maps each to a 4xx. */
export type InvitationRefusal =
  | 'unknown'
  | 'used'
  | 'expired'
  | 'revoked'
  | 'reissued'
  | 'member_removed'
  | 'not_a_person'
  | 'not_a_member'
  /** The account has a password already and the one sent is not it. */
  | 'wrong_password'
  /** A member's invitation cannot set the first password of an account that belongs to other workspaces too. */
  | 'other_workspaces';

export class InvitationError extends Error {
  override name = 'InvitationError';

  constructor(
    readonly reason: InvitationRefusal,
    message: string,
  ) {
    super(message);
  }
}

const hashCode = (code: string) => createHash('sha256').update(code).digest('hex');

type InvitationRow = {
  id: string;
  user_id: string;
  email: string;
  name: string | null;
  role: Role | null;
  created_by: string;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
  revoked_reason: InvitationView['revokedReason'];
};

function stateOf(
  row: { expires_at: Date; accepted_at: Date | null; revoked_at: Date | null },
  now = Date.now(),
): InvitationState {
  if (row.accepted_at) return 'accepted';
  if (row.revoked_at) return 'revoked';
  return row.expires_at.getTime() <= now ? 'expired' : 'pending';
}

function toView(row: InvitationRow): InvitationView {
  return {
    id: row.id,
    userId: row.user_id,
    email: row.email,
    name: row.name,
    role: row.role,
    state: stateOf(row),
    revokedReason: row.revoked_reason,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    acceptedAt: row.accepted_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

function selectInvitations(db: Db | Transaction<Database>, workspaceId: string) {
  return db
    .selectFrom('invitations as i')
    .innerJoin('users as u', 'u.id', 'i.user_id')
    .leftJoin('memberships as m', (j) =>
      j.onRef('m.workspace_id', '=', 'i.workspace_id').onRef('m.user_id', '=', 'i.user_id'),
    )
    .select([
      'i.id',
      'i.user_id',
      'u.email',
      'm.name',
      'm.role',
      'i.created_by',
      'i.created_at',
      'i.expires_at',
      'i.accepted_at',
      'i.revoked_at',
      'i.revoked_reason',
    ])
    .where('i.workspace_id', '=', workspaceId);
}

export interface IssuedInvitation {
  invitation: InvitationView;
  /** Shown once to the inviter (and emailed); only its hash is stored. */
  code: string;
  workspaceName: string;
}

/**
 * Issues an invitation for a person who is a member of the workspace, ending any open one of
 * theirs first (a member has at most one live code). Runs in the caller's transaction, so the
 * member added and their invitation commit together.
 */
export async function issueInvitation(
  trx: Transaction<Database>,
  input: { workspaceId: string; userId: string; actorId: string; reissueOf?: string; ownerSetup?: boolean },
): Promise<IssuedInvitation> {
  // Locks the membership: a removal or a second invitation for this member waits for this one.
  const member = await trx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(['u.kind', 'u.email', 'w.name as workspaceName'])
    .where('m.workspace_id', '=', input.workspaceId)
    .where('m.user_id', '=', input.userId)
    .forUpdate('m')
    .executeTakeFirst();
  if (!member) throw new InvitationError('not_a_member', 'That user is not a member of this workspace');
  if (member.kind !== 'person')
    throw new InvitationError(
      'not_a_person',
      'A service account cannot be invited; mint it a token with POST /v1/service-accounts/:userId/tokens',
    );

  const replaced = await endOpenInvitations(trx, input, 'reissued');
  const code = CODE_PREFIX + randomBytes(24).toString('base64url');
  const row = await trx
    .insertInto('invitations')
    .values({
      workspace_id: input.workspaceId,
      user_id: input.userId,
      code_hash: hashCode(code),
      created_by: input.actorId,
      expires_at: new Date(Date.now() + INVITATION_TTL_MS),
      owner_setup: input.ownerSetup ?? false,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const invitation = toView(
    (await selectInvitations(trx, input.workspaceId)
      .where('i.id', '=', row.id)
      .executeTakeFirstOrThrow()) as InvitationRow,
  );
  await appendAudit(trx, {
    workspaceId: input.workspaceId,
    actorId: input.actorId,
    action: input.reissueOf ? 'invitation.reissued' : 'invitation.created',
    subjectType: 'invitation',
    subjectId: invitation.id,
    after: {
      userId: input.userId,
      email: member.email,
      expiresAt: invitation.expiresAt,
      replaces: replaced.map((r) => r.id),
      ...(input.ownerSetup ? { ownerSetup: true } : {}),
    },
  });
  return { invitation, code, workspaceName: member.workspaceName };
}

/** A new invitation for a member already in the workspace (one added before invitations, or who lost their token). */
export async function inviteMember(
  db: Db,
  input: { workspaceId: string; userId: string; actorId: string },
): Promise<IssuedInvitation> {
  return db.transaction().execute((trx) => issueInvitation(trx, input));
}

/** Locks an invitation of the workspace and checks that it is still open (pending or expired, never redeemed or revoked). */
async function lockOpen(trx: Transaction<Database>, workspaceId: string, invitationId: string) {
  const row = await trx
    .selectFrom('invitations')
    .selectAll()
    .where('id', '=', invitationId)
    .where('workspace_id', '=', workspaceId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.accepted_at)
    throw new InvitationError(
      'used',
      'The invitation was already used; invite the member again with POST /v1/invitations',
    );
  if (row.revoked_at)
    throw new InvitationError(
      row.revoked_reason ?? 'revoked',
      row.revoked_reason === 'reissued'
        ? 'The invitation was already replaced by a newer one'
        : 'The invitation was revoked; invite the member again with POST /v1/invitations',
    );
  return row;
}

/** A new code for an open invitation (pending or expired); the old code stops working. Undefined when there is no such invitation. */
export async function reissueInvitation(
  db: Db,
  input: { workspaceId: string; invitationId: string; actorId: string },
): Promise<IssuedInvitation | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await lockOpen(trx, input.workspaceId, input.invitationId);
    if (!row) return undefined;
    return issueInvitation(trx, {
      workspaceId: input.workspaceId,
      userId: row.user_id,
      actorId: input.actorId,
      reissueOf: row.id,
    });
  });
}

/** Revokes an open invitation; undefined when there is no such invitation. */
export async function revokeInvitation(
  db: Db,
  input: { workspaceId: string; invitationId: string; actorId: string },
): Promise<InvitationView | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await lockOpen(trx, input.workspaceId, input.invitationId);
    if (!row) return undefined;
    await trx
      .updateTable('invitations')
      .set({ revoked_at: sql`now()`, revoked_reason: 'revoked' })
      .where('id', '=', row.id)
      .execute();
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: 'invitation.revoked',
      subjectType: 'invitation',
      subjectId: row.id,
      before: { userId: row.user_id },
      after: { reason: 'revoked' },
    });
    return toView(
      (await selectInvitations(trx, input.workspaceId)
        .where('i.id', '=', row.id)
        .executeTakeFirstOrThrow()) as InvitationRow,
    );
  });
}

/** Ends a member's open invitations (a new code replaces them, or the member left); their ids. */
async function endOpenInvitations(
  trx: Transaction<Database>,
  member: { workspaceId: string; userId: string },
  reason: 'reissued' | 'member_removed',
): Promise<{ id: string }[]> {
  return trx
    .updateTable('invitations')
    .set({ revoked_at: sql`now()`, revoked_reason: reason })
    .where('workspace_id', '=', member.workspaceId)
    .where('user_id', '=', member.userId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
}

/** Ends a member's open invitations as they leave the workspace, in the removal's transaction. */
export async function revokeInvitationsOfRemovedMember(
  trx: Transaction<Database>,
  input: { workspaceId: string; userId: string; actorId: string },
): Promise<void> {
  const ended = await endOpenInvitations(trx, input, 'member_removed');
  for (const { id } of ended) {
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: 'invitation.revoked',
      subjectType: 'invitation',
      subjectId: id,
      before: { userId: input.userId },
      after: { reason: 'member_removed' },
    });
  }
}

export async function findInvitation(
  db: Db,
  workspaceId: string,
  invitationId: string,
): Promise<InvitationView | undefined> {
  const row = await selectInvitations(db, workspaceId).where('i.id', '=', invitationId).executeTakeFirst();
  return row ? toView(row as InvitationRow) : undefined;
}

/** The workspace's invitations, newest first, in one state or all. */
export async function listInvitations(
  db: Db,
  workspaceId: string,
  filter: { state?: InvitationState },
): Promise<InvitationView[]> {
  let query = selectInvitations(db, workspaceId);
  if (filter.state === 'accepted') query = query.where('i.accepted_at', 'is not', null);
  if (filter.state === 'revoked') query = query.where('i.revoked_at', 'is not', null);
  if (filter.state === 'pending' || filter.state === 'expired') {
    query = query
      .where('i.accepted_at', 'is', null)
      .where('i.revoked_at', 'is', null)
      .where('i.expires_at', filter.state === 'pending' ? '>' : '<=', new Date());
  }
  return ((await query.orderBy('i.created_at', 'desc').execute()) as InvitationRow[]).map(toView);
}

export interface Redeemed {
  workspaceId: string;
  userId: string;
  email: string;
  role: Role;
  token: string;
  view: TokenView;
}

/** Claims an open invitation of a person (the claim is one conditional UPDATE) and reads their membership. */
async function claimInvitation(trx: Transaction<Database>, code: string) {
  const codeHash = hashCode(code.trim());
  const claimed = await trx
    .updateTable('invitations')
    .set({ accepted_at: sql`now()` })
    .where('code_hash', '=', codeHash)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('users')
          .select('users.id')
          .whereRef('users.id', '=', 'invitations.user_id')
          .where('users.kind', '=', 'person'),
      ),
    )
    .returning(['id', 'workspace_id', 'user_id', 'owner_setup'])
    .executeTakeFirst();
  if (!claimed) throw await whyNot(trx, codeHash);
  const member = await trx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.role', 'u.email'])
    .where('m.workspace_id', '=', claimed.workspace_id)
    .where('m.user_id', '=', claimed.user_id)
    .executeTakeFirst();
  // A removal ends the member's invitations in its own transaction; this guards the rest.
  if (!member)
    throw new InvitationError(
      'member_removed',
      'You are no longer a member of that workspace; this invitation does not work any more',
    );
  return { ...claimed, ...member };
}

/**
 * Redeems an invitation code for a token of the invited member (no one else's): the code works
 * once. The claim is one conditional UPDATE, so of two redemptions racing for one code the second
 * waits on the row lock, then finds it used. Throws InvitationError saying why a code does not work.
 */
export async function redeemInvitation(db: Db, input: { code: string; tokenName: string }): Promise<Redeemed> {
  return db.transaction().execute(async (trx) => {
    const claimed = await claimInvitation(trx, input.code);
    const { token, view } = await issueToken(trx, {
      userId: claimed.user_id,
      workspaceId: claimed.workspace_id,
      name: input.tokenName,
      actorId: claimed.user_id,
    });
    await trx.updateTable('invitations').set({ token_id: view.id }).where('id', '=', claimed.id).execute();
    await appendAudit(trx, {
      workspaceId: claimed.workspace_id,
      actorId: claimed.user_id,
      action: 'invitation.accepted',
      subjectType: 'invitation',
      subjectId: claimed.id,
      after: { userId: claimed.user_id, tokenId: view.id },
    });
    return {
      workspaceId: claimed.workspace_id,
      userId: claimed.user_id,
      email: claimed.email,
      role: claimed.role,
      token,
      view,
    };
  });
}

export interface RedeemedWithPassword {
  workspaceId: string;
  userId: string;
  email: string;
  role: Role;
  /** The session started in the invitation's workspace: `token` is the cookie's value. */
  token: string;
  session: Session;
}

/**
 * Redeems an invitation code in the web app: the person sets their password (or, when their
 * account has one already, proves it) and is signed in to the invitation's workspace. No API token
 * is minted. A member's invitation (whose code its inviter saw) cannot set the first password of
 * an account that belongs to other workspaces too: that would let the inviter into them; the
 * owner's setup code from `chorus workspace create` can. Any refusal changes nothing.
 */
export async function redeemInvitationWithPassword(
  db: Db,
  input: { code: string; password: string; name?: string; policy: SessionPolicy },
): Promise<RedeemedWithPassword> {
  return db.transaction().execute(async (trx) => {
    const claimed = await claimInvitation(trx, input.code);
    const current = await lockPasswordHash(trx, claimed.user_id);
    if (current !== null) {
      if (!(await verifyPassword(input.password, current)))
        throw new InvitationError(
          'wrong_password',
          'Your account already has a password, and this is not it: enter the password you sign in with',
        );
    } else {
      if (!claimed.owner_setup) {
        const elsewhere = await trx
          .selectFrom('memberships')
          .select('workspace_id')
          .where('user_id', '=', claimed.user_id)
          .where('workspace_id', '!=', claimed.workspace_id)
          .executeTakeFirst();
        if (elsewhere)
          throw new InvitationError(
            'other_workspaces',
            'Your account belongs to other workspaces too, so an invitation cannot set its password; set it with the link from one of them that you already use, or redeem this code for an API token (chorus invite accept)',
          );
      }
      await setPassword(trx, { userId: claimed.user_id, passwordHash: await hashPassword(input.password) });
      await appendAudit(trx, {
        workspaceId: claimed.workspace_id,
        actorId: claimed.user_id,
        action: 'user.password_set',
        subjectType: 'user',
        subjectId: claimed.user_id,
        after: { via: 'invitation', invitationId: claimed.id },
      });
    }
    // The name they give is what this workspace calls them; their other workspaces keep theirs.
    if (input.name !== undefined)
      await setMemberName(trx, { workspaceId: claimed.workspace_id, userId: claimed.user_id, name: input.name });
    await appendAudit(trx, {
      workspaceId: claimed.workspace_id,
      actorId: claimed.user_id,
      action: 'invitation.accepted',
      subjectType: 'invitation',
      subjectId: claimed.id,
      after: { userId: claimed.user_id, via: 'password' },
    });
    const { token, session } = await startSession(trx, {
      userId: claimed.user_id,
      workspaceId: claimed.workspace_id,
      policy: input.policy,
      via: 'invitation',
    });
    return {
      workspaceId: claimed.workspace_id,
      userId: claimed.user_id,
      email: claimed.email,
      role: claimed.role,
      token,
      session,
    };
  });
}

export interface InvitationPreview {
  workspaceName: string;
  email: string;
  role: Role;
  expiresAt: string;
}

/** Who a code invites where, for the page that redeems it; InvitationError when it cannot be redeemed. Changes nothing. */
export async function previewInvitation(db: Db, code: string): Promise<InvitationPreview> {
  const codeHash = hashCode(code.trim());
  const row = await db
    .selectFrom('invitations as i')
    .innerJoin('users as u', 'u.id', 'i.user_id')
    .innerJoin('workspaces as w', 'w.id', 'i.workspace_id')
    .innerJoin('memberships as m', (j) =>
      j.onRef('m.workspace_id', '=', 'i.workspace_id').onRef('m.user_id', '=', 'i.user_id'),
    )
    .select(['w.name as workspaceName', 'u.email', 'm.role', 'i.expires_at'])
    .where('i.code_hash', '=', codeHash)
    .where('i.accepted_at', 'is', null)
    .where('i.revoked_at', 'is', null)
    .where('i.expires_at', '>', sql<Date>`now()`)
    .where('u.kind', '=', 'person')
    .executeTakeFirst();
  if (!row) throw await whyNot(db, codeHash);
  return {
    workspaceName: row.workspaceName,
    email: row.email,
    role: row.role,
    expiresAt: row.expires_at.toISOString(),
  };
}

async function whyNot(trx: Db | Transaction<Database>, codeHash: string): Promise<InvitationError> {
  const row = await trx
    .selectFrom('invitations as i')
    .innerJoin('users as u', 'u.id', 'i.user_id')
    .select(['i.expires_at', 'i.accepted_at', 'i.revoked_at', 'i.revoked_reason', 'u.kind'])
    .where('i.code_hash', '=', codeHash)
    .executeTakeFirst();
  if (!row) return new InvitationError('unknown', 'No invitation has this code; check that it was copied whole');
  if (row.accepted_at)
    return new InvitationError('used', 'This invitation was already used; ask an admin of the workspace for a new one');
  if (row.revoked_reason === 'reissued')
    return new InvitationError(
      'reissued',
      'This code was replaced by a newer one; use the latest invitation you were sent',
    );
  if (row.revoked_reason === 'member_removed')
    return new InvitationError(
      'member_removed',
      'You were removed from the workspace; this invitation does not work any more',
    );
  if (row.revoked_at) return new InvitationError('revoked', 'This invitation was revoked by an admin of the workspace');
  if (row.kind !== 'person')
    return new InvitationError('not_a_person', 'A service account cannot redeem an invitation');
  if (row.expires_at.getTime() > Date.now())
    return new InvitationError(
      'member_removed',
      'You are no longer a member of that workspace; this invitation does not work any more',
    );
  return new InvitationError(
    'expired',
    `This invitation expired at ${row.expires_at.toISOString()}; ask an admin of the workspace to re-issue it`,
  );
}
