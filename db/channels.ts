import type { Channel, Db, Provider, QueueSlot } from './database';
import { appendAudit } from './audit';

export interface ChannelView {
  id: string;
  provider: Provider;
  name: string;
  accountRef: string;
  timezone: string;
  slots: QueueSlot[];
  minGapMinutes: number;
  createdAt: string;
}

export function toChannelView(row: Pick<Channel, 'id' | 'provider' | 'name' | 'account_ref' | 'timezone' | 'slots' | 'min_gap_minutes' | 'created_at'>): ChannelView {
  return {
    id: row.id,
    provider: row.provider,
    name: row.name,
    accountRef: row.account_ref,
    timezone: row.timezone,
    slots: row.slots,
    minGapMinutes: row.min_gap_minutes,
    createdAt: row.created_at.toISOString(),
  };
}

export async function insertChannel(
  db: Db,
  input: { workspaceId: string; actorId: string; provider: Provider; name: string; accountRef: string; credentialsSealed: string },
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
    await appendAudit(trx, { workspaceId: input.workspaceId, actorId: input.actorId, action: 'channel.created', subjectType: 'channel', subjectId: row.id, after: view });
    return view;
  });
}

/** Live (not removed) channels of a workspace, optionally only the given ids. */
export function findChannels(db: Db, workspaceId: string, ids?: string[]) {
  let query = db.selectFrom('channels').selectAll().where('workspace_id', '=', workspaceId).where('deleted_at', 'is', null);
  if (ids) {
    if (ids.length === 0) return Promise.resolve([]);
    query = query.where('id', 'in', ids);
  }
  return query.orderBy('created_at').execute();
}

/** Removes a channel (kept for history: posts refer to it). Returns false when it is not in the workspace. */
export async function removeChannel(db: Db, workspaceId: string, channelId: string, actorId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('channels')
      .set({ deleted_at: new Date() })
      .where('id', '=', channelId)
      .where('workspace_id', '=', workspaceId)
      .where('deleted_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!row) return false;
    await appendAudit(trx, { workspaceId, actorId, action: 'channel.removed', subjectType: 'channel', subjectId: channelId, before: toChannelView(row) });
    return true;
  });
}
