import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { Database, Db } from './database';
import { sql, type ColumnType, type Generated, type Selectable } from 'kysely';
import { appendAudit } from './audit';
import type { CreatedAt, Timestamp } from './columns';
import { CHANNEL_STATUSES, PROVIDERS, type ChannelStatus, type Provider } from '../contracts/domain';
// The enum lives in contracts/domain.ts (workflows and clients need it without the database).
export type { Provider };

export interface ChannelsTable {
  id: Generated<string>;
  workspace_id: string;
  provider: Provider;
  name: string;
  /** Who the channel posts as: a Bluesky DID, a webhook host. Never a secret. */
  account_ref: string;
  /** AES-256-GCM sealed JSON of the provider's credentials. */
  credentials_sealed: string;
  /** IANA timezone the channel's queue slots are in. */
  timezone: Generated<string>;
  /** Weekly queue slots, local times: `[{ day: 1-7 (Monday = 1), time: 'HH:MM' }]`. */
  slots: ColumnType<QueueSlot[], string | undefined, string>;
  min_gap_minutes: Generated<number>;
  created_by: string;
  created_at: CreatedAt;
  deleted_at: Timestamp | null;
  /** False after a run of failed sends (or refused credentials), until a send succeeds or a reconnect. */
  healthy: Generated<boolean>;
  consecutive_failures: Generated<number>;
  last_error: string | null;
  failing_since: Timestamp | null;
  /** `needs_reconnect` once the network refused to renew an OAuth channel's tokens for good. */
  status: ColumnType<ChannelStatus, ChannelStatus | undefined, ChannelStatus>;
  /** Set while a token refresh is on the network, cleared by the save of its answer (db/oauth.ts). */
  token_refresh_started_at: Timestamp | null;
}

export interface QueueSlot {
  day: number;
  time: string;
}

export type Channel = Selectable<ChannelsTable>;

/** Whether the channel's sends go through: unhealthy after a run of failures or refused credentials. */
export const channelHealthView = z
  .object({
    healthy: z
      .boolean()
      .describe(
        'False after three failed sends in a row, or refused credentials, until a send goes through or the channel is reconnected',
      ),
    consecutiveFailures: z.number(),
    lastError: z.string().nullable(),
    failingSince: z.string().nullable(),
  })
  .describe('Whether sends to this channel go through');
export type ChannelHealth = z.infer<typeof channelHealthView>;

export const channelView = z.object({
  id: z.uuid(),
  provider: z.enum(PROVIDERS),
  name: z.string(),
  accountRef: z.string().describe('Who the channel posts as: a Bluesky DID, a webhook host'),
  timezone: z.string(),
  slots: z.array(z.object({ day: z.number(), time: z.string() })),
  minGapMinutes: z.number(),
  createdAt: z.string(),
  status: z
    .enum(CHANNEL_STATUSES)
    .describe(
      "`needs_reconnect`: the network stopped accepting Chorus's access (an OAuth channel whose token refresh was refused); its posts wait until an owner or admin reconnects it (POST /v1/channels/connect/{provider})",
    ),
  health: channelHealthView,
});
export type ChannelView = z.infer<typeof channelView>;

type ChannelRow = Pick<
  Channel,
  | 'id'
  | 'provider'
  | 'name'
  | 'account_ref'
  | 'timezone'
  | 'slots'
  | 'min_gap_minutes'
  | 'created_at'
  | 'healthy'
  | 'consecutive_failures'
  | 'last_error'
  | 'failing_since'
  | 'status'
>;

export function toChannelView(row: ChannelRow): ChannelView {
  return {
    id: row.id,
    provider: row.provider,
    name: row.name,
    accountRef: row.account_ref,
    timezone: row.timezone,
    slots: row.slots,
    minGapMinutes: row.min_gap_minutes,
    createdAt: row.created_at.toISOString(),
    status: row.status,
    health: {
      healthy: row.healthy,
      consecutiveFailures: row.consecutive_failures,
      lastError: row.last_error,
      failingSince: row.failing_since?.toISOString() ?? null,
    },
  };
}

/** Failed sends in a row after which a channel shows as unhealthy (refused credentials: at once). */
const UNHEALTHY_AFTER_FAILURES = 3;

/** Counts a send that failed for the channel's sake (unreachable, rate limited, credentials refused). */
export async function recordChannelFailure(
  db: Db,
  channelId: string,
  { error, authFailed }: { error: string; authFailed: boolean },
): Promise<void> {
  await db
    .updateTable('channels')
    .set((eb) => ({
      consecutive_failures: eb('consecutive_failures', '+', 1),
      last_error: error,
      failing_since: eb.fn.coalesce('failing_since', sql<Date>`now()`),
      // The count before this failure is what the expression sees.
      healthy: authFailed ? false : sql<boolean>`healthy and consecutive_failures < ${UNHEALTHY_AFTER_FAILURES - 1}`,
    }))
    .where('id', '=', channelId)
    .execute();
}

