import { sql, type Generated, type Transaction } from 'kysely';
import type { CreatedAt, Timestamp } from './columns';
import type { Database, Db } from './database';
import { appendAudit } from './audit';
import { heldPostWorkflows, toChannelView, type ChannelView } from './channels';
import { recordNotificationOnce } from './notifications';
import { isOAuthProvider, type OAuthProviderName } from '../contracts/domain';

export interface OAuthStatesTable {
  id: Generated<string>;
  /** sha256 of the `state` sent to the network: the state itself is never stored. */
  state_hash: string;
  workspace_id: string;
  user_id: string;
  /** The signed-in session that asked (the callback must come with it); null for an API token's request. */
  session_id: string | null;
  provider: OAuthProviderName;
  /** The PKCE code verifier, sealed; null for a network without PKCE. */
  code_verifier_sealed: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface OAuthPendingConnectionsTable {
  id: Generated<string>;
  workspace_id: string;
  user_id: string;
  provider: OAuthProviderName;
  /** Sealed `{ tokens, accounts }`: the grant, until the user picks the account to connect. */
  grant_sealed: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export async function insertOAuthState(
  db: Db,
  input: {
    stateHash: string;
    workspaceId: string;
    userId: string;
    sessionId: string | null;
    provider: OAuthProviderName;
    codeVerifierSealed: string | null;
    expiresAt: Date;
  },
): Promise<void> {
  // Requests nobody finished are of no use once expired: cleared as new ones come.
  await db
    .deleteFrom('oauth_states')
    .where('expires_at', '<', sql<Date>`now() - interval '1 day'`)
    .execute();
  await db
    .insertInto('oauth_states')
    .values({
      state_hash: input.stateHash,
      workspace_id: input.workspaceId,
      user_id: input.userId,
      session_id: input.sessionId,
      provider: input.provider,
      code_verifier_sealed: input.codeVerifierSealed,
      expires_at: input.expiresAt,
    })
    .execute();
}

export type ConsumedState =
  | { outcome: 'unknown' }
  | { outcome: 'reused'; row: OAuthStateRow }
  | { outcome: 'expired'; row: OAuthStateRow }
  | { outcome: 'ok'; row: OAuthStateRow };
type OAuthStateRow = {
  workspace_id: string;
  user_id: string;
  session_id: string | null;
  provider: OAuthProviderName;
  code_verifier_sealed: string | null;
};

/**
 * Uses a state once: the first callback with it marks it used (one statement, so two callbacks
 * racing with the same state cannot both pass); a second finds it used. Unknown: never issued, or
 * issued for another network.
 */
export async function consumeOAuthState(db: Db, stateHash: string, provider: string): Promise<ConsumedState> {
  const taken = await db
    .updateTable('oauth_states')
    .set({ used_at: sql<Date>`now()` })
    .where('state_hash', '=', stateHash)
    .where('provider', '=', provider as OAuthProviderName)
    .where('used_at', 'is', null)
    .returning([
      'workspace_id',
      'user_id',
      'session_id',
      'provider',
      'code_verifier_sealed',
      sql<boolean>`expires_at < now()`.as('expired'),
    ])
    .executeTakeFirst();
  if (taken) return { outcome: taken.expired ? 'expired' : 'ok', row: taken };
  const seen = await db
    .selectFrom('oauth_states')
    .select(['workspace_id', 'user_id', 'session_id', 'provider', 'code_verifier_sealed'])
    .where('state_hash', '=', stateHash)
    .where('provider', '=', provider as OAuthProviderName)
    .executeTakeFirst();
  return seen ? { outcome: 'reused', row: seen } : { outcome: 'unknown' };
}

export async function insertPendingConnection(
  db: Db,
  input: { workspaceId: string; userId: string; provider: OAuthProviderName; grantSealed: string; expiresAt: Date },
): Promise<string> {
  await db
    .deleteFrom('oauth_pending_connections')
    .where('expires_at', '<', sql<Date>`now()`)
    .execute();
  const row = await db
    .insertInto('oauth_pending_connections')
    .values({
      workspace_id: input.workspaceId,
      user_id: input.userId,
      provider: input.provider,
      grant_sealed: input.grantSealed,
      expires_at: input.expiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A pending connection of this user in this workspace, not expired. */
export function findPendingConnection(db: Db, input: { id: string; workspaceId: string; userId: string }) {
  return db
    .selectFrom('oauth_pending_connections')
    .selectAll()
    .where('id', '=', input.id)
    .where('workspace_id', '=', input.workspaceId)
    .where('user_id', '=', input.userId)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

export async function deletePendingConnection(db: Db, id: string): Promise<void> {
  await db.deleteFrom('oauth_pending_connections').where('id', '=', id).execute();
}

/** The live channel of this workspace that publishes as this account of this network, if any. */
export function findChannelByAccount(db: Db, workspaceId: string, provider: OAuthProviderName, accountRef: string) {
  return db
    .selectFrom('channels')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('provider', '=', provider)
    .where('account_ref', '=', accountRef)
    .where('deleted_at', 'is', null)
    .orderBy('created_at')
    .executeTakeFirst();
}

/** Live OAuth channels (every deployment's: the caller keeps those its key opens), for the token workflows. */
export function listOAuthChannels(db: Db, providers: readonly OAuthProviderName[]) {
  return db
    .selectFrom('channels')
    .select(['id', 'workspace_id as workspaceId', 'provider', 'credentials_sealed as credentialsSealed'])
    .where('provider', 'in', [...providers])
    .where('deleted_at', 'is', null)
    .where('status', '=', 'connected')
    .execute();
}

/** What the token refresh reads of a channel. */
export function findChannelTokens(db: Db, channelId: string) {
  return db
    .selectFrom('channels')
    .select([
      'id',
      'workspace_id',
      'provider',
      'name',
      'credentials_sealed',
      'status',
      'deleted_at',
      'last_error',
      'token_refresh_started_at',
    ])
    .where('id', '=', channelId)
    .executeTakeFirst();
}

/**
 * Marks a refresh as going to the network with these credentials (one statement, before the call):
 * false when the credentials changed meanwhile (a reconnect), and the refresh must not go.
 */
export async function markTokenRefreshStarted(db: Db, channelId: string, credentialsSealed: string): Promise<boolean> {
  const marked = await db
    .updateTable('channels')
    .set({ token_refresh_started_at: sql<Date>`coalesce(token_refresh_started_at, now())` })
    .where('id', '=', channelId)
    .where('credentials_sealed', '=', credentialsSealed)
    .where('status', '=', 'connected')
    .where('deleted_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return marked !== undefined;
}

/**
 * Saves the network's answer to a refresh: the new sealed credentials and the cleared marker in one
 * statement, only over the credentials the refresh started from (a reconnect meanwhile wins). Returns
 * the workflows of posts waiting on the channel (held after refused credentials), to be told.
 */
export async function saveRefreshedTokens(
  db: Db,
  input: { channelId: string; previousSealed: string; credentialsSealed: string },
): Promise<{ saved: boolean; heldWorkflowIds: string[] }> {
  const saved = await db
    .updateTable('channels')
    .set({ credentials_sealed: input.credentialsSealed, token_refresh_started_at: null })
    .where('id', '=', input.channelId)
    .where('credentials_sealed', '=', input.previousSealed)
    .returning('id')
    .executeTakeFirst();
  if (!saved) return { saved: false, heldWorkflowIds: [] };
  return { saved: true, heldWorkflowIds: await heldPostWorkflows(db, input.channelId) };
}

/**
 * The network refused to renew the channel's access for good: `needs_reconnect` (unhealthy, with
 * the reason), audited, and one notification to the workspace's owners and admins, in one
 * transaction. Only over the credentials that were refused (a reconnect meanwhile wins). Returns the
 * notification's id to deliver, or undefined when nothing changed.
 */
export async function markChannelNeedsReconnect(
  db: Db,
  input: { channelId: string; refusedSealed: string; reason: string; lostAnswer: boolean },
): Promise<{ notificationId: string; channel: ChannelView } | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('channels')
      .set({
        status: 'needs_reconnect',
        healthy: false,
        last_error: input.reason,
        failing_since: sql<Date>`coalesce(failing_since, now())`,
        token_refresh_started_at: null,
      })
      .where('id', '=', input.channelId)
      .where('credentials_sealed', '=', input.refusedSealed)
      .where('status', '=', 'connected')
      .where('deleted_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!row) return undefined;
    const channel = toChannelView(row);
    await appendAudit(trx, {
      workspaceId: row.workspace_id,
      actorId: null,
      action: 'channel.needs_reconnect',
      subjectType: 'channel',
      subjectId: row.id,
      after: { reason: input.reason, lostAnswer: input.lostAnswer },
    });
    const { managers, waiting } = await whoToTell(trx, row.workspace_id, row.id);
    const payload = {
      type: 'channel.needs_reconnect',
      timestamp: new Date().toISOString(),
      data: {
        channelId: row.id,
        channelName: row.name,
        provider: row.provider,
        reason: input.reason,
        postsWaiting: waiting,
        reconnect: `POST /v1/channels/connect/${row.provider}`,
      },
    };
    // One per refused grant: the key names the channel and when it was refused.
    const key = `channel:${row.id}:needs_reconnect:${row.failing_since?.toISOString() ?? ''}`;
    const notificationId = await recordNotificationOnce(trx, {
      workspaceId: row.workspace_id,
      key,
      kind: 'channel.needs_reconnect',
      subject: { type: 'channel', id: row.id },
      recipientIds: managers,
      payload,
    });
    return { notificationId, channel };
  });
}

/** A channel's workspace owners and admins, and how many of its posts wait to go out on it. */
async function whoToTell(
  trx: Transaction<Database>,
  workspaceId: string,
  channelId: string,
): Promise<{ managers: string[]; waiting: number }> {
  const managers = await trx
    .selectFrom('memberships')
    .select('user_id')
    .where('workspace_id', '=', workspaceId)
    .where('role', 'in', ['owner', 'admin'])
    .execute();
  const waiting = await trx
    .selectFrom('post_targets as t')
    .innerJoin('posts as p', 'p.id', 't.post_id')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('t.channel_id', '=', channelId)
    .where('t.status', 'in', ['pending', 'publishing'])
    .where('p.status', 'in', ['scheduled', 'awaiting_approval', 'changes_requested', 'held', 'publishing'])
    .executeTakeFirstOrThrow();
  return { managers: managers.map((m) => m.user_id), waiting: Number(waiting.count) };
}

/**
 * Records the notice that a post is held for its channel's reconnect (`channel.posts_held`, to the
 * workspace's owners and admins); undefined when there is nothing to tell: the target no longer
 * waits (published, cancelled, its channel removed), or, for the notice at the start of the wait,
 * the channel's `channel.needs_reconnect` notification said it already. One notice per channel and
 * refusal at the start, then one per channel and UTC day, however many of its posts wait.
 */
export async function recordHeldPostNotice(
  db: Db,
  input: { postId: string; targetId: string; channelId: string; reminder: number; now?: Date },
): Promise<string | undefined> {
  return db.transaction().execute(async (trx) => {
    const held = await trx
      .selectFrom('post_targets as t')
      .innerJoin('posts as p', 'p.id', 't.post_id')
      .innerJoin('channels as c', 'c.id', 't.channel_id')
      .select([
        'c.id',
        'c.workspace_id',
        'c.name',
        'c.provider',
        'c.status',
        'c.last_error',
        'c.failing_since',
        'c.deleted_at',
      ])
      .where('t.id', '=', input.targetId)
      .where('t.post_id', '=', input.postId)
      .where('t.channel_id', '=', input.channelId)
      .where('t.status', '=', 'publishing')
      .where('p.status', '=', 'publishing')
      .executeTakeFirst();
    if (!held || held.deleted_at) return undefined;
    if (input.reminder === 0 && held.status === 'needs_reconnect') return undefined;
    const now = input.now ?? new Date();
    const key =
      input.reminder === 0
        ? `channel:${held.id}:posts_held:${held.failing_since?.toISOString() ?? now.toISOString()}`
        : `channel:${held.id}:posts_held:day:${now.toISOString().slice(0, 10)}`;
    const { managers, waiting } = await whoToTell(trx, held.workspace_id, held.id);
    const payload = {
      type: 'channel.posts_held',
      timestamp: now.toISOString(),
      data: {
        channelId: held.id,
        channelName: held.name,
        provider: held.provider,
        reason: held.last_error ?? 'its network refused the credentials',
        heldSince: held.failing_since?.toISOString() ?? null,
        postsWaiting: waiting,
        reminder: input.reminder > 0,
        reconnect: isOAuthProvider(held.provider)
          ? `POST /v1/channels/connect/${held.provider}`
          : `PUT /v1/channels/${held.id}/credentials`,
      },
    };
    return recordNotificationOnce(trx, {
      workspaceId: held.workspace_id,
      key,
      kind: 'channel.posts_held',
      subject: { type: 'channel', id: held.id },
      recipientIds: managers,
      payload,
    });
  });
}