/** What a send needs of its channel at the moment it goes: its credentials as now, and its status. */
export function findChannelSendState(db: Db, channelId: string) {
  return db
    .selectFrom('channels')
    .select(['credentials_sealed', 'status', 'last_error'])
    .where('id', '=', channelId)
    .executeTakeFirstOrThrow();
}

export async function findChannel(db: Db, workspaceId: string, channelId: string) {
  return db
    .selectFrom('channels')
    .selectAll()
    .where('id', '=', channelId)
    .where('workspace_id', '=', workspaceId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

/**
 * Reconnects a channel with new (verified) credentials: resealed, healthy again, audited. Returns
 * the posts held for it (claimed, with a target on this channel not published yet: waiting for
 * this reconnect after refused credentials, or retrying), whose workflows are to be told.
 */
export async function reconnectChannel(
  db: Db,
  input: { workspaceId: string; channelId: string; actorId: string; credentialsSealed: string },
): Promise<{ channel: ChannelView; heldWorkflowIds: string[] } | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('channels')
      .set({
        credentials_sealed: input.credentialsSealed,
        healthy: true,
        consecutive_failures: 0,
        last_error: null,
        failing_since: null,
        status: 'connected',
        token_refresh_started_at: null,
      })
      .where('id', '=', input.channelId)
      .where('workspace_id', '=', input.workspaceId)
      .where('deleted_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!row) return undefined;
    const channel = toChannelView(row);
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: 'channel.reconnected',
      subjectType: 'channel',
      subjectId: row.id,
      after: { accountRef: channel.accountRef },
    });
    return { channel, heldWorkflowIds: await heldPostWorkflows(trx, input.channelId) };
  });
}

/** Workflows of claimed posts with a target on the channel not published yet (held for a reconnect, or retrying). */
export async function heldPostWorkflows(db: Db | Transaction<Database>, channelId: string): Promise<string[]> {
  const held = await db
    .selectFrom('post_targets as t')
    .innerJoin('posts as p', 'p.id', 't.post_id')
    .select('p.workflow_id')
    .distinct()
    .where('t.channel_id', '=', channelId)
    .where('t.status', '=', 'publishing')
    .where('p.status', '=', 'publishing')
    .execute();
  return held.map((p) => p.workflow_id);
}

export async function insertChannel(
  db: Db,
  input: {
    workspaceId: string;
    actorId: string;
    provider: Provider;
    name: string;
    accountRef: string;
    credentialsSealed: string;
  },
): Promise<ChannelView> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('channels')
      .values({
        workspace_id: input.workspaceId,
        provider: input.provider,
        name: input.name,
        account_ref: input.accountRef,
        credentials_sealed: input.credentialsSealed,
        created_by: input.actorId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = toChannelView(row);
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: 'channel.created',
      subjectType: 'channel',
      subjectId: row.id,
      after: view,
    });
    return view;
  });
}

/** Live (not removed) channels of a workspace, optionally only the given ids. */
export function findChannels(db: Db, workspaceId: string, ids?: string[]) {
  let query = db
    .selectFrom('channels')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('deleted_at', 'is', null);
  if (ids) {
    if (ids.length === 0) return Promise.resolve([]);
    query = query.where('id', 'in', ids);
  }
  return query.orderBy('created_at').execute();
}

/**
 * Removes a channel (kept for history: posts refer to it). Returns the posts held for it (see
 * `reconnectChannel`), whose workflows are to be told; undefined when it is not in the workspace.
 */
export async function removeChannel(
  db: Db,
  workspaceId: string,
  channelId: string,
  actorId: string,
): Promise<{ heldWorkflowIds: string[] } | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('channels')
      .set({ deleted_at: new Date() })
      .where('id', '=', channelId)
      .where('workspace_id', '=', workspaceId)
      .where('deleted_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!row) return undefined;
    await appendAudit(trx, {
      workspaceId,
      actorId,
      action: 'channel.removed',
      subjectType: 'channel',
      subjectId: channelId,
      before: toChannelView(row),
    });
    return { heldWorkflowIds: await heldPostWorkflows(trx, channelId) };
  });
}

/** Sets a channel's timezone, queue slots and minimum gap, audited; undefined when the workspace has no such channel. */
export async function setChannelSlots(
  db: Db,
  input: {
    workspaceId: string;
    channelId: string;
    actorId: string;
    timezone: string;
    slots: QueueSlot[];
    minGapMinutes: number;
  },
) {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('channels')
      .set({ timezone: input.timezone, slots: JSON.stringify(input.slots), min_gap_minutes: input.minGapMinutes })
      .where('id', '=', input.channelId)
      .where('workspace_id', '=', input.workspaceId)
      .where('deleted_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (row)
      await appendAudit(trx, {
        workspaceId: input.workspaceId,
        actorId: input.actorId,
        action: 'channel.slots_set',
        subjectType: 'channel',
        subjectId: row.id,
        after: { timezone: input.timezone, slots: input.slots, minGapMinutes: input.minGapMinutes },
      });
    return row;
  });
}
